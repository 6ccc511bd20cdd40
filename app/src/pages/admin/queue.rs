use contract::RequestStatus;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::networks::{list_networks, network_rules};
use crate::api::requests::{admin_requests, AdminPage};
use crate::components::{short_time, urlencode, ErrorNotice, StatusBadge};
use crate::i18n::{t_string, td_string, use_i18n, Locale};
use crate::text::status_label;
use crate::viewer::RequireViewer;
use crate::page_data;

type Label = fn(Locale) -> &'static str;

const AGES: [(&str, Label); 4] = [
    ("", |l| td_string!(l, admin.any_age)),
    ("60", |l| td_string!(l, admin.older_hour)),
    ("1440", |l| td_string!(l, admin.older_day)),
    ("10080", |l| td_string!(l, admin.older_week)),
];

/// Active members without an established BGP session for this many days.
const QUIET: [(&str, Label); 4] = [
    ("", |l| td_string!(l, turn_up.quiet_any)),
    ("1", |l| td_string!(l, turn_up.quiet_day)),
    ("7", |l| td_string!(l, turn_up.quiet_week)),
    ("30", |l| td_string!(l, turn_up.quiet_month)),
];

/// Every request, filtered and paginated on the server. The filters are a plain GET form
/// and the pages plain links, so the queue works before (and without) hydration.
#[component]
pub fn AdminQueuePage() -> impl IntoView {
    view! {
        <Title text=title!(admin.queue_title)/>
        <RequireViewer admin=true>
            <Queue/>
        </RequireViewer>
    }
}

#[component]
fn Queue() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let param = move |name: &str| query.with(|q| q.get(name).filter(|v| !v.is_empty()));
    let page = page_data::load(
        move || (param("status"), param("asn"), param("zt_network_id"), param("min_age_minutes"), param("flag"), param("no_session_days"), param("offset")),
        |(status, asn, network, age, flag, quiet, offset)| {
            admin_requests(status, asn, network, age, flag, quiet, offset.and_then(|o| o.parse().ok()))
        },
    );
    let networks = page_data::load(|| (), |_| list_networks());
    let selected = move |name: &'static str, value: &str| param(name).as_deref().unwrap_or("") == value;
    view! {
        <section class="page">
            <h1>{tr!(admin.queue_title)}</h1>
            <form class="filters card" method="get" action="/admin/requests">
                <div class="field">
                    <label for="filter-status">{tr!(admin.filter_status)}</label>
                    <select id="filter-status" name="status">
                        <option value="" selected=move || selected("status", "")>{tr!(admin.any_status)}</option>
                        {RequestStatus::ALL.iter().map(|status| {
                            let status = *status;
                            view! {
                                <option value=status.as_str() selected=move || selected("status", status.as_str())>{move || status_label(i18n.get_locale(), status)}</option>
                            }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-asn">{tr!(admin.filter_asn)}</label>
                    <input id="filter-asn" name="asn" class="mono" dir="ltr" inputmode="numeric" placeholder="64500" value=move || param("asn").unwrap_or_default()/>
                </div>
                <div class="field">
                    <label for="filter-network">{tr!(admin.filter_network)}</label>
                    <select id="filter-network" name="zt_network_id">
                        <option value="">{tr!(admin.any_network)}</option>
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
                    <label for="filter-age">{tr!(admin.filter_age)}</label>
                    <select id="filter-age" name="min_age_minutes">
                        {AGES.iter().map(|(v, label)| {
                            let label = *label;
                            view! { <option value=*v selected=move || selected("min_age_minutes", v)>{move || label(i18n.get_locale())}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-quiet">{tr!(turn_up.filter_no_session)}</label>
                    <select id="filter-quiet" name="no_session_days">
                        {QUIET.iter().map(|(v, label)| {
                            let label = *label;
                            view! { <option value=*v selected=move || selected("no_session_days", v)>{move || label(i18n.get_locale())}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field checkbox-field">
                    <input id="filter-flag" type="checkbox" name="flag" value="affiliation_lost" checked=move || selected("flag", "affiliation_lost")/>
                    <label for="filter-flag">{tr!(admin.filter_affiliation_lost)}</label>
                </div>
                <button type="submit" class="button secondary">{tr!(admin.filter)}</button>
            </form>
            <FlowRules/>
            <Transition fallback=move || view! { <p class="muted" role="status">{tr!(admin.loading)}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(p) if p.rows.is_empty() => view! { <div class="card empty-state"><p>{tr!(admin.no_match)}</p></div> }.into_any(),
                        Ok(p) => view! { <QueueTable page=p query=query.get_untracked()/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The flow rules of the exchange networks, folded away until asked for.
#[component]
fn FlowRules() -> impl IntoView {
    let rules = page_data::load(|| (), |_| network_rules());
    view! {
        <details class="card flow-rules">
            <summary>{tr!(admin.flow_rules_title)}</summary>
            <p class="caption">{tr!(admin.flow_rules_text)}</p>
            <Suspense>
                {move || Suspend::new(async move {
                    rules.await.ok().map(|text| view! { <pre class="mono" dir="ltr">{text}</pre> })
                })}
            </Suspense>
        </details>
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

#[component]
fn QueueTable(page: AdminPage, query: leptos_router::params::ParamsMap) -> impl IntoView {
    let i18n = use_i18n();
    let requested = tr!(fields.requested);
    let operator = tr!(fields.operator);
    let asn = tr!(fields.asn);
    let network = tr!(fields.network);
    let node = tr!(fields.node);
    let status = tr!(fields.status);
    let ipv6 = tr!(fields.ipv6);
    let total = page.total;
    let first = page.offset + 1;
    let last = page.offset + page.rows.len() as u64;
    let previous = (page.offset > 0).then(|| page_link(&query, page.offset.saturating_sub(page.limit)));
    let next = page.next_offset.map(|o| page_link(&query, o));
    view! {
        <div class="table-wrap card flush" role="region" tabindex="0" aria-label=tr!(admin.queue_title)>
            <table class="data-table">
                <thead>
                    <tr>
                        <th scope="col">{requested}</th>
                        <th scope="col">{operator}</th>
                        <th scope="col">{asn}</th>
                        <th scope="col">{network}</th>
                        <th scope="col">{node}</th>
                        <th scope="col">{status}</th>
                        <th scope="col">{ipv6}</th>
                    </tr>
                </thead>
                <tbody>
                    {page.rows.into_iter().map(|r| view! {
                        <tr>
                            <td data-label=requested><a href=format!("/admin/requests/{}", r.id)><time datetime=r.requested_at.clone()>{short_time(&r.requested_at)}</time></a></td>
                            <td data-label=operator>{r.operator.unwrap_or_default()}</td>
                            <td data-label=asn><code class="mono">"AS"{r.asn}</code></td>
                            <td data-label=network>{r.network_name}</td>
                            <td data-label=node><code class="mono">{r.node_id.unwrap_or_else(|| "—".into())}</code></td>
                            <td data-label=status>
                                <StatusBadge status=r.status/>
                                {r.affiliation_lost.then(|| view! { " " <span class="flag">{tr!(request.affiliation_lost_flag)}</span> })}
                                {r.sessions.map(|count| view! { " " <crate::pages::turn_up::SessionsBadge count/> })}
                            </td>
                            <td data-label=ipv6>{match r.assigned_ipv6 {
                                Some(ip) => view! { <code class="mono">{ip}</code> }.into_any(),
                                None => view! { <span class="muted">{tr!(fields.unassigned)}</span> }.into_any(),
                            }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="pager" aria-label=tr!(admin.pages)>
            <span class="caption">{move || t_string!(i18n, admin.range, first, last, total).to_string()}</span>
            {previous.map(|href| view! { <a class="button secondary small" href=href rel="prev">{tr!(admin.previous)}</a> })}
            {next.map(|href| view! { <a class="button secondary small" href=href rel="next">{tr!(admin.next)}</a> })}
        </nav>
    }
}
