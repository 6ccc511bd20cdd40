use contract::view::{Membership, TimelineEntry};
use contract::RequestStatus;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::requests::{my_request, RequestDetail};
use crate::components::{short_time, AuditRow, ErrorNotice, Live, StatusBadge};
use crate::i18n::{t_string, use_i18n};
use crate::text::failure_message;
use crate::pages::request_actions::MemberActions;
use crate::viewer::RequireViewer;
use crate::page_data;

/// One of the operator's requests, refreshed in place until its status settles.
#[component]
pub fn RequestDetailPage() -> impl IntoView {
    view! {
        <Title text=title!(request.title)/>
        <RequireViewer>
            <OperatorRequest/>
        </RequireViewer>
    }
}

#[component]
fn OperatorRequest() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let first = page_data::load(id, my_request);
    view! {
        <section class="page">
            <p><a class="back-link" href="/dashboard">{tr!(request.back)}</a></p>
            <Suspense fallback=move || view! { <p class="muted" role="status">{tr!(request.loading)}</p> }>
                {move || Suspend::new(async move {
                    match first.await {
                        Err(error) => view! { <Unavailable error/> }.into_any(),
                        Ok(detail) => {
                            let id = id();
                            let fetch_id = id.clone();
                            let live = Live::new(detail, |d| d.settled, move || my_request(fetch_id.clone()));
                            let status = live.part(|d| d.summary.status);
                            let changed = Callback::new(move |()| live.refresh());
                            view! {
                                <RequestCard detail=Signal::derive(move || live.get())/>
                                <MemberActions id status changed/>
                            }
                            .into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The error state of a request page.
#[component]
pub fn Unavailable(error: crate::error::AppError) -> impl IntoView {
    view! {
        <div class="card">
            <h1>{tr!(request.unavailable)}</h1>
            <ErrorNotice error/>
        </div>
    }
}

/// The facts of a request: status, address, membership, errors and history. Each part
/// follows `detail` on its own, so a refresh changes only what changed.
#[component]
pub fn RequestCard(#[prop(into)] detail: Signal<RequestDetail>, #[prop(optional)] admin: bool) -> impl IntoView {
    let i18n = use_i18n();
    let turn_up = Memo::new(move |_| detail.with(|d| d.turn_up.clone()));
    let router_config = Memo::new(move |_| detail.with(|d| d.turn_up.as_ref().and_then(|t| t.router_config.clone())));
    let established_at = Memo::new(move |_| detail.with(|d| d.turn_up.as_ref().and_then(|t| t.established_at.clone())));
    let id = detail.with_untracked(|d| d.summary.id.clone());
    let filtered_href = if admin { format!("/admin/requests/{id}/filtered-routes") } else { format!("/requests/{id}/filtered-routes") };
    let title = Memo::new(move |_| detail.with(|d| (d.summary.network_name.clone(), d.summary.asn)));
    let status = Memo::new(move |_| detail.with(|d| d.summary.status));
    let reject_reason = Memo::new(move |_| detail.with(|d| d.reject_reason.clone()));
    let failure = Memo::new(move |_| {
        detail.with(|d| (d.summary.status == RequestStatus::Failed).then(|| (d.last_error.clone(), d.last_error_code, d.last_error_at.clone())))
    });
    let facts = Memo::new(move |_| detail.with(|d| (d.summary.clone(), d.notes.clone())));
    let standing = Memo::new(move |_| detail.with(|d| (d.summary.status, d.status_reason.clone())));
    let converging = Memo::new(move |_| detail.with(|d| (d.converging, d.retiring_node_id.clone())));
    let node_history = Memo::new(move |_| detail.with(|d| d.node_history.clone()));
    let activity = Memo::new(move |_| detail.with(|d| d.activity.clone()));
    let membership: Memo<Option<Membership>> =
        Memo::new(move |_| detail.with(|d| d.membership.clone()));
    let timeline: Memo<Vec<TimelineEntry>> =
        Memo::new(move |_| detail.with(|d| d.timeline.clone()));
    let policy = Memo::new(move |_| detail.with(|d| d.route_policy.clone()));
    view! {
        <div class="page-header">
            <h1>{move || title.get().0} " · " <span class="mono">"AS"{move || title.get().1}</span></h1>
            <StatusBadge status=status/>
        </div>
        {move || reject_reason.get().map(|reason| view! {
            <div class="card notice"><h2>{tr!(request.rejected_title)}</h2><p>{reason}</p></div>
        })}
        {move || failure.get().map(|(last_error, code, at)| view! {
            <div class="card notice error-card" role="alert">
                <h2>{tr!(request.failed_title)}</h2>
                <p>{match (last_error, code) {
                    (Some(text), _) => text.into_any(),
                    (None, Some(code)) => (move || failure_message(i18n.get_locale(), code)).into_any(),
                    (None, None) => tr!(request.failed_no_detail).into_any(),
                }}</p>
                {at.map(|at| {
                    let time = short_time(&at);
                    view! { <p class="caption">{move || t_string!(i18n, request.failed_at, time = time.clone()).to_string()}</p> }
                })}
                <p class="caption">{tr!(request.failed_next)}</p>
            </div>
        })}
        {move || {
            let (status, reason) = standing.get();
            let title = match status {
                RequestStatus::Suspended => tr!(request.suspended_title),
                RequestStatus::Offboarding => tr!(request.offboarding_title),
                RequestStatus::Removed => tr!(request.removed_title),
                _ => return None,
            };
            Some(view! {
                <div class="card notice" role="status">
                    <h2>{title}</h2>
                    {reason.map(|r| view! { <p>{r}</p> })}
                    {(status == RequestStatus::Removed).then(|| view! { <p class="caption">{tr!(request.removed_text)}</p> })}
                </div>
            })
        }}
        {move || {
            let (busy, retiring) = converging.get();
            busy.then(|| view! {
                <div class="card notice" role="status">
                    <p>{tr!(request.converging)}</p>
                    {retiring.map(|node| view! { <p class="caption">{tr!(request.retiring)} " " <code class="mono">{node}</code></p> })}
                </div>
            })
        }}
        {move || {
            let (s, notes) = facts.get();
            view! {
                <div class="card">
                    <dl class="facts">
                        <dt>{tr!(fields.request)}</dt><dd><code class="mono">{s.id.clone()}</code></dd>
                        <dt>{tr!(fields.network)}</dt><dd>{s.network_name.clone()} " " <code class="mono">{s.zt_network_id.clone()}</code></dd>
                        <dt>{tr!(fields.asn)}</dt><dd><code class="mono">"AS"{s.asn}</code></dd>
                        <dt>{tr!(fields.node)}</dt><dd><code class="mono">{s.node_id.clone().unwrap_or_else(|| "—".into())}</code></dd>
                        <dt>{tr!(fields.ipv6_address)}</dt><dd>{match s.assigned_ipv6.clone() {
                            Some(ip) => view! { <code class="mono">{ip}</code> }.into_any(),
                            None => view! { <span class="muted">{tr!(fields.unassigned)}</span> }.into_any(),
                        }}</dd>
                        <dt>{tr!(fields.requested)}</dt><dd><time datetime=s.requested_at.clone()>{short_time(&s.requested_at)}</time></dd>
                        {notes.map(|n| view! { <dt>{tr!(fields.notes)}</dt><dd>{n}</dd> })}
                    </dl>
                </div>
            }
        }}
        {move || membership.get().map(|m| view! {
            <div class="card">
                <h2>{tr!(request.membership)}</h2>
                <dl class="facts">
                    <dt>{tr!(fields.member)}</dt><dd><code class="mono">{m.member_id}</code></dd>
                    <dt>{tr!(fields.authorized)}</dt><dd>{if m.is_authorized { tr!(fields.yes) } else { tr!(fields.no) }}</dd>
                    <dt>{tr!(fields.addresses)}</dt><dd>{m.assigned_ips.into_iter().map(|ip| view! { <code class="mono">{ip}</code> " " }).collect_view()}</dd>
                </dl>
            </div>
        })}
        <crate::pages::turn_up::TurnUpCard turn_up filtered_href/>
        <crate::pages::turn_up::RouterConfigCard config=router_config/>
        <crate::pages::route_policy::RoutePolicyCard policy/>
        {move || {
            let history = node_history.get();
            (!history.is_empty()).then(|| view! {
                <div class="card">
                    <h2>{tr!(request.node_history)}</h2>
                    <ul class="plain-list">
                        {history.into_iter().map(|c| view! {
                            <li><code class="mono">{c.from}</code> " → " <code class="mono">{c.to}</code> " " <time class="caption" datetime=c.at.clone()>{short_time(&c.at)}</time></li>
                        }).collect_view()}
                    </ul>
                </div>
            })
        }}
        <div class="card">
            <h2>{tr!(request.history)}</h2>
            <ol class="timeline">
                {move || timeline.get().into_iter().map(|t| view! {
                    <li>
                        <StatusBadge status=t.status/>
                        <time class="caption" datetime=t.at.clone()>{short_time(&t.at)}</time>
                        {match (t.note, t.failure_code) {
                            (Some(n), _) => Some(view! { <p>{n}</p> }.into_any()),
                            (None, Some(code)) => Some(view! { <p>{move || failure_message(i18n.get_locale(), code)}</p> }.into_any()),
                            (None, None) => None,
                        }}
                    </li>
                }).collect_view()}
                {move || established_at.get().map(|at| view! {
                    <li data-event="established">
                        <span class="status status-active">{tr!(turn_up.history_established)}</span>
                        <time class="caption" datetime=at.clone()>{short_time(&at)}</time>
                    </li>
                })}
            </ol>
        </div>
        {move || {
            let lines = activity.get();
            (!lines.is_empty()).then(|| view! {
                <div class="card" data-testid="activity">
                    <h2>{tr!(request.activity)}</h2>
                    <div class="table-wrap" role="region" tabindex="0" aria-label=tr!(request.activity)>
                        <table class="data-table">
                            <thead><tr>
                                <th scope="col">{tr!(admin.when)}</th><th scope="col">{tr!(admin.who)}</th>
                                <th scope="col">{tr!(admin.what)}</th><th scope="col">{tr!(admin.details)}</th>
                            </tr></thead>
                            <tbody>{lines.into_iter().map(|line| view! { <AuditRow line/> }).collect_view()}</tbody>
                        </table>
                    </div>
                </div>
            })
        }}
    }
}
