use contract::ErrorCode;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use crate::api::networks::list_networks;
use crate::api::session::{get_login_options, LocalLogin};
use crate::components::ErrorNotice;
use crate::error::AppError;
use crate::i18n::{t_string, use_i18n};
use crate::viewer::use_viewer;
use crate::page_data;

/// Log in with PeeringDB (when configured) or with a local account.
#[component]
pub fn LoginPage() -> impl IntoView {
    let state = use_viewer();
    let options = page_data::load_blocking(|| (), |_| get_login_options());
    let query = use_query_map();
    // The browser login flow comes back here with `?error=<code>` when it fails early.
    let redirected_error = move || query.with(|q| q.get("error")).and_then(|code| ErrorCode::parse(&code)).map(AppError::refused);

    view! {
        <Title text=title!(login.title)/>
        <Suspense>
            {move || Suspend::new(async move {
                matches!(state.viewer.await, Ok(Some(_))).then(|| view! { <Redirect path="/onboarding"/> })
            })}
        </Suspense>
        <section class="page login-page">
            <div class="login-panel card">
                <h1>{tr!(login.title)}</h1>
                <p class="lead">{tr!(login.lead)}</p>
                {move || redirected_error().map(|error| view! { <ErrorNotice error/> })}
                <Suspense fallback=move || view! { <p class="muted" role="status">{tr!(shell.loading)}</p> }>
                    {move || Suspend::new(async move {
                        match options.await {
                            Ok(options) => view! {
                                {options.peeringdb.then(|| view! {
                                    <a class="button peeringdb" href="/auth/peeringdb/login" rel="external">
                                        {tr!(login.with_peeringdb)}
                                    </a>
                                })}
                                {(options.peeringdb && options.local).then(|| view! {
                                    <p class="divider"><span>{tr!(login.or)}</span></p>
                                })}
                                {options.local.then(|| view! { <LocalLoginForm/> })}
                                {(!options.peeringdb && !options.local).then(|| view! {
                                    <p class="empty">{tr!(login.none_configured)}</p>
                                })}
                            }
                            .into_any(),
                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
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
    let i18n = use_i18n();
    let state = use_viewer();
    let login = ServerAction::<LocalLogin>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = login.value().get() {
            state.refresh();
        }
    });
    let error = move || login.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> });
    view! {
        <ActionForm action=login>
            <div class="field">
                <label for="login-username">{tr!(login.username)}</label>
                <input id="login-username" name="username" type="text" autocomplete="username" required=true maxlength="255"/>
            </div>
            <div class="field">
                <label for="login-password">{tr!(login.password)}</label>
                <input id="login-password" name="password" type="password" autocomplete="current-password" required=true maxlength="1024"/>
            </div>
            {error}
            <button type="submit" class="button" disabled=move || login.pending().get()>
                {move || if login.pending().get() { t_string!(i18n, login.submitting) } else { t_string!(i18n, login.submit) }}
            </button>
        </ActionForm>
    }
}

/// The networks of this exchange, so visitors know what they can join.
#[component]
fn ExchangeNetworks() -> impl IntoView {
    let overview = page_data::load(|| (), |_| list_networks());
    view! {
        <aside class="card networks-card">
            <h2>{tr!(login.networks_title)}</h2>
            <Transition fallback=move || view! { <p class="muted" role="status">{tr!(login.networks_loading)}</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(o) if o.networks.is_empty() => view! {
                            <p class="empty">{tr!(login.networks_empty)}</p>
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
