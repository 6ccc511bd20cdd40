//! The outbox part of `/admin/notifications`: depth, the delivery log (filtered by
//! status with plain links) and the dead letters' retry buttons.

use contract::view::{Delivery, Outbox};
use contract::DeliveryStatus;
use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::components::short_time;
use crate::i18n::{t_string, use_i18n};
use crate::text::{channel_label, delivery_status_label, notification_kind_label};

#[component]
pub fn OutboxView(outbox: Outbox, status: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let (pending, dead) = (outbox.pending.to_string(), outbox.dead.to_string());
    let oldest = outbox.oldest_pending_seconds.map(|s| s.to_string());
    let current = status.unwrap_or_default();
    let filters = [("", None), ("pending", Some(DeliveryStatus::Pending)), ("delivered", Some(DeliveryStatus::Delivered)), ("dead", Some(DeliveryStatus::Dead))];
    let (when, kind, channel, recipient, state, attempts, result) = (
        tr!(webhooks.col_time),
        tr!(webhooks.col_kind),
        tr!(webhooks.col_channel),
        tr!(webhooks.col_recipient),
        tr!(webhooks.col_status),
        tr!(webhooks.col_attempts),
        tr!(webhooks.col_result),
    );
    view! {
        <section class="card" aria-labelledby="outbox-title">
            <h2 id="outbox-title">{tr!(webhooks.outbox)}</h2>
            <p class="caption outbox-depth">
                {move || t_string!(i18n, webhooks.depth, pending = pending.clone(), dead = dead.clone()).to_string()}
                {oldest.map(|seconds| view! { " " {move || t_string!(i18n, webhooks.oldest, seconds = seconds.clone()).to_string()} })}
            </p>
            <nav class="filter-links" aria-label=tr!(webhooks.filter)>
                {filters.into_iter().map(|(value, status)| {
                    let href = if value.is_empty() { "/admin/notifications".to_owned() } else { format!("/admin/notifications?status={value}") };
                    let current = (current == value).then_some("page");
                    view! {
                        <a href=href aria-current=current>
                            {move || status.map_or_else(|| tr!(webhooks.all)(), |s| delivery_status_label(i18n.get_locale(), s))}
                        </a>
                    }
                }).collect_view()}
            </nav>
            {if outbox.deliveries.is_empty() {
                view! { <p class="caption">{tr!(webhooks.no_deliveries)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap flush" role="region" tabindex="0" aria-labelledby="outbox-title">
                        <table class="data-table">
                            <thead><tr>
                                <th scope="col">{when}</th><th scope="col">{kind}</th><th scope="col">{channel}</th><th scope="col">{recipient}</th>
                                <th scope="col">{state}</th><th scope="col">{attempts}</th><th scope="col">{result}</th>
                            </tr></thead>
                            <tbody>
                                {outbox.deliveries.into_iter().map(|d| view! { <Row delivery=d/> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn Row(delivery: Delivery) -> impl IntoView {
    let i18n = use_i18n();
    let retry = expect_context::<super::notifications::Actions>().retry;
    let (kind, channel, status) = (delivery.kind, delivery.channel, delivery.status);
    let result = match (&delivery.last_error, delivery.response_status, delivery.latency_ms) {
        (Some(error), _, _) => error.clone(),
        (None, Some(code), Some(ms)) => format!("HTTP {code} · {ms} ms"),
        (None, None, Some(ms)) => format!("{ms} ms"),
        _ => "—".to_owned(),
    };
    let badge = match status {
        DeliveryStatus::Delivered => "badge ok",
        DeliveryStatus::Dead => "badge danger",
        DeliveryStatus::Pending => "badge",
    };
    view! {
        <tr data-status=status.as_str() data-channel=channel.as_str() data-kind=kind.as_str()>
            <td data-label=tr!(webhooks.col_time)>{short_time(&delivery.created_at)}</td>
            <td data-label=tr!(webhooks.col_kind)>
                {move || notification_kind_label(i18n.get_locale(), kind)}
                {delivery.request_id.clone().map(|id| view! { " " <a href=format!("/admin/requests/{id}")>{tr!(webhooks.request)}</a> })}
            </td>
            <td data-label=tr!(webhooks.col_channel)>{move || channel_label(i18n.get_locale(), channel)}</td>
            <td data-label=tr!(webhooks.col_recipient)><span class="mono break">{delivery.recipient.clone()}</span></td>
            <td data-label=tr!(webhooks.col_status)><span class=badge>{move || delivery_status_label(i18n.get_locale(), status)}</span></td>
            <td data-label=tr!(webhooks.col_attempts)>{delivery.attempts}</td>
            <td data-label=tr!(webhooks.col_result)>
                <span class="caption break">{result}</span>
                {(status == DeliveryStatus::Dead).then(|| view! {
                    <ActionForm action=retry attr:class="inline-form">
                        <input type="hidden" name="id" value=delivery.id.clone()/>
                        <button type="submit" class="button secondary small">{tr!(webhooks.retry)}</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}
