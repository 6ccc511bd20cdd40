use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::requests::{admin_request, AdminDetail, ApproveRequest, RejectRequest, RetryRequest};
use crate::components::{poll_until_settled, short_time, StatusBadge};
use crate::error::{refusal_message, AppError};
use crate::pages::request_detail::RequestCard;
use crate::viewer::RequireViewer;

/// One request for an admin: the operator, their ASN, the audit trail, and the decisions.
#[component]
pub fn AdminRequestPage() -> impl IntoView {
    view! {
        <Title text="Request (admin)"/>
        <RequireViewer admin=true>
            <AdminRequest/>
        </RequireViewer>
    }
}

fn action_error(result: Option<Result<(), AppError>>) -> Option<AnyView> {
    match result? {
        Ok(()) => None,
        Err(AppError::Refused { code, detail, .. }) if code == "invalid_status_transition" => Some(view! {
            <p class="error" role="alert">{refusal_message(&code)} " Current status: " {detail.unwrap_or_default()}</p>
        }.into_any()),
        Err(error) => Some(view! { <p class="error" role="alert">{error.to_string()} " " <code class="mono">{error.code().to_owned()}</code></p> }.into_any()),
    }
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
            <p><a href="/admin/requests">"← Admin queue"</a></p>
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading the request…"</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Err(error) => view! { <div class="card"><h1>"Request not available"</h1><p class="error" role="alert">{error.to_string()}</p></div> }.into_any(),
                        Ok(d) => {
                            let status = d.request.summary.status.clone();
                            view! {
                                <div class="card actions">
                                    <h2>"Decision"</h2>
                                    {(status == "pending").then(|| view! {
                                        <ActionForm action=approve>
                                            <input type="hidden" name="id" value=id()/>
                                            <button type="submit" class="button">"Approve"</button>
                                        </ActionForm>
                                        <ActionForm action=reject>
                                            <input type="hidden" name="id" value=id()/>
                                            <div class="field">
                                                <label for="reject-reason">"Reason for rejecting (shown to the operator)"</label>
                                                <textarea id="reject-reason" name="reject_reason" rows="2" required=true maxlength="2000"></textarea>
                                            </div>
                                            <button type="submit" class="button secondary">"Reject"</button>
                                        </ActionForm>
                                    })}
                                    {(status == "failed").then(|| view! {
                                        <ActionForm action=retry>
                                            <input type="hidden" name="id" value=id()/>
                                            <button type="submit" class="button">"Retry setting up"</button>
                                        </ActionForm>
                                    })}
                                    {(!matches!(status.as_str(), "pending" | "failed")).then(|| view! {
                                        <p class="muted">"Nothing to decide in this status."</p>
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
    let operator = detail.operator;
    view! {
        <RequestCard detail=detail.request/>
        <div class="card">
            <h2>"Operator"</h2>
            <dl class="facts">
                <dt>"Name"</dt><dd>{operator.name}</dd>
                <dt>"Username"</dt><dd><code class="mono">{operator.username}</code></dd>
                {operator.email.map(|e| view! { <dt>"E-mail"</dt><dd><a href=format!("mailto:{e}")>{e.clone()}</a></dd> })}
                {operator.peeringdb_user_id.map(|id| view! { <dt>"PeeringDB user"</dt><dd><code class="mono">{id}</code></dd> })}
                <dt>"This ASN"</dt><dd>{operator.asn_source.unwrap_or_else(|| "no longer linked to this user".into())}
                    {operator.asn_net_name.map(|n| format!(" · {n}"))}</dd>
                <dt>"Networks"</dt><dd>{if operator.network_restrictions.is_empty() { "any".to_owned() } else { operator.network_restrictions.join(", ") }}</dd>
            </dl>
        </div>
        {(!detail.same_asn.is_empty()).then(|| view! {
            <div class="card">
                <h2>"Other requests of this ASN"</h2>
                <ul class="plain-list">
                    {detail.same_asn.into_iter().map(|r| view! {
                        <li><a href=format!("/admin/requests/{}", r.id)>{r.network_name}</a> " " <StatusBadge status=r.status/> " " <span class="caption">{short_time(&r.requested_at)}</span></li>
                    }).collect_view()}
                </ul>
            </div>
        })}
        <div class="card">
            <h2>"Audit trail"</h2>
            <div class="table-wrap">
                <table class="data-table">
                    <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th><th scope="col">"Details"</th></tr></thead>
                    <tbody>
                        {detail.audit.into_iter().map(|a| view! {
                            <tr>
                                <td data-label="When">{short_time(&a.at)}</td>
                                <td data-label="Who">{a.actor}</td>
                                <td data-label="What"><code class="mono">{a.action}</code></td>
                                <td data-label="Details">{a.details}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
}
