//! `/members`: the exchange's public member list — ASN, name, addresses, since when and
//! route-server participation, linked to PeeringDB. Server-rendered in full, so it reads
//! without JavaScript; the same read model as the IX-F export linked from it.

use contract::view::{ConnectionState, ListedMember, ListedNetwork, MemberList};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::exchange::public_members;
use crate::components::{short_time, ErrorNotice};
use crate::i18n::{t_string, use_i18n};
use crate::page_data;

#[component]
pub fn MembersPage() -> impl IntoView {
    let list = page_data::load(|| (), |_| public_members());
    view! {
        <Title text=title!(members.title)/>
        <section class="page">
            <Suspense fallback=move || view! { <p class="muted" role="status">{tr!(members.loading)}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(list) => view! { <Members list/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Members(list: MemberList) -> impl IntoView {
    let i18n = use_i18n();
    let exchange = list.exchange.name.clone();
    let count = list.members.len().to_string();
    let networks = StoredValue::new(list.networks.clone());
    let pdb_ix = list.exchange.peeringdb_ix_id;
    view! {
        <div class="page-header">
            <h1>{move || t_string!(i18n, members.heading, exchange = exchange.clone()).to_string()}</h1>
            <a class="button secondary" href="/participants.json" type="application/json">{tr!(members.export)}</a>
        </div>
        <p class="caption">
            {move || t_string!(i18n, members.count, count = count.clone()).to_string()}
            {pdb_ix.map(|id| view! { " " <a href=format!("https://www.peeringdb.com/ix/{id}") rel="external">{tr!(members.exchange_on_peeringdb)}</a> })}
        </p>
        <div class="members-networks">
            {list.networks.iter().cloned().map(|n| view! { <NetworkCard network=n/> }).collect_view()}
        </div>
        {if list.members.is_empty() {
            view! { <div class="card empty-state"><p>{tr!(members.empty)}</p></div> }.into_any()
        } else {
            view! { <MemberTable members=list.members networks=networks.get_value()/> }.into_any()
        }}
    }
}

#[component]
fn NetworkCard(network: ListedNetwork) -> impl IntoView {
    view! {
        <section class="card" aria-label=network.name.clone()>
            <h2>{network.name.clone()}</h2>
            <dl class="facts">
                <dt>{tr!(members.prefix)}</dt>
                <dd><code class="mono">{network.ipv6_prefix.clone().unwrap_or_else(|| "—".into())}</code></dd>
                <dt>{tr!(members.route_servers)}</dt>
                <dd>
                    {if network.route_servers.is_empty() {
                        view! { <span class="muted">"—"</span> }.into_any()
                    } else {
                        view! {
                            <ul class="plain-list">
                                {network.route_servers.iter().map(|rs| view! {
                                    <li>{rs.name.clone()}" · "<code class="mono">"AS"{rs.asn}</code>" · "<code class="mono">{rs.address.clone()}</code></li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </dd>
                {(!network.looking_glass_urls.is_empty()).then(|| view! {
                    <dt>{tr!(members.looking_glass)}</dt>
                    <dd>{network.looking_glass_urls.iter().map(|u| view! { <a href=u.clone() rel="external">{u.clone()}</a>" " }).collect_view()}</dd>
                })}
            </dl>
        </section>
    }
}

#[component]
fn MemberTable(members: Vec<ListedMember>, networks: Vec<ListedNetwork>) -> impl IntoView {
    let asn = tr!(members.asn);
    let name = tr!(members.name);
    let addresses = tr!(members.addresses);
    let since = tr!(members.since);
    let rs = tr!(members.rs);
    let network_name = move |id: &str| networks.iter().find(|n| n.id == id).map(|n| n.name.clone()).unwrap_or_default();
    view! {
        <div class="table-wrap card flush" role="region" tabindex="0" aria-label=tr!(members.title)>
            <table class="data-table members-table">
                <thead>
                    <tr>
                        <th scope="col">{asn}</th>
                        <th scope="col">{name}</th>
                        <th scope="col">{addresses}</th>
                        <th scope="col">{since}</th>
                        <th scope="col">{rs}</th>
                    </tr>
                </thead>
                <tbody>
                    {members.into_iter().map(|m| {
                        let on_rs = m.connections.iter().any(|c| c.routeserver);
                        view! {
                            <tr data-asn=m.asn>
                                <td data-label=asn>
                                    <a href=format!("https://www.peeringdb.com/asn/{}", m.asn) rel="external"><code class="mono">"AS"{m.asn}</code></a>
                                </td>
                                <td data-label=name>{match m.name.clone() {
                                    Some(n) => view! { <span>{n}</span> }.into_any(),
                                    None => view! { <span class="muted">{if m.details { tr!(members.no_name) } else { tr!(members.withheld) }}</span> }.into_any(),
                                }}</td>
                                <td data-label=addresses>
                                    <ul class="plain-list">
                                        {m.connections.iter().map(|c| {
                                            let inactive = c.state == ConnectionState::Inactive;
                                            view! {
                                                <li>
                                                    <code class="mono">{c.ipv6.clone()}</code>
                                                    <span class="caption">" · "{network_name(&c.network_id)}</span>
                                                    {inactive.then(|| view! { " " <span class="badge">{tr!(members.inactive)}</span> })}
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                </td>
                                <td data-label=since>{match m.member_since.clone() {
                                    Some(at) => view! { <time datetime=at.clone()>{short_time(&at)}</time> }.into_any(),
                                    None => view! { <span class="muted">"—"</span> }.into_any(),
                                }}</td>
                                <td data-label=rs>{if on_rs { tr!(members.rs_yes) } else { tr!(members.rs_no) }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
