//! `/admin/notifications`: the webhook endpoints (add, test, turn on or off, delete)
//! and the outbox (depth, the delivery log, dead letters to send again). Every change is
//! a plain form, so the screen works before hydration.

use contract::view::{NotificationsAdmin, WebhookEndpoint};
use contract::NotificationKind;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::outbox::OutboxView;
use crate::api::notify::{admin_notifications, form_key, AddWebhook, RemoveWebhook, RetryDelivery, SendTestDelivery, ToggleWebhook};
use crate::components::{short_time, Confirm, ErrorNotice};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::page_data;
use crate::text::notification_kind_label;
use crate::viewer::RequireViewer;

#[component]
pub fn AdminNotificationsPage() -> impl IntoView {
    view! {
        <Title text=title!(webhooks.title)/>
        <RequireViewer admin=true>
            <Notifications/>
        </RequireViewer>
    }
}

/// The page's actions; any of them reloads the data.
#[derive(Clone, Copy)]
pub(super) struct Actions {
    add: ServerAction<AddWebhook>,
    toggle: ServerAction<ToggleWebhook>,
    remove: ServerAction<RemoveWebhook>,
    test: ServerAction<SendTestDelivery>,
    pub(super) retry: ServerAction<RetryDelivery>,
}

impl Actions {
    fn version(&self) -> (usize, usize, usize, usize, usize) {
        (self.add.version().get(), self.toggle.version().get(), self.remove.version().get(), self.test.version().get(), self.retry.version().get())
    }
}

#[component]
fn Notifications() -> impl IntoView {
    let actions = Actions {
        add: ServerAction::new(),
        toggle: ServerAction::new(),
        remove: ServerAction::new(),
        test: ServerAction::new(),
        retry: ServerAction::new(),
    };
    provide_context(actions);
    let query = use_query_map();
    let param = move |name: &str| query.with(|q| q.get(name).filter(|v| !v.is_empty()));
    let status = move || param("status");
    let data = page_data::load(move || (status(), param("endpoint"), actions.version()), |(status, endpoint, _)| admin_notifications(status, endpoint));
    // A refused plain form post comes back as `?error=<code>`.
    let redirected = move || param("error").and_then(|code| contract::ErrorCode::parse(&code)).map(AppError::refused);
    let error = move || {
        [actions.toggle.value().get().and_then(|r| r.err()), actions.remove.value().get().and_then(|r| r.err()),
            actions.test.value().get().and_then(|r| r.err()), actions.retry.value().get().and_then(|r| r.err()), redirected()]
        .into_iter()
        .flatten()
        .next()
    };
    view! {
        <section class="page">
            <h1>{tr!(webhooks.title)}</h1>
            {move || error().map(|error| view! { <ErrorNotice error/> })}
            <Suspense fallback=move || view! { <p class="muted" role="status">{tr!(webhooks.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(data) => view! { <Screen data status=status()/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Screen(data: NotificationsAdmin, status: Option<String>) -> impl IntoView {
    let NotificationsAdmin { email_enabled, webhooks, outbox } = data;
    view! {
        <p class="caption">{if email_enabled { tr!(webhooks.email_on) } else { tr!(webhooks.email_off) }}</p>
        <section class="card" aria-labelledby="webhooks-title">
            <h2 id="webhooks-title">{tr!(webhooks.endpoints)}</h2>
            {if webhooks.is_empty() {
                view! { <p class="caption">{tr!(webhooks.none)}</p> }.into_any()
            } else {
                view! { <ul class="endpoint-list">{webhooks.into_iter().map(|w| view! { <Endpoint endpoint=w/> }).collect_view()}</ul> }.into_any()
            }}
            <AddEndpoint/>
        </section>
        <OutboxView outbox status/>
    }
}

#[component]
fn Endpoint(endpoint: WebhookEndpoint) -> impl IntoView {
    let actions = expect_context::<Actions>();
    let i18n = use_i18n();
    let id = StoredValue::new(endpoint.id.clone());
    let events = endpoint.events.clone();
    view! {
        <li class="endpoint" data-endpoint=endpoint.id.clone()>
            <div class="endpoint-head">
                <code class="mono endpoint-url">{endpoint.url.clone()}</code>
                {if endpoint.enabled {
                    view! { <span class="badge ok">{tr!(webhooks.enabled)}</span> }.into_any()
                } else {
                    view! { <span class="badge">{tr!(webhooks.disabled)}</span> }.into_any()
                }}
            </div>
            <p class="caption">
                {tr!(webhooks.secret)} " " <code class="mono">{endpoint.secret_hint.clone()}</code> " · " {short_time(&endpoint.created_at)}
            </p>
            <p class="caption endpoint-events">
                {move || events.iter().map(|k| notification_kind_label(i18n.get_locale(), *k)).collect::<Vec<_>>().join(" · ")}
            </p>
            <div class="actions">
                <ActionForm action=actions.test>
                    <input type="hidden" name="id" value=id.get_value()/>
                    <button type="submit" class="button secondary">{tr!(webhooks.test)}</button>
                </ActionForm>
                <ActionForm action=actions.toggle>
                    <input type="hidden" name="id" value=id.get_value()/>
                    <input type="hidden" name="enabled" value=if endpoint.enabled { "false" } else { "true" }/>
                    <button type="submit" class="button secondary">{if endpoint.enabled { tr!(webhooks.disable) } else { tr!(webhooks.enable) }}</button>
                </ActionForm>
                <Confirm label=tr!(webhooks.delete)>
                    <p>{tr!(webhooks.delete_explain)}</p>
                    <ActionForm action=actions.remove>
                        <input type="hidden" name="id" value=id.get_value()/>
                        <button type="submit" class="button danger">{tr!(webhooks.delete_confirm)}</button>
                    </ActionForm>
                </Confirm>
                <a class="button secondary" href=format!("/admin/notifications?endpoint={}", id.get_value())>{tr!(webhooks.log)}</a>
            </div>
        </li>
    }
}

#[component]
fn AddEndpoint() -> impl IntoView {
    let actions = expect_context::<Actions>();
    let i18n = use_i18n();
    view! {
        <ActionForm action=actions.add attr:class="add-endpoint">
            <h3>{tr!(webhooks.add_title)}</h3>
            <div class="field">
                <label for="webhook-url">{tr!(webhooks.url)}</label>
                <input id="webhook-url" name="url" type="url" inputmode="url" required placeholder="https://noc.example.net/hooks/zt-ix" autocomplete="off"/>
            </div>
            <fieldset class="check-list">
                <legend>{tr!(webhooks.events)}</legend>
                {NotificationKind::subscribable().map(|kind| {
                    let key = form_key(kind);
                    let id = format!("webhook-event-{key}");
                    view! {
                        <div class="check-row">
                            <input type="checkbox" id=id.clone() name=format!("on[{key}]") value="on" checked=true/>
                            <label for=id>{move || notification_kind_label(i18n.get_locale(), kind)}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <div class="field">
                <label for="webhook-secret">{tr!(webhooks.secret_input)}</label>
                <input id="webhook-secret" name="secret" type="text" autocomplete="off" spellcheck="false" class="mono"/>
                <p class="caption">{tr!(webhooks.secret_help)}</p>
            </div>
            <button type="submit" class="button">{tr!(webhooks.add)}</button>
            {move || match actions.add.value().get() {
                Some(Ok(created)) => view! {
                    <div class="notice success" role="status">
                        <p>{tr!(webhooks.created)}</p>
                        <p><code class="mono secret" data-testid="webhook-secret">{created.secret}</code></p>
                    </div>
                }.into_any(),
                Some(Err(error)) => view! { <ErrorNotice error/> }.into_any(),
                None => ().into_any(),
            }}
        </ActionForm>
    }
}
