use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::requests::{my_requests, RequestSummary};
use crate::components::{short_time, ErrorNotice, Live, StatusBadge};
use crate::viewer::RequireViewer;
use crate::page_data;

/// The operator's requests with their status and address.
#[component]
pub fn DashboardPage() -> impl IntoView {
    view! {
        <Title text=title!(dashboard.title)/>
        <RequireViewer>
            <Dashboard/>
        </RequireViewer>
    }
}

fn all_settled(rows: &Vec<RequestSummary>) -> bool {
    rows.iter().all(|r| r.status.is_settled())
}

#[component]
fn Dashboard() -> impl IntoView {
    let requests = page_data::load(|| (), |_| my_requests());
    view! {
        <section class="page">
            <div class="page-header">
                <h1>{tr!(dashboard.title)}</h1>
                <a class="button" href="/onboarding">{tr!(dashboard.new)}</a>
            </div>
            <Suspense fallback=move || view! { <p class="muted" role="status">{tr!(dashboard.loading)}</p> }>
                {move || Suspend::new(async move {
                    match requests.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(rows) if rows.is_empty() => view! {
                            <div class="card empty-state">
                                <h2>{tr!(dashboard.empty_title)}</h2>
                                <p>{tr!(dashboard.empty_text)}</p>
                                <a class="button" href="/onboarding">{tr!(dashboard.empty_action)}</a>
                            </div>
                        }
                        .into_any(),
                        Ok(rows) => {
                            let live = Live::new(rows, all_settled, my_requests);
                            view! { <RequestTable rows=Signal::derive(move || live.get())/> }.into_any()
                        }
                    }
                })}
            </Suspense>
            <super::listing::ListingCard/>
        </section>
    }
}

#[component]
fn RequestTable(rows: Signal<Vec<RequestSummary>>) -> impl IntoView {
    let network = tr!(fields.network);
    let asn = tr!(fields.asn);
    let node = tr!(fields.node);
    let status = tr!(fields.status);
    let ipv6 = tr!(fields.ipv6);
    let requested = tr!(fields.requested);
    view! {
        <div class="table-wrap card flush" role="region" tabindex="0" aria-label=tr!(dashboard.title)>
            <table class="data-table">
                <thead>
                    <tr>
                        <th scope="col">{network}</th>
                        <th scope="col">{asn}</th>
                        <th scope="col">{node}</th>
                        <th scope="col">{status}</th>
                        <th scope="col">{ipv6}</th>
                        <th scope="col">{requested}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || rows.get().into_iter().map(|r| view! {
                        <tr>
                            <td data-label=network><a href=format!("/requests/{}", r.id)>{r.network_name.clone()}</a></td>
                            <td data-label=asn><code class="mono">"AS"{r.asn}</code></td>
                            <td data-label=node><code class="mono">{r.node_id.unwrap_or_else(|| "—".into())}</code></td>
                            <td data-label=status>
                                <StatusBadge status=r.status/>
                                {r.sessions.map(|count| view! { " " <crate::pages::turn_up::SessionsBadge count/> })}
                            </td>
                            <td data-label=ipv6>{match r.assigned_ipv6 {
                                Some(ip) => view! { <code class="mono">{ip}</code> }.into_any(),
                                None => view! { <span class="muted">{tr!(fields.unassigned)}</span> }.into_any(),
                            }}</td>
                            <td data-label=requested><time datetime=r.requested_at.clone()>{short_time(&r.requested_at)}</time></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
