use leptos::form::ActionForm;
use contract::BlockedReason;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::requests::{get_onboarding, CreateRequest, Onboarding};
use crate::api::session::Viewer;
use crate::branding::BRAND;
use crate::components::ErrorNotice;
use crate::i18n::{t_string, use_i18n};
use crate::viewer::RequireViewer;
use crate::page_data;

/// Ask to join an exchange network: ASN, network, node id, notes.
#[component]
pub fn OnboardingPage() -> impl IntoView {
    view! {
        <Title text=title!(onboarding.title)/>
        <RequireViewer>
            <OnboardingForm/>
        </RequireViewer>
    }
}

#[component]
fn OnboardingForm() -> impl IntoView {
    let i18n = use_i18n();
    let viewer = expect_context::<Viewer>();
    let context = page_data::load(|| (), |_| get_onboarding());
    let name = viewer.display_name;
    view! {
        <section class="page">
            <h1>{tr!(onboarding.title)}</h1>
            <p class="lead">{move || t_string!(i18n, onboarding.welcome, name = name.clone()).to_string()}</p>
            <Suspense fallback=move || view! { <p class="muted" role="status">{tr!(onboarding.loading)}</p> }>
                {move || Suspend::new(async move {
                    match context.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(ctx) => match ctx.blocked_reason {
                            Some(reason) => view! { <Blocked reason/> }.into_any(),
                            None => view! { <RequestForm ctx/> }.into_any(),
                        },
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Why this person cannot ask for anything yet, and where to get help.
#[component]
fn Blocked(reason: BlockedReason) -> impl IntoView {
    let (title, text) = match reason {
        BlockedReason::NoEligibleAsn => (tr!(onboarding.no_asn_title), tr!(onboarding.no_asn_text)),
        BlockedReason::NoAvailableNetwork => (tr!(onboarding.no_network_title), tr!(onboarding.no_network_text)),
    };
    view! {
        <div class="card blocked" data-blocked=reason.as_str()>
            <h2>{title}</h2>
            <p>{text}</p>
            <p><a class="button secondary" href=BRAND.support_url>{tr!(onboarding.contact)}</a></p>
        </div>
    }
}

#[component]
fn RequestForm(ctx: Onboarding) -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateRequest>::new();
    let error = move || create.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> });
    view! {
        <div class="card">
            <ActionForm action=create>
                <div class="field">
                    <label for="request-asn">{tr!(onboarding.asn)}</label>
                    <select id="request-asn" name="asn" required=true>
                        {ctx.asns.into_iter().map(|a| view! {
                            <option value=a.asn.to_string()>
                                {format!("AS{}", a.asn)}{a.net_name.map(|n| format!(" — {n}"))}
                            </option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="request-network">{tr!(onboarding.network)}</label>
                    <select id="request-network" name="zt_network_id" required=true aria-describedby="request-network-help">
                        {ctx.networks.into_iter().map(|n| {
                            let label = format!("{} ({})", n.name, n.id);
                            view! { <option value=n.id>{label}</option> }
                        }).collect_view()}
                    </select>
                    {ctx.restricted.then(|| view! {
                        <p id="request-network-help" class="caption">{tr!(onboarding.restricted)}</p>
                    })}
                </div>
                <div class="field">
                    <label for="request-node">{tr!(onboarding.node_id)}</label>
                    <input
                        id="request-node"
                        name="node_id"
                        class="mono"
                        dir="ltr"
                        inputmode="text"
                        autocomplete="off"
                        spellcheck="false"
                        maxlength="10"
                        pattern="[0-9a-fA-F]{10}"
                        placeholder="8056c2e21c"
                        aria-describedby="request-node-help"
                    />
                    <p id="request-node-help" class="caption">{tr!(onboarding.node_id_help)}</p>
                </div>
                <div class="field">
                    <label for="request-notes">{tr!(onboarding.notes)}</label>
                    <textarea id="request-notes" name="notes" rows="3" maxlength="2000"></textarea>
                </div>
                {error}
                <button type="submit" class="button" disabled=move || create.pending().get()>
                    {move || if create.pending().get() { t_string!(i18n, onboarding.submitting) } else { t_string!(i18n, onboarding.submit) }}
                </button>
            </ActionForm>
        </div>
    }
}
