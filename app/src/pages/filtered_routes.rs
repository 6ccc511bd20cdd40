//! "Why was my route filtered": the routes the route servers keep as filtered for one
//! member, with the reasons, read live and paged with plain links (works without
//! JavaScript). Members see their own requests; admins any.

use contract::view::FilteredRoutes;
use contract::ErrorCode;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::turn_up::read_filtered_routes;
use crate::components::{short_time, ErrorNotice};
use crate::error::AppError;
use crate::i18n::{t_string, use_i18n};
use crate::page_data;
use crate::text::filter_reason_label;
use crate::viewer::RequireViewer;

#[component]
pub fn MemberFilteredRoutesPage() -> impl IntoView {
    view! {
        <Title text=title!(filtered.title)/>
        <RequireViewer>
            <Filtered admin=false/>
        </RequireViewer>
    }
}

#[component]
pub fn AdminFilteredRoutesPage() -> impl IntoView {
    view! {
        <Title text=title!(filtered.title)/>
        <RequireViewer admin=true>
            <Filtered admin=true/>
        </RequireViewer>
    }
}

#[component]
fn Filtered(admin: bool) -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let source = move || {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        let page = query.with(|q| q.get("page").and_then(|p| p.parse::<u64>().ok()).unwrap_or(1));
        (id, page)
    };
    let data = page_data::load(source, move |(id, page)| read_filtered_routes(id, page, admin));
    let back = move || {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        if admin { format!("/admin/requests/{id}") } else { format!("/requests/{id}") }
    };
    view! {
        <section class="page">
            <p><a class="back-link" href=back>{tr!(filtered.back)}</a></p>
            <Suspense fallback=move || view! { <p class="muted" role="status">{tr!(filtered.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(routes) => view! { <RouteList routes/> }.into_any(),
                        Err(error) => view! { <Unreadable error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Unreadable(error: AppError) -> impl IntoView {
    let limited = error.code() == ErrorCode::RateLimited;
    view! {
        <div class="card">
            <h1>{tr!(filtered.title)}</h1>
            {if limited {
                view! { <div class="notice warning" role="alert"><p>{tr!(filtered.rate_limited)}</p></div> }.into_any()
            } else {
                view! { <ErrorNotice error/> }.into_any()
            }}
        </div>
    }
}

#[component]
fn RouteList(routes: FilteredRoutes) -> impl IntoView {
    let i18n = use_i18n();
    let FilteredRoutes { asn, routes: rows, total, page, pages, unread, read_at, .. } = routes;
    let (total_text, page_text) = (total.to_string(), format!("{page} / {pages}"));
    let read_time = short_time(&read_at);
    view! {
        <div class="page-header">
            <h1>{tr!(filtered.title)} " · " <span class="mono">"AS"{asn}</span></h1>
        </div>
        <div class="card">
            <p class="caption">
                {move || t_string!(i18n, filtered.summary, total = total_text.clone(), time = read_time.clone()).to_string()}
            </p>
            {unread.into_iter().map(|u| {
                let name = u.route_server.clone();
                view! {
                    <div class="notice warning" role="note">
                        <p>{move || t_string!(i18n, filtered.unread, route_server = name.clone()).to_string()}</p>
                        {u.error.map(|e| view! { <p class="caption mono">{e}</p> })}
                    </div>
                }
            }).collect_view()}
            {if rows.is_empty() {
                view! { <p class="muted">{tr!(filtered.none)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap" role="region" tabindex="0" aria-label=tr!(filtered.title)>
                        <table class="data-table filtered-routes">
                            <thead><tr>
                                <th scope="col">{tr!(filtered.prefix)}</th>
                                <th scope="col">{tr!(filtered.reasons)}</th>
                                <th scope="col">{tr!(filtered.as_path)}</th>
                                <th scope="col">{tr!(filtered.next_hop)}</th>
                                <th scope="col">{tr!(turn_up.route_server)}</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|r| view! {
                                    <tr>
                                        <th scope="row"><code class="mono" dir="ltr">{r.prefix}</code></th>
                                        <td><ul class="plain-list">{r.reasons.into_iter().map(|slug| {
                                            let code = slug.clone();
                                            view! { <li data-reason=code>{move || filter_reason_label(i18n.get_locale(), &slug)}</li> }
                                        }).collect_view()}</ul></td>
                                        <td><code class="mono" dir="ltr">{r.as_path}</code></td>
                                        <td><code class="mono" dir="ltr">{r.next_hop}</code></td>
                                        <td>{r.route_server}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            {(pages > 1).then(|| view! {
                <nav class="pager" aria-label=tr!(filtered.pages)>
                    {(page > 1).then(|| view! { <a rel="prev" href=format!("?page={}", page - 1)>{tr!(filtered.previous)}</a> })}
                    <span class="caption">{page_text}</span>
                    {(page < pages).then(|| view! { <a rel="next" href=format!("?page={}", page + 1)>{tr!(filtered.next)}</a> })}
                </nav>
            })}
        </div>
    }
}
