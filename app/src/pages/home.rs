use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::networks::{list_networks, NetworkOverview};
use crate::error::AppError;

/// The overview: what the exchange is and which networks it offers.
#[component]
pub fn HomePage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| list_networks());

    view! {
        <Title text="Overview"/>
        <section class="page">
            <h1>"Peering on ZT-IX"</h1>
            <p class="lead">
                "ZT-IX is a virtual Internet Exchange on ZeroTier. Network operators ask to join "
                "an exchange network with their ZeroTier node; once approved, the node is "
                "authorized, receives its IPv6 address and peers with the route servers."
            </p>
            <div class="card">
                <div class="card-header">
                    <h2>"Exchange networks"</h2>
                    <button type="button" class="button secondary" on:click=move |_| overview.refetch()>
                        "Refresh"
                    </button>
                </div>
                <Transition fallback=|| view! { <p class="muted" role="status">"Loading networks…"</p> }>
                    {move || Suspend::new(async move { render(overview.await) })}
                </Transition>
            </div>
        </section>
    }
}

fn render(result: Result<NetworkOverview, AppError>) -> AnyView {
    match result {
        Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
        Ok(overview) if overview.networks.is_empty() => view! {
            <p class="empty">"No exchange networks are open yet. An operator of this exchange adds them in the runtime configuration."</p>
            <p class="caption" data-checked-at=overview.checked_at.clone()>"Checked " {overview.checked_at.clone()}</p>
        }
        .into_any(),
        Ok(overview) => view! {
            <ul class="network-list">
                {overview
                    .networks
                    .into_iter()
                    .map(|n| view! {
                        <li class="network">
                            <span class="network-name">{n.name}</span>
                            <code class="mono">{n.id}</code>
                            {n.ipv6_prefix.map(|p| view! { <code class="mono prefix">{p}</code> })}
                            {n.description.map(|d| view! { <p class="muted">{d}</p> })}
                        </li>
                    })
                    .collect_view()}
            </ul>
            <p class="caption" data-checked-at=overview.checked_at.clone()>"Checked " {overview.checked_at.clone()}</p>
        }
        .into_any(),
    }
}
