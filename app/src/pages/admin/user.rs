//! `/admin/users/:id`: one account with every change an admin can make: name, e-mail,
//! local ASN grants and network restrictions; admin or not; enabled or not; end its
//! sessions; a new set-password link; turn off its two-factor login. Each is a plain
//! form calling the same code as `zt-ix users …`.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::users::LinkNotice;
use crate::api::accounts::{admin_user, Account, EndUserSessions, ResetUserTwoFactor, SetUserAdmin, SetUserEnabled, UpdateUser, UserPasswordLink};
use crate::components::{short_time, Confirm, ErrorNotice};
use crate::page_data;
use crate::pages::two_factor::error_of;
use crate::viewer::RequireViewer;

#[component]
pub fn AdminUserPage() -> impl IntoView {
    view! {
        <Title text=title!(users.detail_title)/>
        <RequireViewer admin=true>
            <User/>
        </RequireViewer>
    }
}

#[component]
fn User() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let update = ServerAction::<UpdateUser>::new();
    let admin = ServerAction::<SetUserAdmin>::new();
    let enabled = ServerAction::<SetUserEnabled>::new();
    let end = ServerAction::<EndUserSessions>::new();
    let link = ServerAction::<UserPasswordLink>::new();
    let reset = ServerAction::<ResetUserTwoFactor>::new();
    let account = page_data::load(
        move || (id(), update.version().get(), admin.version().get(), enabled.version().get(), reset.version().get()),
        |(id, ..)| admin_user(id),
    );
    view! {
        <section class="page">
            <p><a href="/admin/users">{tr!(users.back)}</a></p>
            {move || query.with(|q| q.get("error")).and_then(|c| contract::ErrorCode::parse(&c)).map(|code| view! { <ErrorNotice error=crate::error::AppError::refused(code)/> })}
            {error_of(admin)}{error_of(enabled)}{error_of(end)}{error_of(link)}{error_of(reset)}
            {move || link.value().get().and_then(Result::ok).map(|link| view! { <LinkNotice link/> })}
            {move || end.value().get().and_then(Result::ok).map(|_| view! { <p class="notice success" role="status">{tr!(users.sessions_ended)}</p> })}
            <Suspense fallback=move || view! { <p class="muted" role="status">{tr!(shell.loading)}</p> }>
                {move || Suspend::new(async move {
                    match account.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(a) => view! { <Facts account=a.clone()/> <Actions account=a update admin enabled end link reset/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Facts(account: Account) -> impl IntoView {
    view! {
        <div class="page-header">
            <h1>{account.username.clone()}</h1>
            <span class="badge">{if account.is_admin { tr!(users.admin) } else { tr!(users.operator) }}</span>
        </div>
        <dl class="facts card">
            <dt>{tr!(users.kind)}</dt><dd>{if account.kind == "local" { tr!(users.kind_local) } else { tr!(users.kind_peeringdb) }}</dd>
            <dt>{tr!(users.state)}</dt><dd data-testid="user-state">{if account.is_enabled { tr!(users.enabled) } else { tr!(users.disabled) }}</dd>
            <dt>{tr!(users.two_factor)}</dt><dd>{if account.totp { tr!(users.totp_on) } else { tr!(users.totp_off) }}</dd>
            <dt>{tr!(users.last_login)}</dt><dd>{account.last_login_at.map(|t| view! { <time datetime=t.clone()>{short_time(&t)}</time> })}</dd>
            <dt>{tr!(users.created)}</dt><dd><time datetime=account.created_at.clone()>{short_time(&account.created_at)}</time></dd>
        </dl>
    }
}

#[component]
fn Actions(
    account: Account,
    update: ServerAction<UpdateUser>,
    admin: ServerAction<SetUserAdmin>,
    enabled: ServerAction<SetUserEnabled>,
    end: ServerAction<EndUserSessions>,
    link: ServerAction<UserPasswordLink>,
    reset: ServerAction<ResetUserTwoFactor>,
) -> impl IntoView {
    let id = StoredValue::new(account.id.clone());
    let local = account.kind == "local";
    let asns = account.asns.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", ");
    let networks = account.networks.join(", ");
    let (flag, flag_label) = if account.is_admin { ("false", tr!(users.unmake_admin)) } else { ("true", tr!(users.make_admin)) };
    let (toggle, toggle_label) = if account.is_enabled { ("false", tr!(users.disable)) } else { ("true", tr!(users.enable)) };
    view! {
        <ActionForm action=update attr:class="card">
            <h2>{tr!(users.details)}</h2>
            <input type="hidden" name="id" value=id.get_value()/>
            <div class="field">
                <label for="user-full-name">{tr!(users.full_name)}</label>
                <input id="user-full-name" name="full_name" type="text" maxlength="255" value=account.full_name.clone().unwrap_or_default()/>
            </div>
            <div class="field">
                <label for="user-email">{tr!(users.email)}</label>
                <input id="user-email" name="email" type="email" maxlength="320" value=account.email.clone().unwrap_or_default()/>
            </div>
            <div class="field">
                <label for="user-asns">{tr!(users.asns)}</label>
                <input id="user-asns" name="asns" type="text" class="mono" value=asns/>
            </div>
            <div class="field">
                <label for="user-networks">{tr!(users.networks)}</label>
                <input id="user-networks" name="networks" type="text" class="mono" value=networks placeholder={tr!(users.networks_any)}/>
            </div>
            <button type="submit" class="button">{tr!(users.save)}</button>
            {error_of(update)}
            {move || update.value().get().and_then(Result::ok).map(|_| view! { <p class="notice success" role="status">{tr!(users.saved)}</p> })}
        </ActionForm>
        <div class="card actions">
            <h2>{tr!(users.access)}</h2>
            <ActionForm action=admin>
                <input type="hidden" name="id" value=id.get_value()/>
                <input type="hidden" name="admin" value=flag/>
                <button type="submit" class="button secondary">{flag_label}</button>
            </ActionForm>
            {local.then(|| view! {
                <ActionForm action=enabled>
                    <input type="hidden" name="id" value=id.get_value()/>
                    <input type="hidden" name="enabled" value=toggle/>
                    <button type="submit" class=if toggle == "false" { "button danger" } else { "button" }>{toggle_label}</button>
                </ActionForm>
            })}
            <ActionForm action=end>
                <input type="hidden" name="id" value=id.get_value()/>
                <button type="submit" class="button secondary">{tr!(users.end_sessions)}</button>
            </ActionForm>
            {local.then(|| view! {
                <ActionForm action=link>
                    <input type="hidden" name="id" value=id.get_value()/>
                    <button type="submit" class="button secondary">{tr!(users.new_link)}</button>
                </ActionForm>
            })}
            {(local && account.totp).then(|| view! {
                <Confirm label=tr!(users.reset_two_factor)>
                    <p>{tr!(users.reset_explain)}</p>
                    <ActionForm action=reset>
                        <input type="hidden" name="id" value=id.get_value()/>
                        <button type="submit" class="button danger">{tr!(users.reset_confirm)}</button>
                    </ActionForm>
                </Confirm>
            })}
        </div>
    }
}
