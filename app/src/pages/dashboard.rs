use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::requests::{my_requests, RequestSummary};
use crate::components::{poll_until_settled, short_time, StatusBadge};
use crate::viewer::RequireViewer;

/// The operator's requests with their status and address.
#[component]
pub fn DashboardPage() -> impl IntoView {
    view! {
        <Title text="My requests"/>
        <RequireViewer>
            <Dashboard/>
        </RequireViewer>
    }
}

fn all_settled(rows: &Vec<RequestSummary>) -> bool {
    rows.iter().all(|r| matches!(r.status.as_str(), "active" | "rejected" | "failed"))
}

#[component]
fn Dashboard() -> impl IntoView {
    let requests = Resource::new(|| (), |_| my_requests());
    poll_until_settled(requests, all_settled);
    view! {
        <section class="page">
            <div class="page-header">
                <h1>"My requests"</h1>
                <a class="button" href="/onboarding">"New request"</a>
            </div>
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading your requests…"</p> }>
                {move || Suspend::new(async move {
                    match requests.await {
                        Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                        Ok(rows) if rows.is_empty() => view! {
                            <div class="card empty-state">
                                <h2>"No requests yet"</h2>
                                <p>"Ask for a port on an exchange network to get started."</p>
                                <a class="button" href="/onboarding">"Join the exchange"</a>
                            </div>
                        }
                        .into_any(),
                        Ok(rows) => view! { <RequestTable rows/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn RequestTable(rows: Vec<RequestSummary>) -> impl IntoView {
    view! {
        <div class="table-wrap card flush">
            <table class="data-table">
                <thead>
                    <tr>
                        <th scope="col">"Network"</th>
                        <th scope="col">"ASN"</th>
                        <th scope="col">"Node"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"IPv6"</th>
                        <th scope="col">"Requested"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr>
                            <td data-label="Network"><a href=format!("/requests/{}", r.id)>{r.network_name}</a></td>
                            <td data-label="ASN"><code class="mono">"AS"{r.asn}</code></td>
                            <td data-label="Node"><code class="mono">{r.node_id.unwrap_or_else(|| "—".into())}</code></td>
                            <td data-label="Status"><StatusBadge status=r.status/></td>
                            <td data-label="IPv6">{match r.assigned_ipv6 {
                                Some(ip) => view! { <code class="mono">{ip}</code> }.into_any(),
                                None => view! { <span class="muted">"unassigned"</span> }.into_any(),
                            }}</td>
                            <td data-label="Requested">{short_time(&r.requested_at)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
