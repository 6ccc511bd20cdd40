use contract::view::AdminDetail;
use contract::RequestStatus;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::requests::{admin_request, ApproveRequest, RejectRequest, RetryRequest};
use crate::api::lifecycle::{KeepMember, OffboardMember, ResumeMember, SuspendMember};
use crate::components::{short_time, AuditRow, Confirm, ErrorNotice, Live, StatusBadge};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::pages::request_detail::{RequestCard, Unavailable};
use crate::text::asn_source_label;
use crate::viewer::RequireViewer;
use crate::page_data;

/// One request for an admin: the operator, their ASN, the audit trail, and the decisions.
#[component]
pub fn AdminRequestPage() -> impl IntoView {
    view! {
        <Title text=title!(admin.detail_title)/>
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
    let first = page_data::load(id, admin_request);
    view! {
        <section class="page">
            <p><a class="back-link" href="/admin/requests">{tr!(admin.back)}</a></p>
            <Suspense fallback=move || view! { <p class="muted" role="status">{tr!(request.loading)}</p> }>
                {move || Suspend::new(async move {
                    match first.await {
                        Err(error) => view! { <Unavailable error/> }.into_any(),
                        Ok(detail) => {
                            let id = id();
                            let fetch_id = id.clone();
                            let live = Live::new(detail, |d| d.request.settled, move || admin_request(fetch_id.clone()));
                            view! { <Decision id live/> <AdminFacts live/> }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// What an admin can decide now. It is rebuilt only when the status changes, so a reason
/// being typed survives every refresh.
#[component]
fn Decision(id: String, live: Live<AdminDetail>) -> impl IntoView {
    let approve = ServerAction::<ApproveRequest>::new();
    let reject = ServerAction::<RejectRequest>::new();
    let retry = ServerAction::<RetryRequest>::new();
    let suspend = ServerAction::<SuspendMember>::new();
    let offboard = ServerAction::<OffboardMember>::new();
    let resume = ServerAction::<ResumeMember>::new();
    let keep = ServerAction::<KeepMember>::new();
    Effect::new(move |first: Option<()>| {
        approve.version().get();
        reject.version().get();
        retry.version().get();
        suspend.version().get();
        offboard.version().get();
        resume.version().get();
        keep.version().get();
        if first.is_some() {
            live.refresh();
        }
    });
    let status = live.part(|d| d.request.summary.status);
    let lost = live.part(|d| d.request.affiliation_lost_at.is_some());
    // A refusal of a plain form post (no JavaScript) comes back as `?error=<code>`.
    let query = use_query_map();
    let returned_error = move || {
        query.with(|q| q.get("error")).and_then(|code| contract::ErrorCode::parse(&code)).map(|code| view! { <ErrorNotice error=AppError::refused(code)/> })
    };
    let id = StoredValue::new(id);
    view! {
        <div class="card actions">
            <h2>{tr!(admin.decision)}</h2>
            {move || match status.get() {
                RequestStatus::Pending => view! {
                    <ActionForm action=approve>
                        <input type="hidden" name="id" value=id.get_value()/>
                        <button type="submit" class="button">{tr!(admin.approve)}</button>
                    </ActionForm>
                    <ActionForm action=reject>
                        <input type="hidden" name="id" value=id.get_value()/>
                        <div class="field">
                            <label for="reject-reason">{tr!(admin.reject_reason)}</label>
                            <textarea id="reject-reason" name="reject_reason" rows="2" required=true maxlength="2000"></textarea>
                        </div>
                        <button type="submit" class="button secondary">{tr!(admin.reject)}</button>
                    </ActionForm>
                }
                .into_any(),
                RequestStatus::Failed => view! {
                    <ActionForm action=retry>
                        <input type="hidden" name="id" value=id.get_value()/>
                        <button type="submit" class="button">{tr!(admin.retry)}</button>
                    </ActionForm>
                }
                .into_any(),
                RequestStatus::Active => view! {
                    <Confirm label=tr!(admin.suspend)>
                        <ActionForm action=suspend>
                            <input type="hidden" name="id" value=id.get_value()/>
                            <div class="field">
                                <label for="suspend-reason">{tr!(admin.suspend_reason)}</label>
                                <textarea id="suspend-reason" name="reason" rows="2" required=true maxlength="2000"></textarea>
                            </div>
                            <button type="submit" class="button danger">{tr!(admin.suspend_confirm)}</button>
                        </ActionForm>
                    </Confirm>
                    <Confirm label=tr!(admin.offboard)>
                        <ActionForm action=offboard>
                            <input type="hidden" name="id" value=id.get_value()/>
                            <div class="field">
                                <label for="offboard-reason">{tr!(admin.offboard_reason)}</label>
                                <textarea id="offboard-reason" name="reason" rows="2" required=true maxlength="2000"></textarea>
                            </div>
                            <button type="submit" class="button danger">{tr!(admin.offboard_confirm)}</button>
                        </ActionForm>
                    </Confirm>
                }
                .into_any(),
                RequestStatus::Suspended => view! {
                    <Confirm label=tr!(admin.resume)>
                        <p>{tr!(admin.resume_explain)}</p>
                        <ActionForm action=resume>
                            <input type="hidden" name="id" value=id.get_value()/>
                            <button type="submit" class="button">{tr!(admin.resume_confirm)}</button>
                        </ActionForm>
                    </Confirm>
                }
                .into_any(),
                RequestStatus::Offboarding => view! {
                    <ActionForm action=retry>
                        <input type="hidden" name="id" value=id.get_value()/>
                        <button type="submit" class="button">{tr!(admin.retry_offboarding)}</button>
                    </ActionForm>
                }
                .into_any(),
                RequestStatus::Approved
                | RequestStatus::Provisioning
                | RequestStatus::Rejected
                | RequestStatus::Withdrawn
                | RequestStatus::Removed => view! { <p class="muted">{tr!(admin.nothing_to_decide)}</p> }.into_any(),
            }}
            {move || lost.get().then(|| view! {
                <div class="notice affiliation" role="alert">
                    <h3>{tr!(admin.affiliation_title)}</h3>
                    <p>{tr!(admin.affiliation_text)}</p>
                    <ActionForm action=keep>
                        <input type="hidden" name="id" value=id.get_value()/>
                        <button type="submit" class="button secondary">{tr!(admin.keep)}</button>
                    </ActionForm>
                </div>
            })}
            {returned_error}
            {move || action_error(approve.value().get())}
            {move || action_error(reject.value().get())}
            {move || action_error(retry.value().get())}
            {move || action_error(suspend.value().get())}
            {move || action_error(offboard.value().get())}
            {move || action_error(resume.value().get())}
            {move || action_error(keep.value().get())}
        </div>
    }
}

#[component]
fn AdminFacts(live: Live<AdminDetail>) -> impl IntoView {
    let i18n = use_i18n();
    let when = tr!(admin.when);
    let who = tr!(admin.who);
    let what = tr!(admin.what);
    let details = tr!(admin.details);
    let operator = live.part(|d| d.operator.clone());
    let same_asn = live.part(|d| d.same_asn.clone());
    let audit = live.part(|d| d.audit.clone());
    let request = live.part(|d| d.request.clone());
    let policy = live.part(|d| d.request.route_policy.clone());
    let id = live.part(|d| d.request.summary.id.clone()).get_untracked();
    view! {
        <RequestCard detail=request admin=true/>
        <crate::pages::route_policy::PolicyOverride id policy changed=Callback::new(move |()| live.refresh())/>
        {move || {
            let operator = operator.get();
            view! {
                <div class="card">
                    <h2>{tr!(admin.operator_title)}</h2>
                    <dl class="facts">
                        <dt>{tr!(admin.name)}</dt><dd>{operator.name}</dd>
                        <dt>{tr!(admin.username)}</dt><dd><code class="mono">{operator.username}</code></dd>
                        {operator.email.map(|e| view! { <dt>{tr!(admin.email)}</dt><dd><a href=format!("mailto:{e}")>{e.clone()}</a></dd> })}
                        {operator.peeringdb_user_id.map(|id| view! { <dt>{tr!(admin.peeringdb_user)}</dt><dd><code class="mono">{id}</code></dd> })}
                        <dt>{tr!(admin.this_asn)}</dt><dd>{match operator.asn_source {
                            Some(source) => (move || asn_source_label(i18n.get_locale(), source)).into_any(),
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
            }
        }}
        {move || {
            let same_asn = same_asn.get();
            (!same_asn.is_empty()).then(|| view! {
                <div class="card">
                    <h2>{tr!(admin.same_asn)}</h2>
                    <ul class="plain-list">
                        {same_asn.into_iter().map(|r| view! {
                            <li><a href=format!("/admin/requests/{}", r.id)>{r.network_name}</a> " " <StatusBadge status=r.status/> " " <time class="caption" datetime=r.requested_at.clone()>{short_time(&r.requested_at)}</time></li>
                        }).collect_view()}
                    </ul>
                </div>
            })
        }}
        <div class="card">
            <h2>{tr!(admin.audit_title)}</h2>
            <div class="table-wrap" role="region" tabindex="0" aria-label=tr!(admin.audit_title)>
                <table class="data-table">
                    <thead><tr><th scope="col">{when}</th><th scope="col">{who}</th><th scope="col">{what}</th><th scope="col">{details}</th></tr></thead>
                    <tbody>
                        {move || audit.get().into_iter().map(|line| view! { <AuditRow line/> }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
}
