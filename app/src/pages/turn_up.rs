//! Turn-up and live state on a request's page: the member's BGP sessions per route
//! server, the node's state, and the router configuration to copy (every platform from
//! one model). Everything is server-rendered; only the copy buttons need the browser.

use contract::view::{BgpSession, NodeState, NodeStatus, RouterConfig, SessionRoutes, SessionStatus, TurnUp};
use leptos::prelude::*;

use crate::components::short_time;
use crate::i18n::{t_string, use_i18n};

fn session_label(state: SessionStatus) -> AnyView {
    match state {
        SessionStatus::Established => tr!(turn_up.state_established).into_any(),
        SessionStatus::Idle => tr!(turn_up.state_idle).into_any(),
        SessionStatus::Connect => tr!(turn_up.state_connect).into_any(),
        SessionStatus::Active => tr!(turn_up.state_active).into_any(),
        SessionStatus::OpenSent | SessionStatus::OpenConfirm => tr!(turn_up.state_opening).into_any(),
        SessionStatus::Down => tr!(turn_up.state_down).into_any(),
        SessionStatus::Unknown => tr!(turn_up.state_unknown).into_any(),
    }
}

fn session_class(state: SessionStatus) -> &'static str {
    match state {
        SessionStatus::Established => "session session-up",
        SessionStatus::Unknown => "session session-unknown",
        SessionStatus::Down => "session session-down",
        _ => "session session-waiting",
    }
}

fn node_label(state: NodeStatus) -> AnyView {
    match state {
        NodeStatus::Online => tr!(turn_up.node_online).into_any(),
        NodeStatus::Relayed => tr!(turn_up.node_relayed).into_any(),
        NodeStatus::Offline => tr!(turn_up.node_offline).into_any(),
        NodeStatus::Unseen => tr!(turn_up.node_unseen).into_any(),
    }
}

fn routes(r: SessionRoutes) -> impl IntoView {
    view! {
        <span class="mono" title="received / accepted / filtered / exported">
            {r.received} " / " {r.accepted} " / " <span class:filtered=r.filtered != 0>{r.filtered}</span> " / " {r.exported}
        </span>
    }
}

/// The node line beside the membership.
#[component]
fn NodeLine(node: NodeState) -> impl IntoView {
    let i18n = use_i18n();
    let seen = node.last_seen_at.clone();
    let latency = node.latency_ms.map(|ms| ms.to_string());
    view! {
        <dt>{tr!(turn_up.node)}</dt>
        <dd data-node-state=format!("{:?}", node.state).to_lowercase()>
            <strong>{node_label(node.state)}</strong>
            {node.version.map(|v| view! { " · " <span class="caption">"ZeroTier " {v}</span> })}
            {latency.map(|ms| view! { " · " <span class="caption">{move || t_string!(i18n, turn_up.latency, ms = ms.clone()).to_string()}</span> })}
            {seen.map(|at| {
                let time = short_time(&at);
                view! { " · " <span class="caption">{move || t_string!(i18n, turn_up.last_seen, time = time.clone()).to_string()}</span> }
            })}
        </dd>
    }
}

fn session_row(s: BgpSession) -> impl IntoView {
    let i18n = use_i18n();
    let read = s.read_at.clone();
    let unknown = s.state == SessionStatus::Unknown;
    view! {
        <tr data-session-state=format!("{:?}", s.state).to_lowercase()>
            <th scope="row">{s.route_server}</th>
            <td><code class="mono" dir="ltr">{s.neighbor}</code></td>
            <td>
                <span class=session_class(s.state)>{session_label(s.state)}</span>
                {if unknown {
                    read.map(|at| {
                        let time = short_time(&at);
                        view! { <br/><span class="caption">{move || t_string!(i18n, turn_up.last_read, time = time.clone()).to_string()}</span> }.into_any()
                    })
                } else {
                    let since = short_time(&s.state_since);
                    Some(view! { <br/><time class="caption" datetime=s.state_since.clone()>{since}</time> }.into_any())
                }}
                {s.last_error.map(|e| view! { <br/><span class="caption mono">{e}</span> })}
            </td>
            <td>{routes(s.ipv4)}</td>
            <td>{routes(s.ipv6)}</td>
        </tr>
    }
}

/// Sessions, node state and the turn-up notice. `filtered_href` links to the filtered
/// routes of the request.
#[component]
pub fn TurnUpCard(#[prop(into)] turn_up: Signal<Option<TurnUp>>, filtered_href: String) -> impl IntoView {
    let i18n = use_i18n();
    let href = StoredValue::new(filtered_href);
    move || {
        turn_up.get().map(|t| {
            let waiting = t.sessions_read && t.established_at.is_none();
            let read = t.sessions_read;
            let established = t.established_at.clone();
            let any_filtered = t.sessions.iter().any(|s| s.ipv4.filtered + s.ipv6.filtered > 0);
            view! {
                <section class="card" aria-labelledby="sessions-title" data-turn-up=if !read { "unread" } else if waiting { "waiting" } else { "established" }>
                    <h2 id="sessions-title">{tr!(turn_up.sessions_title)}</h2>
                    {if !read {
                        view! { <p class="caption">{tr!(turn_up.not_read)}</p> }.into_any()
                    } else if waiting {
                        view! {
                            <div class="notice" role="status">
                                <p><strong>{tr!(turn_up.waiting_title)}</strong></p>
                                <p class="caption">{tr!(turn_up.waiting_text)}</p>
                            </div>
                        }.into_any()
                    } else {
                        let at = established.unwrap_or_default();
                        let time = short_time(&at);
                        view! { <p class="caption">{move || t_string!(i18n, turn_up.established_since, time = time.clone()).to_string()}</p> }.into_any()
                    }}
                    {t.peeringdb.clone().map(|check| view! { <PeeringDbNotice check/> })}
                    {(!t.unread.is_empty()).then(|| view! {
                        <div class="notice warning" role="note">
                            {t.unread.iter().cloned().map(|u| {
                                let when = u.read_at.map(|at| short_time(&at)).unwrap_or_else(|| "—".into());
                                let name = u.route_server.clone();
                                view! {
                                    <p>{move || t_string!(i18n, turn_up.unread, route_server = name.clone(), time = when.clone()).to_string()}</p>
                                    {u.error.map(|e| view! { <p class="caption mono">{e}</p> })}
                                }
                            }).collect_view()}
                        </div>
                    })}
                    <dl class="facts">
                        {match t.node.clone() {
                            Some(node) => view! { <NodeLine node/> }.into_any(),
                            None => view! { <dt>{tr!(turn_up.node)}</dt><dd class="muted">{tr!(turn_up.node_not_read)}</dd> }.into_any(),
                        }}
                    </dl>
                    {if t.sessions.is_empty() {
                        read.then(|| view! { <p class="muted">{tr!(turn_up.no_sessions)}</p> }).into_any()
                    } else {
                        view! {
                            <div class="table-wrap">
                                <table class="data-table sessions">
                                    <caption class="caption">{tr!(turn_up.routes_legend)}</caption>
                                    <thead><tr>
                                        <th scope="col">{tr!(turn_up.route_server)}</th>
                                        <th scope="col">{tr!(turn_up.neighbor)}</th>
                                        <th scope="col">{tr!(turn_up.state)}</th>
                                        <th scope="col">"IPv4"</th>
                                        <th scope="col">"IPv6"</th>
                                    </tr></thead>
                                    <tbody>{t.sessions.into_iter().map(session_row).collect_view()}</tbody>
                                </table>
                            </div>
                        }.into_any()
                    }}
                    {read.then(|| view! { <p><a href=href.get_value() class:emphasis=any_filtered>{tr!(turn_up.filtered_link)}</a></p> })}
                </section>
            }
        })
    }
}

/// One platform's snippet with its copy button.
#[component]
fn Snippet(id: String, label: String, text: String, open: bool) -> impl IntoView {
    let leptos_use::UseClipboardReturn { is_supported, copied, copy, .. } = leptos_use::use_clipboard();
    let body = StoredValue::new(text.clone());
    let pre_id = format!("snippet-{id}");
    view! {
        <details class="snippet" open=open>
            <summary>{label.clone()}</summary>
            <div class="snippet-actions">
                <button type="button" class="button secondary" hidden=move || !is_supported.get()
                    aria-controls=pre_id.clone() on:click=move |_| copy(&body.get_value())>
                    {move || if copied.get() { tr!(turn_up.copied).into_any() } else { tr!(turn_up.copy).into_any() }}
                </button>
                <span class="visually-hidden" aria-live="polite">{move || copied.get().then(|| tr!(turn_up.copied))}</span>
            </div>
            <pre id=format!("snippet-{id}") class="mono config" tabindex="0" dir="ltr" aria-label=label><code>{text}</code></pre>
        </details>
    }
}

/// What to type on the router: join, the addresses, and a neighbor block per platform.
#[component]
pub fn RouterConfigCard(#[prop(into)] config: Signal<Option<RouterConfig>>) -> impl IntoView {
    move || {
        config.get().map(|c| view! {
            <section class="card" aria-labelledby="router-config-title">
                <h2 id="router-config-title">{tr!(turn_up.config_title)}</h2>
                <dl class="facts">
                    <dt>{tr!(fields.network)}</dt><dd><code class="mono">{c.network_id.clone()}</code></dd>
                    <dt>{tr!(turn_up.your_address)}</dt><dd><code class="mono" dir="ltr">{c.member_address.clone()}</code> " · " <code class="mono">"AS"{c.member_asn}</code></dd>
                    {c.route_servers.iter().cloned().map(|rs| view! {
                        <dt>{rs.name}</dt><dd><code class="mono" dir="ltr">{rs.address}</code> " · " <code class="mono">"AS"{rs.asn}</code></dd>
                    }).collect_view()}
                </dl>
                <h3>{tr!(turn_up.step_join)}</h3>
                <Snippet id="join".into() label="zerotier-cli".into() text=c.join.clone() open=true/>
                <h3>{tr!(turn_up.step_bgp)}</h3>
                <p class="caption">{tr!(turn_up.step_bgp_text)}</p>
                {c.snippets.into_iter().enumerate().map(|(i, s)| view! { <Snippet id=s.vendor label=s.label text=s.text open=i == 0/> }).collect_view()}
            </section>
        })
    }
}

/// "1 of 2 sessions up" in lists; unknown when a route server could not be read.
#[component]
pub fn SessionsBadge(count: contract::view::SessionCount) -> impl IntoView {
    let i18n = use_i18n();
    let (up, total) = (count.established.to_string(), count.total.to_string());
    let class = if count.unknown > 0 {
        "session session-unknown"
    } else if count.total > 0 && count.established == count.total {
        "session session-up"
    } else {
        "session session-waiting"
    };
    view! {
        <span class=class data-sessions=format!("{}/{}", count.established, count.total)>
            {move || t_string!(i18n, turn_up.sessions_count, up = up.clone(), total = total.clone()).to_string()}
        </span>
    }
}

/// What the member should fix in PeeringDB for this connection.
#[component]
fn PeeringDbNotice(check: contract::view::NetixlanCheck) -> impl IntoView {
    use contract::view::FindingKind as K;
    let i18n = use_i18n();
    view! {
        <div class="notice warning" role="note" data-peeringdb="mismatch">
            <p><strong>{tr!(peeringdb.member_title)}</strong></p>
            {check.findings.into_iter().map(|f| {
                let address = f.address.clone().unwrap_or_default();
                let theirs = f.peeringdb.clone().unwrap_or_else(|| "—".into());
                let on = f.portal.as_deref() == Some("true");
                view! {
                    <p>{move || match f.kind {
                        K::Missing => t_string!(i18n, peeringdb.fix_missing, address = address.clone()).to_string(),
                        K::WrongAddress => t_string!(i18n, peeringdb.fix_wrong_address, theirs = theirs.clone(), address = address.clone()).to_string(),
                        K::NotOperational => t_string!(i18n, peeringdb.fix_not_operational).to_string(),
                        K::Operational => t_string!(i18n, peeringdb.fix_operational).to_string(),
                        K::RsPeer if on => t_string!(i18n, peeringdb.fix_rs_peer_on).to_string(),
                        K::RsPeer | K::NotAMember => t_string!(i18n, peeringdb.fix_rs_peer_off).to_string(),
                    }}</p>
                }
            }).collect_view()}
            {check.stale.then(|| view! { <p class="caption">{tr!(peeringdb.member_stale)}</p> })}
        </div>
    }
}
