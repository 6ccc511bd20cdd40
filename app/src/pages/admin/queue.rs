use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::networks::list_networks;
use crate::api::requests::{admin_requests, AdminPage};
use crate::components::{short_time, StatusBadge};
use crate::viewer::RequireViewer;

const STATUSES: [(&str, &str); 7] = [
    ("", "Any status"),
    ("pending", "Waiting for review"),
    ("approved", "Approved"),
    ("provisioning", "Setting up"),
    ("active", "Active"),
    ("failed", "Failed"),
    ("rejected", "Rejected"),
];

const AGES: [(&str, &str); 4] = [("", "Any age"), ("60", "Older than 1 hour"), ("1440", "Older than 1 day"), ("10080", "Older than 1 week")];

/// Every request, filtered and paginated on the server. The filters are a plain GET form
/// and the pages plain links, so the queue works before (and without) hydration.
#[component]
pub fn AdminQueuePage() -> impl IntoView {
    view! {
        <Title text="Admin queue"/>
        <RequireViewer admin=true>
            <Queue/>
        </RequireViewer>
    }
}

#[component]
fn Queue() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.with(|q| q.get(name).filter(|v| !v.is_empty()));
    let page = Resource::new(
        move || (param("status"), param("asn"), param("zt_network_id"), param("min_age_minutes"), param("offset")),
        |(status, asn, network, age, offset)| {
            admin_requests(status, asn, network, age.and_then(|a| a.parse().ok()), offset.and_then(|o| o.parse().ok()))
        },
    );
    let networks = Resource::new(|| (), |_| list_networks());
    let selected = move |name: &'static str, value: &str| param(name).as_deref().unwrap_or("") == value;
    view! {
        <section class="page">
            <h1>"Admin queue"</h1>
            <form class="filters card" method="get" action="/admin/requests">
                <div class="field">
                    <label for="filter-status">"Status"</label>
                    <select id="filter-status" name="status">
                        {STATUSES.iter().map(|(v, l)| view! { <option value=*v selected=move || selected("status", v)>{*l}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-asn">"ASN"</label>
                    <input id="filter-asn" name="asn" inputmode="numeric" placeholder="e.g. 64500" value=move || param("asn").unwrap_or_default()/>
                </div>
                <div class="field">
                    <label for="filter-network">"Network"</label>
                    <select id="filter-network" name="zt_network_id">
                        <option value="">"Any network"</option>
                        <Suspense>
                            {move || Suspend::new(async move {
                                networks.await.map(|o| o.networks.into_iter().map(|n| {
                                    let id = n.id.clone();
                                    view! { <option value=n.id selected=move || selected("zt_network_id", &id)>{n.name}</option> }
                                }).collect_view()).ok()
                            })}
                        </Suspense>
                    </select>
                </div>
                <div class="field">
                    <label for="filter-age">"Age"</label>
                    <select id="filter-age" name="min_age_minutes">
                        {AGES.iter().map(|(v, l)| view! { <option value=*v selected=move || selected("min_age_minutes", v)>{*l}</option> }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button secondary">"Filter"</button>
            </form>
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading requests…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(error) => view! { <p class="error" role="alert">{error.to_string()} " " <code class="mono">{error.code().to_owned()}</code></p> }.into_any(),
                        Ok(p) if p.rows.is_empty() => view! { <div class="card empty-state"><p>"No request matches these filters."</p></div> }.into_any(),
                        Ok(p) => view! { <QueueTable page=p query=query.get_untracked()/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

fn page_link(query: &leptos_router::params::ParamsMap, offset: u64) -> String {
    let mut pairs: Vec<String> = query
        .into_iter()
        .filter(|(k, v)| *k != "offset" && !v.is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(&v)))
        .collect();
    if offset > 0 {
        pairs.push(format!("offset={offset}"));
    }
    if pairs.is_empty() { "/admin/requests".to_owned() } else { format!("/admin/requests?{}", pairs.join("&")) }
}

fn urlencode(value: &str) -> String {
    value.bytes().map(|b| match b {
        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
        _ => format!("%{b:02X}"),
    }).collect()
}

#[component]
fn QueueTable(page: AdminPage, query: leptos_router::params::ParamsMap) -> impl IntoView {
    let first = page.offset + 1;
    let last = page.offset + page.rows.len() as u64;
    let previous = (page.offset > 0).then(|| page_link(&query, page.offset.saturating_sub(page.limit)));
    let next = page.next_offset.map(|o| page_link(&query, o));
    view! {
        <div class="table-wrap card flush">
            <table class="data-table">
                <thead>
                    <tr>
                        <th scope="col">"Requested"</th>
                        <th scope="col">"Operator"</th>
                        <th scope="col">"ASN"</th>
                        <th scope="col">"Network"</th>
                        <th scope="col">"Node"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"IPv6"</th>
                    </tr>
                </thead>
                <tbody>
                    {page.rows.into_iter().map(|r| view! {
                        <tr>
                            <td data-label="Requested"><a href=format!("/admin/requests/{}", r.id)>{short_time(&r.requested_at)}</a></td>
                            <td data-label="Operator">{r.operator.unwrap_or_default()}</td>
                            <td data-label="ASN"><code class="mono">"AS"{r.asn}</code></td>
                            <td data-label="Network">{r.network_name}</td>
                            <td data-label="Node"><code class="mono">{r.node_id.unwrap_or_else(|| "—".into())}</code></td>
                            <td data-label="Status"><StatusBadge status=r.status/></td>
                            <td data-label="IPv6">{r.assigned_ipv6.map(|ip| view! { <code class="mono">{ip}</code> }.into_any()).unwrap_or_else(|| view! { <span class="muted">"unassigned"</span> }.into_any())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Pages">
            <span class="caption">{format!("{first}–{last} of {}", page.total)}</span>
            {previous.map(|href| view! { <a class="button secondary small" href=href rel="prev">"Previous"</a> })}
            {next.map(|href| view! { <a class="button secondary small" href=href rel="next">"Next"</a> })}
        </nav>
    }
}
