//! `/admin/peeringdb`: every difference between the members' PeeringDB entries on the
//! exchange's LAN and the portal, as of the last check, in one list.

use contract::view::{FindingKind, NetixlanCheck};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::exchange::read_netixlan_check;
use crate::components::{short_time, ErrorNotice};
use crate::i18n::{t_string, use_i18n};
use crate::page_data;
use crate::text::finding_label;
use crate::viewer::RequireViewer;

#[component]
pub fn AdminPeeringDbPage() -> impl IntoView {
    view! {
        <Title text=title!(peeringdb.admin_title)/>
        <RequireViewer admin=true>
            <Findings/>
        </RequireViewer>
    }
}

#[component]
fn Findings() -> impl IntoView {
    let check = page_data::load(|| (), |_| read_netixlan_check());
    view! {
        <section class="page">
            <p><a class="back-link" href="/admin/requests">{tr!(peeringdb.back)}</a></p>
            <h1>{tr!(peeringdb.admin_title)}</h1>
            <Suspense fallback=move || view! { <p class="muted" role="status">{tr!(peeringdb.loading)}</p> }>
                {move || Suspend::new(async move {
                    match check.await {
                        Ok(Some(check)) => view! { <CheckView check/> }.into_any(),
                        Ok(None) => view! { <div class="card empty-state"><p>{tr!(peeringdb.never)}</p></div> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn CheckView(check: NetixlanCheck) -> impl IntoView {
    let i18n = use_i18n();
    let checked = check.checked_at.as_deref().map(short_time).unwrap_or_else(|| "—".into());
    let ixlan = check.ixlan_id.to_string();
    let (kind, asn, address, portal, peeringdb) =
        (tr!(peeringdb.kind), tr!(peeringdb.asn), tr!(peeringdb.address), tr!(peeringdb.portal_value), tr!(peeringdb.peeringdb_value));
    view! {
        <p class="caption">{move || t_string!(i18n, peeringdb.checked, ixlan = ixlan.clone(), time = checked.clone()).to_string()}</p>
        {check.stale.then(|| view! {
            <div class="notice warning" role="note">
                <p>{tr!(peeringdb.stale)}</p>
                {check.error.clone().map(|e| view! { <p class="caption mono">{e}</p> })}
            </div>
        })}
        {if check.findings.is_empty() {
            view! { <div class="card empty-state"><p>{tr!(peeringdb.all_match)}</p></div> }.into_any()
        } else {
            view! {
                <div class="table-wrap card flush" role="region" tabindex="0" aria-label=tr!(peeringdb.admin_title)>
                    <table class="data-table">
                        <thead><tr>
                            <th scope="col">{kind}</th><th scope="col">{asn}</th><th scope="col">{address}</th>
                            <th scope="col">{portal}</th><th scope="col">{peeringdb}</th>
                        </tr></thead>
                        <tbody>
                            {check.findings.into_iter().map(|f| {
                                let label = move || finding_label(i18n.get_locale(), f.kind);
                                let member = f.kind != FindingKind::NotAMember;
                                view! {
                                    <tr data-kind=f.kind.as_str()>
                                        <td data-label=kind>{label}</td>
                                        <td data-label=asn>
                                            <a href=format!("https://www.peeringdb.com/asn/{}", f.asn) rel="external"><code class="mono">"AS"{f.asn}</code></a>
                                            {(!member).then(|| view! { " " <span class="badge">{tr!(peeringdb.not_listed)}</span> })}
                                        </td>
                                        <td data-label=address><code class="mono">{f.address.unwrap_or_else(|| "—".into())}</code></td>
                                        <td data-label=portal>{f.portal.unwrap_or_else(|| "—".into())}</td>
                                        <td data-label=peeringdb>{f.peeringdb.unwrap_or_else(|| "—".into())}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}
