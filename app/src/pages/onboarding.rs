use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::session::{my_asns, Viewer};
use crate::viewer::RequireViewer;

/// Where an operator starts: the ASNs they may represent.
#[component]
pub fn OnboardingPage() -> impl IntoView {
    view! {
        <Title text="Join the exchange"/>
        <RequireViewer>
            <Onboarding/>
        </RequireViewer>
    }
}

#[component]
fn Onboarding() -> impl IntoView {
    let viewer = expect_context::<Viewer>();
    let asns = Resource::new(|| (), |_| my_asns());
    view! {
        <section class="page">
            <h1>"Welcome, " {viewer.display_name.clone()}</h1>
            <div class="card">
                <h2>"Your networks"</h2>
                <Suspense fallback=|| view! { <p class="muted" role="status">"Loading your ASNs…"</p> }>
                    {move || Suspend::new(async move {
                        match asns.await {
                            Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                            Ok(list) if list.is_empty() => view! {
                                <div class="empty blocked">
                                    <p><strong>"No ASN is linked to your account yet."</strong></p>
                                    <p>
                                        "With PeeringDB, your networks appear here when your PeeringDB user is "
                                        "affiliated with the network's organisation. Local accounts get their ASNs "
                                        "from the exchange."
                                    </p>
                                </div>
                            }
                            .into_any(),
                            Ok(list) => view! {
                                <ul class="asn-list">
                                    {list.into_iter().map(|a| view! {
                                        <li>
                                            <code class="mono">"AS"{a.asn}</code>
                                            {a.net_name.map(|n| view! { " " <span>{n}</span> })}
                                            <span class="caption">" · " {a.source}</span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }
                            .into_any(),
                        }
                    })}
                </Suspense>
            </div>
        </section>
    }
}
