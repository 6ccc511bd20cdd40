//! What the route servers apply to a member: max-prefix per family, the AS-SET and its
//! IRR expansion, and PeeringDB's word that the network does not use route servers.
//! Admins also see why a read failed and can override the values.

use contract::view::RoutePolicy;
use contract::PolicySource;
use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::route_policy::SetRoutePolicy;
use crate::components::{short_time, ErrorNotice};
use crate::i18n::{t_string, use_i18n};

fn source_label(source: PolicySource) -> AnyView {
    match source {
        PolicySource::Override => tr!(policy.from_override).into_any(),
        PolicySource::Peeringdb => tr!(policy.from_peeringdb).into_any(),
        PolicySource::Default => tr!(policy.from_default).into_any(),
    }
}

/// The policy card of a request's page.
#[component]
pub fn RoutePolicyCard(#[prop(into)] policy: Signal<Option<RoutePolicy>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        policy.get().map(|p| {
            let irr = p.irr_mode.clone().map(|mode| {
                let counts = p.irr_prefixes_v4.zip(p.irr_prefixes_v6).zip(p.irr_origins);
                let expanded = p.irr_expanded_at.clone();
                view! {
                    <dt>{tr!(policy.irr)}</dt>
                    <dd>
                        {if mode == "tag" { tr!(policy.irr_tag).into_any() } else { tr!(policy.irr_enforce).into_any() }}
                        {match counts {
                            Some(((v4, v6), origins)) => {
                                let (v4, v6, origins) = (v4.to_string(), v6.to_string(), origins.to_string());
                                view! { <span class="caption">" · " {move || t_string!(i18n, policy.irr_counts, v4 = v4.clone(), v6 = v6.clone(), origins = origins.clone()).to_string()}</span> }.into_any()
                            }
                            None => view! { <span class="caption">" · " {tr!(policy.irr_pending)}</span> }.into_any(),
                        }}
                        {expanded.map(|at| view! { " " <time class="caption" datetime=at.clone()>{short_time(&at)}</time> })}
                    </dd>
                }
            });
            let errors = [p.peeringdb_error.clone().map(|e| (true, e)), p.irr_error.clone().map(|e| (false, e))];
            view! {
                <div class="card">
                    <h2>{tr!(policy.title)}</h2>
                    {p.never_via_route_servers.then(|| view! {
                        <div class="notice warning" role="note"><p>{tr!(policy.never_via_route_servers)}</p></div>
                    })}
                    <dl class="facts">
                        <dt>{tr!(policy.max_prefixes_v4)}</dt>
                        <dd><span class="mono">{p.max_prefixes_v4}</span> " " <span class="caption">{source_label(p.max_prefixes_v4_source)}</span></dd>
                        <dt>{tr!(policy.max_prefixes_v6)}</dt>
                        <dd><span class="mono">{p.max_prefixes_v6}</span> " " <span class="caption">{source_label(p.max_prefixes_v6_source)}</span></dd>
                        <dt>{tr!(policy.as_set)}</dt>
                        <dd><code class="mono" dir="ltr">{p.as_set.clone()}</code> " " <span class="caption">{source_label(p.as_set_source)}</span></dd>
                        {irr}
                        <dt>{tr!(policy.peeringdb_read)}</dt>
                        <dd>{match p.peeringdb_fetched_at.clone() {
                            Some(at) => view! { <time datetime=at.clone()>{short_time(&at)}</time> }.into_any(),
                            None => view! { <span class="muted">{tr!(policy.never_read)}</span> }.into_any(),
                        }}</dd>
                    </dl>
                    {errors.into_iter().flatten().map(|(peeringdb, error)| view! {
                        <div class="notice error-card" role="status">
                            <p><strong>{if peeringdb { tr!(policy.peeringdb_failed).into_any() } else { tr!(policy.irr_failed).into_any() }}</strong></p>
                            <p class="mono caption">{error}</p>
                        </div>
                    }).collect_view()}
                </div>
            }
        })
    }
}

/// The admin's overrides; `changed` runs after each save.
#[component]
pub fn PolicyOverride(id: String, #[prop(into)] policy: Signal<Option<RoutePolicy>>, changed: Callback<()>) -> impl IntoView {
    let save = ServerAction::<SetRoutePolicy>::new();
    Effect::new(move |first: Option<()>| {
        save.version().get();
        if first.is_some() {
            changed.run(());
        }
    });
    let id = StoredValue::new(id);
    move || {
        policy.get().map(|p| {
            let number = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
            view! {
                <div class="card actions">
                    <details class="confirm">
                        <summary class="button">{tr!(policy.override_title)}</summary>
                        <p class="caption">{tr!(policy.override_explain)}</p>
                        <ActionForm action=save>
                            <input type="hidden" name="id" value=id.get_value()/>
                            <div class="field">
                                <label for="policy-v4">{tr!(policy.max_prefixes_v4)}</label>
                                <input id="policy-v4" name="max_prefixes_v4" type="number" min="1" max="10000000" inputmode="numeric" value=number(p.override_max_prefixes_v4)/>
                            </div>
                            <div class="field">
                                <label for="policy-v6">{tr!(policy.max_prefixes_v6)}</label>
                                <input id="policy-v6" name="max_prefixes_v6" type="number" min="1" max="10000000" inputmode="numeric" value=number(p.override_max_prefixes_v6)/>
                            </div>
                            <div class="field">
                                <label for="policy-as-set">{tr!(policy.as_set)}</label>
                                <input id="policy-as-set" name="irr_as_set" class="mono" dir="ltr" maxlength="255" autocomplete="off" placeholder="AS-EXAMPLE" value=p.override_as_set.clone().unwrap_or_default()/>
                            </div>
                            <button type="submit" class="button">{tr!(policy.override_save)}</button>
                        </ActionForm>
                    </details>
                    {move || save.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
                </div>
            }
        })
    }
}
