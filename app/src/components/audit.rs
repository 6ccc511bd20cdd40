//! One audit event as a table row: the admins' request page and audit log, and a
//! member's own request (with admins shown as "the exchange").

use contract::view::{AuditActor, AuditLine, AuditNote};
use leptos::prelude::*;

use super::{short_time, StatusBadge};
use crate::i18n::use_i18n;
use crate::text::{affiliation_decision_label, audit_action_label, decision_label, failure_message, system_actor_label};

#[component]
fn AuditActorName(actor: AuditActor) -> impl IntoView {
    let i18n = use_i18n();
    match actor {
        AuditActor::Person(name) => name.into_any(),
        AuditActor::FormerUser(id) => view! { {tr!(audit_note.former_user)} " " <code class="mono">{id}</code> }.into_any(),
        AuditActor::System(system) => (move || system_actor_label(i18n.get_locale(), system)).into_any(),
        AuditActor::You => tr!(audit_note.you).into_any(),
        AuditActor::Exchange => tr!(audit_note.exchange).into_any(),
    }
}

/// One audit event as a table row; the audit log screen adds what it was about.
#[component]
pub fn AuditRow(line: AuditLine, #[prop(optional)] target: Option<(String, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let when = tr!(admin.when);
    let who = tr!(admin.who);
    let what = tr!(admin.what);
    let details = tr!(admin.details);
    let action = match line.action {
        Some(action) => (move || audit_action_label(i18n.get_locale(), action)).into_any(),
        None => view! { <code class="mono">{line.action_code.clone()}</code> }.into_any(),
    };
    let transition = line.transition.map(|(from, to)| view! { <StatusBadge status=from/> " → " <StatusBadge status=to/> " " });
    let note = line.note.map(|note| match note {
        AuditNote::Reason(reason) => view! { {tr!(audit_note.reason)} ": " {reason} }.into_any(),
        AuditNote::Decision(source) => (move || decision_label(i18n.get_locale(), source)).into_any(),
        AuditNote::Failure { code, detail } => view! { {move || failure_message(i18n.get_locale(), code)} " " <span class="detail">{detail}</span> }.into_any(),
        AuditNote::NodeReplaced { from, to } => view! {
            {tr!(audit_note.node_replaced)} " " <code class="mono">{from}</code> " → " <code class="mono">{to}</code>
        }
        .into_any(),
        AuditNote::Drift { kind, place, detail } => view! {
            {tr!(audit_note.drift)} " " <code class="mono">{kind}</code> " · " {place} " " <span class="detail">{detail}</span>
        }
        .into_any(),
        AuditNote::Affiliation(decision) => (move || affiliation_decision_label(i18n.get_locale(), decision)).into_any(),
        AuditNote::RouteServer { host, detail } => view! {
            {tr!(audit_note.route_server)} " " <code class="mono">{host}</code>
            {detail.map(|d| view! { " " <span class="detail">{d}</span> })}
        }
        .into_any(),
    });
    view! {
        <tr>
            <td data-label=when><time datetime=line.at.clone()>{short_time(&line.at)}</time></td>
            <td data-label=who><AuditActorName actor=line.actor/></td>
            <td data-label=what>{action}</td>
            <td data-label=details class="audit-details">{transition}{note}</td>
            {target.map(|(kind, id)| {
                let link = (kind == "join_request").then(|| format!("/admin/requests/{id}"));
                view! {
                    <td data-label=tr!(audit_log.target)>
                        <code class="mono break">{kind} ":"</code> " "
                        {match link {
                            Some(href) => view! { <a href=href class="mono break">{id}</a> }.into_any(),
                            None => view! { <code class="mono break">{id}</code> }.into_any(),
                        }}
                    </td>
                }
            })}
        </tr>
    }
}
