use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::requests::{get_onboarding, CreateRequest, Onboarding};
use crate::api::session::Viewer;
use crate::error::{refusal_message, AppError};
use crate::viewer::RequireViewer;
use crate::SUPPORT_URL;

/// Ask to join an exchange network: ASN, network, node id, notes.
#[component]
pub fn OnboardingPage() -> impl IntoView {
    view! {
        <Title text="Join the exchange"/>
        <RequireViewer>
            <OnboardingForm/>
        </RequireViewer>
    }
}

#[component]
fn OnboardingForm() -> impl IntoView {
    let viewer = expect_context::<Viewer>();
    let context = Resource::new(|| (), |_| get_onboarding());
    view! {
        <section class="page">
            <h1>"Join the exchange"</h1>
            <p class="lead">"Welcome, " {viewer.display_name.clone()} ". Ask for a port on one of our networks."</p>
            <Suspense fallback=|| view! { <p class="muted" role="status">"Loading your networks…"</p> }>
                {move || Suspend::new(async move {
                    match context.await {
                        Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                        Ok(ctx) => match ctx.blocked_reason.as_deref() {
                            Some(reason) => view! { <Blocked reason=reason.to_owned()/> }.into_any(),
                            None => view! { <RequestForm ctx/> }.into_any(),
                        },
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Blocked(reason: String) -> impl IntoView {
    let (title, text) = if reason == "no_eligible_asn" {
        (
            "No ASN is linked to your account yet",
            "With PeeringDB, your networks appear here once your PeeringDB user belongs to the \
             network's organisation (log in again after PeeringDB approves you). Local accounts \
             get their ASNs from the exchange.",
        )
    } else {
        (
            "No exchange network is open to your account",
            "The exchange has not opened a network you may request. The exchange can tell you more.",
        )
    };
    view! {
        <div class="card blocked" data-blocked=reason>
            <h2>{title}</h2>
            <p>{text}</p>
            <p><a href=SUPPORT_URL>"Contact the exchange"</a></p>
        </div>
    }
}

#[component]
fn RequestForm(ctx: Onboarding) -> impl IntoView {
    let create = ServerAction::<CreateRequest>::new();
    let error = move || {
        create.value().get().and_then(|r| r.err()).map(|error| match error {
            AppError::Refused { code, detail: Some(existing), .. } if code == "duplicate_active_request" => view! {
                <p class="error" role="alert">
                    {refusal_message(&code)} " "
                    <a href=format!("/requests/{existing}")>"See the existing request"</a>
                </p>
            }
            .into_any(),
            AppError::Refused { code, detail, .. } => view! {
                <p class="error" role="alert">
                    {refusal_message(&code)} {detail.map(|d| format!(" ({d})"))} " " <code class="mono">{code}</code>
                </p>
            }
            .into_any(),
            other => view! { <p class="error" role="alert">{other.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <div class="card">
            <ActionForm action=create>
                <div class="field">
                    <label for="request-asn">"Your network (ASN)"</label>
                    <select id="request-asn" name="asn" required=true>
                        {ctx.asns.into_iter().map(|a| view! {
                            <option value=a.asn.to_string()>
                                {format!("AS{}", a.asn)}{a.net_name.map(|n| format!(" — {n}"))}
                            </option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="request-network">"Exchange network"</label>
                    <select id="request-network" name="zt_network_id" required=true>
                        {ctx.networks.into_iter().map(|n| {
                            let label = format!("{} ({})", n.name, n.id);
                            view! { <option value=n.id>{label}</option> }
                        }).collect_view()}
                    </select>
                    {ctx.restricted.then(|| view! { <p class="caption">"Your account may request these networks only."</p> })}
                </div>
                <div class="field">
                    <label for="request-node">"ZeroTier node ID"</label>
                    <input
                        id="request-node"
                        name="node_id"
                        class="mono"
                        inputmode="text"
                        autocomplete="off"
                        spellcheck="false"
                        maxlength="10"
                        pattern="[0-9a-fA-F]{10}"
                        placeholder="e.g. 8056c2e21c"
                        aria-describedby="request-node-help"
                    />
                    <p id="request-node-help" class="caption">
                        "10 characters, shown by " <code>"zerotier-cli info"</code> ". You can leave it empty and send it later."
                    </p>
                </div>
                <div class="field">
                    <label for="request-notes">"Notes for the exchange (optional)"</label>
                    <textarea id="request-notes" name="notes" rows="3" maxlength="2000"></textarea>
                </div>
                {error}
                <button type="submit" class="button" disabled=move || create.pending().get()>
                    {move || if create.pending().get() { "Sending…" } else { "Send request" }}
                </button>
            </ActionForm>
        </div>
    }
}
