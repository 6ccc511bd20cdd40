//! `/account`: the person's personal API tokens (create with a name, scope and expiry;
//! the secret is shown once; revoke) and their e-mail choices. Plain forms, so the page
//! works before hydration.

use contract::TokenScope;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::tokens::{my_tokens, ApiToken, CreateToken, RevokeToken};
use crate::components::{short_time, Confirm, ErrorNotice};
use crate::error::AppError;
use crate::i18n::{t_string, use_i18n};
use crate::text::token_scope_label;
use crate::viewer::{use_viewer, RequireViewer};

#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <Title text=title!(account.title)/>
        <RequireViewer>
            <Account/>
        </RequireViewer>
    }
}

#[component]
fn Account() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let tokens = Resource::new(move || (create.version().get(), revoke.version().get()), |_| my_tokens());
    let query = use_query_map();
    let redirected = move || query.with(|q| q.get("error")).and_then(|code| contract::ErrorCode::parse(&code)).map(AppError::refused);
    let viewer = use_viewer().viewer;
    let i18n = use_i18n();
    view! {
        <section class="page">
            <h1>{tr!(account.title)}</h1>
            {move || redirected().map(|error| view! { <ErrorNotice error/> })}
            <section class="card" aria-labelledby="tokens-title">
                <h2 id="tokens-title">{tr!(account.tokens)}</h2>
                <p class="caption">{tr!(account.tokens_text)}</p>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match tokens.await {
                            Ok(rows) if rows.is_empty() => view! { <p class="caption">{tr!(account.no_tokens)}</p> }.into_any(),
                            Ok(rows) => view! {
                                <ul class="endpoint-list">{rows.into_iter().map(|t| view! { <TokenRow token=t revoke/> }).collect_view()}</ul>
                            }.into_any(),
                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        }
                    })}
                </Suspense>
                <ActionForm action=create attr:class="add-endpoint">
                    <h3>{tr!(account.new_token)}</h3>
                    <div class="field">
                        <label for="token-name">{tr!(account.name)}</label>
                        <input id="token-name" name="name" type="text" required maxlength="100" autocomplete="off" placeholder="peering-manager"/>
                    </div>
                    <div class="field">
                        <label for="token-scope">{tr!(account.scope)}</label>
                        <select id="token-scope" name="scope">
                            <Transition>
                                {move || Suspend::new(async move {
                                    let admin = viewer.await.ok().flatten().is_some_and(|v| v.is_admin);
                                    TokenScope::ALL.iter().copied().filter(|s| admin || *s != TokenScope::Admin).map(|scope| view! {
                                        <option value=scope.as_str() selected=scope == TokenScope::Read>{move || token_scope_label(i18n.get_locale(), scope)}</option>
                                    }).collect_view()
                                })}
                            </Transition>
                        </select>
                    </div>
                    <div class="field">
                        <label for="token-days">{tr!(account.days)}</label>
                        <input id="token-days" name="expires_in_days" type="number" min="1" inputmode="numeric" placeholder="90"/>
                    </div>
                    <button type="submit" class="button">{tr!(account.create)}</button>
                    {move || match create.value().get() {
                        Some(Ok(created)) => view! {
                            <div class="notice success" role="status">
                                <p>{tr!(account.created)}</p>
                                <p><code class="mono secret" data-testid="token-secret">{created.secret}</code></p>
                            </div>
                        }.into_any(),
                        Some(Err(error)) => view! { <ErrorNotice error/> }.into_any(),
                        None => ().into_any(),
                    }}
                </ActionForm>
            </section>
            <crate::pages::two_factor::TwoFactorCard/>
            <crate::pages::notifications::NotificationsCard/>
        </section>
    }
}

#[component]
fn TokenRow(token: ApiToken, revoke: ServerAction<RevokeToken>) -> impl IntoView {
    let i18n = use_i18n();
    let scope = token.scope;
    let (expires, used) = (short_time(&token.expires_at), token.last_used_at.as_deref().map(short_time));
    let id = StoredValue::new(token.id.clone());
    view! {
        <li class="endpoint" data-token=id.get_value()>
            <div class="endpoint-head">
                <strong>{token.name.clone()}</strong>
                <span class="badge">{move || token_scope_label(i18n.get_locale(), scope)}</span>
            </div>
            <p class="caption">
                {move || t_string!(i18n, account.expires, time = expires.clone()).to_string()}
                " · "
                {move || match used.clone() {
                    Some(time) => t_string!(i18n, account.last_used, time = time).to_string(),
                    None => t_string!(i18n, account.never_used).to_string(),
                }}
            </p>
            <Confirm label=tr!(account.revoke)>
                <p>{tr!(account.revoke_explain)}</p>
                <ActionForm action=revoke>
                    <input type="hidden" name="id" value=id.get_value()/>
                    <button type="submit" class="button danger">{tr!(account.revoke_confirm)}</button>
                </ActionForm>
            </Confirm>
        </li>
    }
}
