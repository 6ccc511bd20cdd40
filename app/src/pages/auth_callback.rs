use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::session::complete_peeringdb_login;

/// Where PeeringDB sends the browser back. Completing the login redirects to
/// `/onboarding` (on the server, before any HTML); a failure is explained here.
#[component]
pub fn AuthCallbackPage() -> impl IntoView {
    let query = use_query_map();
    let outcome = Resource::new_blocking(
        move || query.with(|q| (q.get("code"), q.get("state"), q.get("error"))),
        |(code, state, error)| complete_peeringdb_login(code, state, error),
    );
    view! {
        <Title text="Logging in"/>
        <section class="page">
            <Suspense fallback=|| view! { <p class="muted" role="status">"Completing your PeeringDB login…"</p> }>
                {move || Suspend::new(async move {
                    match outcome.await {
                        Ok(()) => view! { <p role="status">"You are logged in. Continuing…"</p> }.into_any(),
                        Err(error) => view! {
                            <div class="card">
                                <h1>"Login failed"</h1>
                                <p class="error" role="alert">{error.to_string()}</p>
                                <p class="caption">"Error code: " <code class="mono">{error.code().to_owned()}</code></p>
                                <a class="button" href="/auth/peeringdb/login" rel="external">"Try again"</a>
                                " "
                                <a href="/login">"Back to the login page"</a>
                            </div>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
