use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use crate::api::networks::list_networks;
use crate::api::session::{get_login_options, LocalLogin};
use crate::error::{refusal_message, AppError};
use crate::viewer::use_viewer;

/// Log in with PeeringDB (when configured) or with a local account.
#[component]
pub fn LoginPage() -> impl IntoView {
    let state = use_viewer();
    let options = Resource::new_blocking(|| (), |_| get_login_options());
    let query = use_query_map();
    let redirected_error = move || query.with(|q| q.get("error"));

    view! {
        <Title text="Log in"/>
        <Suspense>
            {move || Suspend::new(async move {
                matches!(state.viewer.await, Ok(Some(_))).then(|| view! { <Redirect path="/onboarding"/> })
            })}
        </Suspense>
        <section class="page login-page">
            <div class="login-panel card">
                <h1>"Log in"</h1>
                <p class="lead">"Log in to ask for a port on the exchange and to follow your requests."</p>
                {move || redirected_error().map(|code| view! {
                    <p class="error" role="alert">{refusal_message(&code)} " " <code class="mono">{code}</code></p>
                })}
                <Suspense fallback=|| view! { <p class="muted" role="status">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match options.await {
                            Ok(options) => view! {
                                {options.peeringdb.then(|| view! {
                                    <a class="button peeringdb" href="/auth/peeringdb/login" rel="external">"Log in with PeeringDB"</a>
                                })}
                                {(options.peeringdb && options.local).then(|| view! { <p class="divider"><span>"or"</span></p> })}
                                {options.local.then(|| view! { <LocalLoginForm/> })}
                                {(!options.peeringdb && !options.local).then(|| view! {
                                    <p class="empty">"No way of logging in is configured on this exchange yet."</p>
                                })}
                            }
                            .into_any(),
                            Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
            <ExchangeNetworks/>
        </section>
    }
}

#[component]
fn LocalLoginForm() -> impl IntoView {
    let state = use_viewer();
    let login = ServerAction::<LocalLogin>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = login.value().get() {
            state.refresh();
        }
    });
    let error = move || match login.value().get() {
        Some(Err(AppError::Refused { code, retry_after, .. })) => Some(view! {
            <p class="error" role="alert">
                {refusal_message(&code)}
                {retry_after.map(|s| format!(" ({} min)", s.div_ceil(60)))}
                " " <code class="mono">{code}</code>
            </p>
        }
        .into_any()),
        Some(Err(other)) => Some(view! { <p class="error" role="alert">{other.to_string()}</p> }.into_any()),
        _ => None,
    };
    view! {
        <ActionForm action=login>
            <div class="field">
                <label for="login-username">"Username"</label>
                <input id="login-username" name="username" type="text" autocomplete="username" required=true maxlength="255"/>
            </div>
            <div class="field">
                <label for="login-password">"Password"</label>
                <input id="login-password" name="password" type="password" autocomplete="current-password" required=true maxlength="1024"/>
            </div>
            {error}
            <button type="submit" class="button" disabled=move || login.pending().get()>
                {move || if login.pending().get() { "Logging in…" } else { "Log in" }}
            </button>
        </ActionForm>
    }
}

/// The networks of this exchange, so visitors know what they can join.
#[component]
fn ExchangeNetworks() -> impl IntoView {
    let overview = Resource::new(|| (), |_| list_networks());
    view! {
        <aside class="card networks-card">
            <h2>"Exchange networks"</h2>
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading networks…"</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                        Ok(o) if o.networks.is_empty() => view! {
                            <p class="empty">"No exchange networks are open yet."</p>
                        }
                        .into_any(),
                        Ok(o) => view! {
                            <ul class="network-list">
                                {o.networks.into_iter().map(|n| view! {
                                    <li class="network">
                                        <span class="network-name">{n.name}</span>
                                        <code class="mono">{n.id}</code>
                                        {n.ipv6_prefix.map(|p| view! { <code class="mono prefix">{p}</code> })}
                                        {n.description.map(|d| view! { <p class="muted">{d}</p> })}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </aside>
    }
}
