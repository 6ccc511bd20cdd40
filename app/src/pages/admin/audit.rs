//! `/admin/audit`: the audit trail, filtered by actor, action, target and time with a
//! plain GET form (works without JavaScript), newest first, older pages by a cursor
//! link, and the same page as CSV.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::audit::audit_log;
use crate::components::{urlencode, AuditRow, ErrorNotice};
use crate::page_data;
use crate::viewer::RequireViewer;

const FILTERS: [&str; 5] = ["actor", "action", "target", "from", "to"];

#[component]
pub fn AdminAuditPage() -> impl IntoView {
    view! {
        <Title text=title!(audit_log.title)/>
        <RequireViewer admin=true>
            <AuditLog/>
        </RequireViewer>
    }
}

#[component]
fn AuditLog() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.with(|q| q.get(name).filter(|v| !v.is_empty()));
    let page = page_data::load(
        move || (param("actor"), param("action"), param("target"), param("from"), param("to"), param("cursor")),
        |(actor, action, target, from, to, cursor)| audit_log(actor, action, target, from, to, cursor),
    );
    // The current filters as a query string (for the next page and the CSV).
    let filters = move || {
        FILTERS.iter().filter_map(|k| param(k).map(|v| format!("{k}={}", urlencode(&v)))).collect::<Vec<_>>().join("&")
    };
    let value = move |name: &'static str| param(name).unwrap_or_default();
    let (when, who, what, details, target) = (tr!(admin.when), tr!(admin.who), tr!(admin.what), tr!(admin.details), tr!(audit_log.target));
    view! {
        <section class="page">
            <h1>{tr!(audit_log.title)}</h1>
            <form class="filters card" method="get" action="/admin/audit">
                <div class="field">
                    <label for="audit-actor">{tr!(audit_log.actor)}</label>
                    <input id="audit-actor" name="actor" type="text" autocomplete="off" value=move || value("actor") placeholder="admin | system"/>
                </div>
                <div class="field">
                    <label for="audit-action">{tr!(audit_log.action)}</label>
                    <input id="audit-action" name="action" type="text" autocomplete="off" value=move || value("action") placeholder="join_request."/>
                </div>
                <div class="field">
                    <label for="audit-target">{tr!(audit_log.target)}</label>
                    <input id="audit-target" name="target" type="text" autocomplete="off" value=move || value("target") placeholder="join_request:…"/>
                </div>
                <div class="field">
                    <label for="audit-from">{tr!(audit_log.from)}</label>
                    <input id="audit-from" name="from" type="date" value=move || value("from")/>
                </div>
                <div class="field">
                    <label for="audit-to">{tr!(audit_log.to)}</label>
                    <input id="audit-to" name="to" type="date" value=move || value("to")/>
                </div>
                <button type="submit" class="button">{tr!(audit_log.apply)}</button>
                <a class="button secondary" href=move || format!("/api/v1/admin/audit?format=csv&limit=1000&{}", filters()) rel="external" download>{tr!(audit_log.csv)}</a>
            </form>
            <Suspense fallback=move || view! { <p class="muted" role="status">{tr!(audit_log.loading)}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(page) if page.lines.is_empty() => view! { <div class="card empty-state"><p>{tr!(audit_log.empty)}</p></div> }.into_any(),
                        Ok(page) => {
                            let next = page.next_cursor.map(|c| format!("/admin/audit?{}&cursor={}", filters(), urlencode(&c)));
                            view! {
                                <div class="table-wrap card flush" role="region" tabindex="0" aria-label=tr!(audit_log.title)>
                                    <table class="data-table">
                                        <thead><tr>
                                            <th scope="col">{when}</th><th scope="col">{who}</th><th scope="col">{what}</th>
                                            <th scope="col">{details}</th><th scope="col">{target}</th>
                                        </tr></thead>
                                        <tbody>
                                            {page.lines.into_iter().map(|l| view! { <AuditRow line=l.line target=(l.target_type, l.target_id)/> }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                {next.map(|href| view! { <p><a class="button secondary" href=href>{tr!(audit_log.older)}</a></p> })}
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}
