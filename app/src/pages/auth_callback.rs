use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::session::complete_peeringdb_login;
use crate::components::ErrorNotice;
use crate::page_data;

/// Where PeeringDB sends the browser back. Completing the login redirects to
/// `/onboarding` (on the server, before any HTML); a failure is explained here.
#[component]
pub fn AuthCallbackPage() -> impl IntoView {
    let query = use_query_map();
    let outcome = page_data::load_blocking(
        move || query.with(|q| (q.get("code"), q.get("state"), q.get("error"))),
        |(code, state, error)| complete_peeringdb_login(code, state, error),
    );
    view! {
        <Title text=title!(callback.title)/>
        <section class="page">
            <Suspense fallback=move || view! { <p class="muted" role="status">{tr!(callback.completing)}</p> }>
                {move || Suspend::new(async move {
                    match outcome.await {
                        Ok(()) => view! { <p role="status">{tr!(callback.done)}</p> }.into_any(),
                        Err(error) => view! {
                            <div class="card">
                                <h1>{tr!(callback.failed)}</h1>
                                <ErrorNotice error/>
                                <div class="button-row">
                                    <a class="button" href="/auth/peeringdb/login" rel="external">{tr!(callback.try_again)}</a>
                                    <a href="/login">{tr!(callback.back)}</a>
                                </div>
                            </div>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
