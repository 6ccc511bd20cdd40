use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::requests::{admin_request, AdminDetail, ApproveRequest, RejectRequest, RetryRequest};
use crate::components::{poll_until_settled, short_time, ErrorNotice, StatusBadge};
use crate::error::AppError;
use crate::pages::request_detail::{RequestCard, Unavailable};
use crate::viewer::RequireViewer;

/// One request for an admin: the operator, their ASN, the audit trail, and the decisions.
#[component]
pub fn AdminRequestPage() -> impl IntoView {
    view! {
        <Title text=tr!(admin.detail_title)/>
        <RequireViewer admin=true>
            <AdminRequest/>
        </RequireViewer>
    }
}

fn action_error(result: Option<Result<(), AppError>>) -> Option<impl IntoView> {
    result?.err().map(|error| view! { <ErrorNotice error/> })
}

#[component]
fn AdminRequest() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let detail = Resource::new(id, admin_request);
    poll_until_settled(detail, |d| d.request.settled);
    let approve = ServerAction::<ApproveRequest>::new();
    let reject = ServerAction::<RejectRequest>::new();
    let retry = ServerAction::<RetryRequest>::new();
    Effect::new(move |_| {
        approve.version().get();
        reject.version().get();
        retry.version().get();
        detail.refetch();
    });
    view! {
        <section class="page">
            <p><a class="back-link" href="/admin/requests">{tr!(admin.back)}</a></p>
            <Transition fallback=move || view! { <p class="muted" role="status">{tr!(request.loading)}</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Err(error) => view! { <Unavailable error/> }.into_any(),
                        Ok(d) => {
                            let status = d.request.summary.status.clone();
                            view! {
                                <div class="card actions">
                                    <h2>{tr!(admin.decision)}</h2>
                                    {(status == "pending").then(|| view! {
                                        <ActionForm action=approve>
                                            <input type="hidden" name="id" value=id()/>
                                            <button type="submit" class="button">{tr!(admin.approve)}</button>
                                        </ActionForm>
                                        <ActionForm action=reject>
                                            <input type="hidden" name="id" value=id()/>
                                            <div class="field">
                                                <label for="reject-reason">{tr!(admin.reject_reason)}</label>
                                                <textarea id="reject-reason" name="reject_reason" rows="2" required=true maxlength="2000"></textarea>
                                            </div>
                                            <button type="submit" class="button secondary">{tr!(admin.reject)}</button>
                                        </ActionForm>
                                    })}
                                    {(status == "failed").then(|| view! {
                                        <ActionForm action=retry>
                                            <input type="hidden" name="id" value=id()/>
                                            <button type="submit" class="button">{tr!(admin.retry)}</button>
                                        </ActionForm>
                                    })}
                                    {(!matches!(status.as_str(), "pending" | "failed")).then(|| view! {
                                        <p class="muted">{tr!(admin.nothing_to_decide)}</p>
                                    })}
                                    {move || action_error(approve.value().get())}
                                    {move || action_error(reject.value().get())}
                                    {move || action_error(retry.value().get())}
                                </div>
                                <AdminFacts detail=d/>
                            }
                            .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn AdminFacts(detail: AdminDetail) -> impl IntoView {
    let when = tr!(admin.when);
    let who = tr!(admin.who);
    let what = tr!(admin.what);
    let details = tr!(admin.details);
    let operator = detail.operator;
    view! {
        <RequestCard detail=detail.request/>
        <div class="card">
            <h2>{tr!(admin.operator_title)}</h2>
            <dl class="facts">
                <dt>{tr!(admin.name)}</dt><dd>{operator.name}</dd>
                <dt>{tr!(admin.username)}</dt><dd><code class="mono">{operator.username}</code></dd>
                {operator.email.map(|e| view! { <dt>{tr!(admin.email)}</dt><dd><a href=format!("mailto:{e}")>{e.clone()}</a></dd> })}
                {operator.peeringdb_user_id.map(|id| view! { <dt>{tr!(admin.peeringdb_user)}</dt><dd><code class="mono">{id}</code></dd> })}
                <dt>{tr!(admin.this_asn)}</dt><dd>{match operator.asn_source {
                    Some(source) => source.into_any(),
                    None => tr!(admin.asn_unlinked).into_any(),
                }}
                    {operator.asn_net_name.map(|n| format!(" · {n}"))}</dd>
                <dt>{tr!(admin.networks)}</dt><dd>{if operator.network_restrictions.is_empty() {
                    tr!(admin.any).into_any()
                } else {
                    operator.network_restrictions.join(", ").into_any()
                }}</dd>
            </dl>
        </div>
        {(!detail.same_asn.is_empty()).then(|| view! {
            <div class="card">
                <h2>{tr!(admin.same_asn)}</h2>
                <ul class="plain-list">
                    {detail.same_asn.into_iter().map(|r| view! {
                        <li><a href=format!("/admin/requests/{}", r.id)>{r.network_name}</a> " " <StatusBadge status=r.status/> " " <time class="caption" datetime=r.requested_at.clone()>{short_time(&r.requested_at)}</time></li>
                    }).collect_view()}
                </ul>
            </div>
        })}
        <div class="card">
            <h2>{tr!(admin.audit_title)}</h2>
            <div class="table-wrap" role="region" tabindex="0" aria-label=tr!(admin.audit_title)>
                <table class="data-table">
                    <thead><tr><th scope="col">{when}</th><th scope="col">{who}</th><th scope="col">{what}</th><th scope="col">{details}</th></tr></thead>
                    <tbody>
                        {detail.audit.into_iter().map(|a| view! {
                            <tr>
                                <td data-label=when><time datetime=a.at.clone()>{short_time(&a.at)}</time></td>
                                <td data-label=who>{a.actor}</td>
                                <td data-label=what><code class="mono">{a.action}</code></td>
                                <td data-label=details class="audit-details">{a.details}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
}
