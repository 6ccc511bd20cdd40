//! `/admin/users`: every account (local and PeeringDB) searched with a plain GET form,
//! and a form that creates a local account and shows its set-password link once.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::accounts::{admin_users, Account, CreateUser, PasswordLinkView};
use crate::components::{short_time, ErrorNotice};
use crate::page_data;
use crate::pages::two_factor::error_of;
use crate::viewer::RequireViewer;

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    view! {
        <Title text=title!(users.title)/>
        <RequireViewer admin=true>
            <Users/>
        </RequireViewer>
    }
}

/// A set-password link to hand over, shown once.
#[component]
pub(super) fn LinkNotice(link: PasswordLinkView) -> impl IntoView {
    view! {
        <div class="notice success" role="status">
            <p>{tr!(users.link_text)}</p>
            <p><code class="mono secret break" data-testid="password-link">{link.url}</code></p>
            <p class="caption">{tr!(users.link_expires)} " " <time datetime=link.expires_at.clone()>{short_time(&link.expires_at)}</time></p>
        </div>
    }
}

#[component]
fn Users() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let query = use_query_map();
    let q = move || query.with(|q| q.get("q").filter(|v| !v.is_empty()));
    let users = page_data::load(move || (q(), create.version().get()), |(q, _)| admin_users(q));
    let (name, kind, role, state, asns, last) =
        (tr!(users.username), tr!(users.kind), tr!(users.role), tr!(users.state), tr!(users.asns), tr!(users.last_login));
    view! {
        <section class="page">
            <h1>{tr!(users.title)}</h1>
            {move || query.with(|q| q.get("error")).and_then(|c| contract::ErrorCode::parse(&c)).map(|code| view! { <ErrorNotice error=crate::error::AppError::refused(code)/> })}
            <form class="filters card" method="get" action="/admin/users" role="search">
                <div class="field">
                    <label for="users-q">{tr!(users.search)}</label>
                    <input id="users-q" name="q" type="search" autocomplete="off" value=move || q().unwrap_or_default() placeholder="alice | AS64500"/>
                </div>
                <button type="submit" class="button">{tr!(users.apply)}</button>
            </form>
            <Suspense fallback=move || view! { <p class="muted" role="status">{tr!(shell.loading)}</p> }>
                {move || Suspend::new(async move {
                    match users.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(rows) if rows.is_empty() => view! { <div class="card empty-state"><p>{tr!(users.empty)}</p></div> }.into_any(),
                        Ok(rows) => view! {
                            <div class="table-wrap card flush" role="region" tabindex="0" aria-label=tr!(users.title)>
                                <table class="data-table">
                                    <thead><tr>
                                        <th scope="col">{name}</th><th scope="col">{kind}</th><th scope="col">{role}</th>
                                        <th scope="col">{state}</th><th scope="col">{asns}</th><th scope="col">{last}</th>
                                    </tr></thead>
                                    <tbody>{rows.into_iter().map(|a| view! { <UserRow account=a/> }).collect_view()}</tbody>
                                </table>
                            </div>
                        }.into_any(),
                    }
                })}
            </Suspense>
            <ActionForm action=create attr:class="card add-endpoint">
                <h2>{tr!(users.create_title)}</h2>
                <p class="caption">{tr!(users.create_text)}</p>
                <div class="field">
                    <label for="new-username">{tr!(users.username)}</label>
                    <input id="new-username" name="username" type="text" required maxlength="64" autocomplete="off" autocapitalize="none"/>
                </div>
                <div class="field">
                    <label for="new-full-name">{tr!(users.full_name)}</label>
                    <input id="new-full-name" name="full_name" type="text" maxlength="255" autocomplete="off"/>
                </div>
                <div class="field">
                    <label for="new-email">{tr!(users.email)}</label>
                    <input id="new-email" name="email" type="email" maxlength="320" autocomplete="off"/>
                </div>
                <div class="field">
                    <label for="new-asns">{tr!(users.asns)}</label>
                    <input id="new-asns" name="asns" type="text" autocomplete="off" placeholder="64500, 64501" class="mono"/>
                </div>
                <div class="field">
                    <label for="new-networks">{tr!(users.networks)}</label>
                    <input id="new-networks" name="networks" type="text" autocomplete="off" placeholder={tr!(users.networks_any)} class="mono"/>
                </div>
                <div class="field checkbox-field">
                    <input id="new-admin" name="is_admin" type="checkbox" value="on"/>
                    <label for="new-admin">{tr!(users.make_admin)}</label>
                </div>
                <button type="submit" class="button">{tr!(users.create)}</button>
                {error_of(create)}
                {move || create.value().get().and_then(Result::ok).and_then(|c| c.password_link).map(|link| view! { <LinkNotice link/> })}
            </ActionForm>
        </section>
    }
}

#[component]
fn UserRow(account: Account) -> impl IntoView {
    let href = format!("/admin/users/{}", account.id);
    let asns = if account.asns.is_empty() { "—".to_owned() } else { account.asns.iter().map(|a| format!("AS{a}")).collect::<Vec<_>>().join(", ") };
    let kind = if account.kind == "local" { tr!(users.kind_local) } else { tr!(users.kind_peeringdb) };
    view! {
        <tr data-user=account.username.clone()>
            <td data-label=tr!(users.username)><a href=href>{account.username.clone()}</a>{account.full_name.map(|n| view! { <span class="caption">" · " {n}</span> })}</td>
            <td data-label=tr!(users.kind)>{kind}</td>
            <td data-label=tr!(users.role)>{if account.is_admin { tr!(users.admin) } else { tr!(users.operator) }}</td>
            <td data-label=tr!(users.state)>
                {if account.is_enabled { tr!(users.enabled) } else { tr!(users.disabled) }}
                {account.totp.then(|| view! { " · " {tr!(users.totp_on)} })}
            </td>
            <td data-label=tr!(users.asns) class="mono">{asns}</td>
            <td data-label=tr!(users.last_login)>{account.last_login_at.map(|t| view! { <time datetime=t.clone()>{short_time(&t)}</time> })}</td>
        </tr>
    }
}
