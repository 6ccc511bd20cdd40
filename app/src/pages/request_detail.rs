use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::requests::{my_request, RequestDetail};
use crate::components::{poll_until_settled, short_time, StatusBadge};
use crate::viewer::RequireViewer;

/// One of the operator's requests, refreshed until its status settles.
#[component]
pub fn RequestDetailPage() -> impl IntoView {
    view! {
        <Title text="Request"/>
        <RequireViewer>
            <OperatorRequest/>
        </RequireViewer>
    }
}

#[component]
fn OperatorRequest() -> impl IntoView {
    let params = use_params_map();
    let request = Resource::new(move || params.with(|p| p.get("id").unwrap_or_default()), my_request);
    poll_until_settled(request, |d| d.settled);
    view! {
        <section class="page">
            <p><a href="/dashboard">"← My requests"</a></p>
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading the request…"</p> }>
                {move || Suspend::new(async move {
                    match request.await {
                        Err(error) => view! {
                            <div class="card"><h1>"Request not available"</h1><p class="error" role="alert">{error.to_string()}</p></div>
                        }
                        .into_any(),
                        Ok(detail) => view! { <RequestCard detail/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The facts of a request: status, address, membership, errors and history.
#[component]
pub fn RequestCard(detail: RequestDetail) -> impl IntoView {
    let s = detail.summary;
    view! {
        <div class="page-header">
            <h1>{s.network_name.clone()} " · AS" {s.asn}</h1>
            <StatusBadge status=s.status.clone()/>
        </div>
        {detail.reject_reason.map(|reason| view! {
            <div class="card notice"><h2>"Why it was rejected"</h2><p>{reason}</p></div>
        })}
        {(s.status == "failed").then(|| view! {
            <div class="card notice error-card" role="alert">
                <h2>"Setting up failed"</h2>
                <p>{detail.last_error.clone().unwrap_or_else(|| "No details were recorded.".into())}</p>
                {detail.last_error_at.as_ref().map(|at| view! { <p class="caption">"At " {short_time(at)}</p> })}
                <p class="caption">"The exchange has been told and can retry."</p>
            </div>
        })}
        <div class="card">
            <dl class="facts">
                <dt>"Request"</dt><dd><code class="mono">{s.id.clone()}</code></dd>
                <dt>"Network"</dt><dd>{s.network_name.clone()} " " <code class="mono">{s.zt_network_id.clone()}</code></dd>
                <dt>"ASN"</dt><dd><code class="mono">"AS"{s.asn}</code></dd>
                <dt>"Node"</dt><dd><code class="mono">{s.node_id.clone().unwrap_or_else(|| "—".into())}</code></dd>
                <dt>"IPv6 address"</dt><dd>{match s.assigned_ipv6.clone() {
                    Some(ip) => view! { <code class="mono">{ip}</code> }.into_any(),
                    None => view! { <span class="muted">"unassigned"</span> }.into_any(),
                }}</dd>
                <dt>"Requested"</dt><dd>{short_time(&s.requested_at)}</dd>
                {detail.notes.map(|n| view! { <dt>"Notes"</dt><dd>{n}</dd> })}
            </dl>
        </div>
        {detail.membership.map(|m| view! {
            <div class="card">
                <h2>"ZeroTier membership"</h2>
                <dl class="facts">
                    <dt>"Member"</dt><dd><code class="mono">{m.member_id}</code></dd>
                    <dt>"Authorized"</dt><dd>{if m.is_authorized { "yes" } else { "no" }}</dd>
                    <dt>"Addresses"</dt><dd>{m.assigned_ips.into_iter().map(|ip| view! { <code class="mono">{ip}</code> " " }).collect_view()}</dd>
                </dl>
            </div>
        })}
        <div class="card">
            <h2>"History"</h2>
            <ol class="timeline">
                {detail.timeline.into_iter().map(|t| view! {
                    <li>
                        <StatusBadge status=t.status/>
                        <span class="caption">{short_time(&t.at)}</span>
                        {t.note.map(|n| view! { <p>{n}</p> })}
                    </li>
                }).collect_view()}
            </ol>
        </div>
    }
}
