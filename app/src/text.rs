//! Localized words for the values the server sends: request statuses, error codes, why
//! provisioning failed, audit actions and who acted. Each is an exhaustive `match`, so a
//! new value does not compile until it has copy (and `build.rs` refuses a catalog that
//! lacks a key another one has). Everything else is written with `tr!` where it is shown.

use contract::{AffiliationDecision, AsnSource, AuditAction, DecisionSource, ErrorCode, FailureCode, Ineligible, RequestStatus, SystemActor};

use crate::error::AppError;
use crate::i18n::{td_string, use_i18n, Locale};

/// A piece of interface text that follows the reader's language, for a view or an
/// attribute. Every key shares this one closure type, so the browser bundle carries the
/// code that renders and updates text once instead of once per key.
pub fn tr(text: fn(Locale) -> &'static str) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || text(i18n.get_locale())
}

/// A page title in the reader's language, fixed when the page renders. Titles are read
/// by the document head after the page has rendered, so they must not read signals then
/// (the language changes through a full page load anyway).
pub fn title(text: fn(Locale) -> &'static str) -> &'static str {
    text(use_i18n().get_locale_untracked())
}

/// `title!(login.title)`: a page title (see [`title`]).
macro_rules! title {
    ($($key:ident).+) => {
        $crate::text::title(|locale| $crate::i18n::td_string!(locale, $($key).+))
    };
}

/// `tr!(login.title)`: the reactive text of a catalog key (see [`tr`]).
macro_rules! tr {
    ($($key:ident).+) => {
        $crate::text::tr(|locale| $crate::i18n::td_string!(locale, $($key).+))
    };
}

/// Plain words for a request status.
pub fn status_label(locale: Locale, status: RequestStatus) -> &'static str {
    match status {
        RequestStatus::Pending => td_string!(locale, status.pending),
        RequestStatus::Approved => td_string!(locale, status.approved),
        RequestStatus::Provisioning => td_string!(locale, status.provisioning),
        RequestStatus::Active => td_string!(locale, status.active),
        RequestStatus::Rejected => td_string!(locale, status.rejected),
        RequestStatus::Failed => td_string!(locale, status.failed),
        RequestStatus::Withdrawn => td_string!(locale, status.withdrawn),
        RequestStatus::Offboarding => td_string!(locale, status.offboarding),
        RequestStatus::Removed => td_string!(locale, status.removed),
        RequestStatus::Suspended => td_string!(locale, status.suspended),
    }
}

/// A friendly sentence for a public error code (SPEC §5) or an interface error.
pub fn code_message(locale: Locale, code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::Unauthenticated => td_string!(locale, errors.unauthenticated),
        ErrorCode::Forbidden => td_string!(locale, errors.forbidden),
        ErrorCode::NotFound => td_string!(locale, errors.not_found),
        ErrorCode::MethodNotAllowed => td_string!(locale, errors.method_not_allowed),
        ErrorCode::PayloadTooLarge => td_string!(locale, errors.payload_too_large),
        ErrorCode::CsrfFailed => td_string!(locale, errors.csrf_failed),
        ErrorCode::Timeout => td_string!(locale, errors.timeout),
        ErrorCode::InternalError => td_string!(locale, errors.internal_error),
        ErrorCode::NetworkError => td_string!(locale, errors.network_error),
        ErrorCode::InvalidCredentials => td_string!(locale, errors.invalid_credentials),
        ErrorCode::CredentialDisabled => td_string!(locale, errors.credential_disabled),
        ErrorCode::LocalAuthDisabled => td_string!(locale, errors.local_auth_disabled),
        ErrorCode::RateLimited => td_string!(locale, errors.rate_limited),
        ErrorCode::AuthProviderUnavailable => td_string!(locale, errors.auth_provider_unavailable),
        ErrorCode::InvalidState => td_string!(locale, errors.invalid_state),
        ErrorCode::ExpiredState => td_string!(locale, errors.expired_state),
        ErrorCode::InvalidNonce => td_string!(locale, errors.invalid_nonce),
        ErrorCode::MissingCodeOrState => td_string!(locale, errors.missing_code_or_state),
        ErrorCode::OauthError => td_string!(locale, errors.oauth_error),
        ErrorCode::UpstreamAuthFailure => td_string!(locale, errors.upstream_auth_failure),
        ErrorCode::UnverifiedAccount => td_string!(locale, errors.unverified_account),
        ErrorCode::ValidationError => td_string!(locale, errors.validation_error),
        ErrorCode::AsnNotAuthorized => td_string!(locale, errors.asn_not_authorized),
        ErrorCode::NetworkNotAuthorized => td_string!(locale, errors.network_not_authorized),
        ErrorCode::InvalidNetwork => td_string!(locale, errors.invalid_network),
        ErrorCode::DuplicateActiveRequest => td_string!(locale, errors.duplicate_active_request),
        ErrorCode::NodeInUse => td_string!(locale, errors.node_in_use),
        ErrorCode::RequesterNotEligible => td_string!(locale, errors.requester_not_eligible),
        ErrorCode::RequestNotFound => td_string!(locale, errors.request_not_found),
        ErrorCode::RejectReasonRequired => td_string!(locale, errors.reject_reason_required),
        ErrorCode::InvalidStatusTransition => td_string!(locale, errors.invalid_status_transition),
        ErrorCode::ReasonRequired => td_string!(locale, errors.reason_required),
        ErrorCode::ReplacementInProgress => td_string!(locale, errors.replacement_in_progress),
        ErrorCode::AffiliationNotLost => td_string!(locale, errors.affiliation_not_lost),
        ErrorCode::SecondFactorRequired => td_string!(locale, errors.second_factor_required),
        ErrorCode::InvalidSecondFactor => td_string!(locale, errors.invalid_second_factor),
        ErrorCode::LoginChallengeExpired => td_string!(locale, errors.login_challenge_expired),
        ErrorCode::SecondFactorEnrolmentRequired => {
            td_string!(locale, errors.second_factor_enrolment_required)
        }
        ErrorCode::LastAdmin => td_string!(locale, errors.last_admin),
        ErrorCode::UsernameTaken => td_string!(locale, errors.username_taken),
        ErrorCode::InvalidPasswordLink => td_string!(locale, errors.invalid_password_link),
    }
}

/// The sentence for an error a server function returned.
pub fn error_message(locale: Locale, error: &AppError) -> &'static str {
    code_message(locale, error.code())
}

/// What a member is told about a failed provisioning attempt.
pub fn failure_message(locale: Locale, code: FailureCode) -> &'static str {
    match code {
        FailureCode::ControllerUnavailable => td_string!(locale, failure.controller_unavailable),
        FailureCode::ControllerRejected => td_string!(locale, failure.controller_rejected),
        FailureCode::NodeIdMissing => td_string!(locale, failure.node_id_missing),
        FailureCode::NodeIdInvalid => td_string!(locale, failure.node_id_invalid),
        FailureCode::NodeInUse => td_string!(locale, failure.node_in_use),
        FailureCode::AddressUnavailable => td_string!(locale, failure.address_unavailable),
        FailureCode::RouteServerFailed => td_string!(locale, failure.route_server_failed),
        FailureCode::LeaseLost => td_string!(locale, failure.lease_lost),
        FailureCode::Internal => td_string!(locale, failure.internal_error),
    }
}

/// Why a requester may no longer have their request approved or retried.
pub fn ineligible_message(locale: Locale, why: Ineligible) -> &'static str {
    match why {
        Ineligible::AsnNotHeld => td_string!(locale, ineligible.asn_not_held),
        Ineligible::NetworkNotAllowed => td_string!(locale, ineligible.network_not_allowed),
        Ineligible::NetworkInactive => td_string!(locale, ineligible.network_inactive),
    }
}

/// Where someone's right to an ASN comes from.
pub fn asn_source_label(locale: Locale, source: AsnSource) -> &'static str {
    match source {
        AsnSource::Peeringdb => td_string!(locale, asn_source.peeringdb),
        AsnSource::Local => td_string!(locale, asn_source.local),
    }
}

/// The part of the portal that acted on its own.
pub fn system_actor_label(locale: Locale, actor: SystemActor) -> &'static str {
    match actor {
        SystemActor::Worker => td_string!(locale, system_actor.worker),
        SystemActor::PolicyAuto => td_string!(locale, system_actor.policy_auto),
        SystemActor::Web => td_string!(locale, system_actor.web),
        SystemActor::Startup => td_string!(locale, system_actor.startup),
        SystemActor::Cli => td_string!(locale, system_actor.cli),
        SystemActor::Migration => td_string!(locale, system_actor.migration),
        SystemActor::Reconciler => td_string!(locale, system_actor.reconciler),
    }
}

/// How an approval was decided.
pub fn decision_label(locale: Locale, source: DecisionSource) -> &'static str {
    match source {
        DecisionSource::ManualAdmin => td_string!(locale, decision.manual_admin),
        DecisionSource::PolicyAuto => td_string!(locale, decision.policy_auto),
    }
}

/// What an audit event says happened.
pub fn audit_action_label(locale: Locale, action: AuditAction) -> &'static str {
    match action {
        AuditAction::JoinRequestCreated => td_string!(locale, audit_action.join_request_created),
        AuditAction::JoinRequestApproved => td_string!(locale, audit_action.join_request_approved),
        AuditAction::JoinRequestRejected => td_string!(locale, audit_action.join_request_rejected),
        AuditAction::JoinRequestRetried => td_string!(locale, audit_action.join_request_retried),
        AuditAction::JoinRequestProvisioningStarted => td_string!(locale, audit_action.join_request_provisioning_started),
        AuditAction::JoinRequestActivated => td_string!(locale, audit_action.join_request_activated),
        AuditAction::JoinRequestFailed => td_string!(locale, audit_action.join_request_failed),
        AuditAction::JoinRequestLeaseRecovered => td_string!(locale, audit_action.join_request_lease_recovered),
        AuditAction::JoinRequestNodeConflictSettled => td_string!(locale, audit_action.join_request_node_conflict_settled),
        AuditAction::RouteServerApplied => td_string!(locale, audit_action.route_server_applied),
        AuditAction::RouteServerFailed => td_string!(locale, audit_action.route_server_failed),
        AuditAction::RouteServersSkipped => td_string!(locale, audit_action.route_servers_skipped),
        AuditAction::RoutePolicyOverridden => td_string!(locale, audit_action.route_policy_overridden),
        AuditAction::RoutePolicyChanged => td_string!(locale, audit_action.route_policy_changed),
        AuditAction::MemberListingChanged => td_string!(locale, audit_action.member_listing_changed),
        AuditAction::NotificationsChosen => td_string!(locale, audit_action.notifications_chosen),
        AuditAction::NotificationRetried => td_string!(locale, audit_action.notification_retried),
        AuditAction::WebhookCreated => td_string!(locale, audit_action.webhook_created),
        AuditAction::WebhookUpdated => td_string!(locale, audit_action.webhook_updated),
        AuditAction::WebhookDeleted => td_string!(locale, audit_action.webhook_deleted),
        AuditAction::WebhookTested => td_string!(locale, audit_action.webhook_tested),
        AuditAction::JoinRequestEstablished => td_string!(locale, audit_action.join_request_established),
        AuditAction::AuthLoginSucceeded => td_string!(locale, audit_action.auth_login_succeeded),
        AuditAction::AuthLoginFailed => td_string!(locale, audit_action.auth_login_failed),
        AuditAction::AuthLoginThrottled => td_string!(locale, audit_action.auth_login_throttled),
        AuditAction::AuthLogout => td_string!(locale, audit_action.auth_logout),
        AuditAction::ApiTokenCreated => td_string!(locale, audit_action.api_token_created),
        AuditAction::ApiTokenRevoked => td_string!(locale, audit_action.api_token_revoked),
        AuditAction::UserCreated => td_string!(locale, audit_action.user_created),
        AuditAction::UserUpdated => td_string!(locale, audit_action.user_updated),
        AuditAction::UserDisabled => td_string!(locale, audit_action.user_disabled),
        AuditAction::UserEnabled => td_string!(locale, audit_action.user_enabled),
        AuditAction::UserSessionsEnded => td_string!(locale, audit_action.user_sessions_ended),
        AuditAction::UserPasswordLinkIssued => {
            td_string!(locale, audit_action.user_password_link_issued)
        }
        AuditAction::UserPasswordSet => td_string!(locale, audit_action.user_password_set),
        AuditAction::AuthTotpEnabled => td_string!(locale, audit_action.auth_totp_enabled),
        AuditAction::AuthTotpDisabled => td_string!(locale, audit_action.auth_totp_disabled),
        AuditAction::AuthTotpReset => td_string!(locale, audit_action.auth_totp_reset),
        AuditAction::AuthRecoveryCodeUsed => {
            td_string!(locale, audit_action.auth_recovery_code_used)
        }
        AuditAction::AuthSecondFactorFailed => {
            td_string!(locale, audit_action.auth_second_factor_failed)
        }
        AuditAction::NetworkAdded => td_string!(locale, audit_action.network_added),
        AuditAction::NetworkUpdated => td_string!(locale, audit_action.network_updated),
        AuditAction::NetworkDeactivated => td_string!(locale, audit_action.network_deactivated),
        AuditAction::ControllerPreflight => td_string!(locale, audit_action.controller_preflight),
        AuditAction::ControllerReconciled => td_string!(locale, audit_action.controller_reconciled),
        AuditAction::ControllerTokenReloaded => td_string!(locale, audit_action.controller_token_reloaded),
        AuditAction::ControllerBackupCreated => td_string!(locale, audit_action.controller_backup_created),
        AuditAction::ControllerRestored => td_string!(locale, audit_action.controller_restored),
        AuditAction::JoinRequestWithdrawn => td_string!(locale, audit_action.join_request_withdrawn),
        AuditAction::JoinRequestOffboardingStarted => td_string!(locale, audit_action.join_request_offboarding_started),
        AuditAction::JoinRequestRemoved => td_string!(locale, audit_action.join_request_removed),
        AuditAction::JoinRequestSuspended => td_string!(locale, audit_action.join_request_suspended),
        AuditAction::JoinRequestResumed => td_string!(locale, audit_action.join_request_resumed),
        AuditAction::JoinRequestNodeReplaced => td_string!(locale, audit_action.join_request_node_replaced),
        AuditAction::JoinRequestConverged => td_string!(locale, audit_action.join_request_converged),
        AuditAction::JoinRequestConvergeFailed => td_string!(locale, audit_action.join_request_converge_failed),
        AuditAction::JoinRequestConvergeRetried => td_string!(locale, audit_action.join_request_converge_retried),
        AuditAction::JoinRequestAffiliationLost => td_string!(locale, audit_action.join_request_affiliation_lost),
        AuditAction::JoinRequestAffiliationDecided => td_string!(locale, audit_action.join_request_affiliation_decided),
        AuditAction::ReconcileDriftFound => td_string!(locale, audit_action.reconcile_drift_found),
        AuditAction::ReconcileStrayRemoved => td_string!(locale, audit_action.reconcile_stray_removed),
        AuditAction::RouteServerRemoved => td_string!(locale, audit_action.route_server_removed),
    }
}

/// What an admin decided about a lost affiliation.
pub fn affiliation_decision_label(locale: Locale, decision: AffiliationDecision) -> &'static str {
    match decision {
        AffiliationDecision::Keep => td_string!(locale, affiliation_decision.keep),
        AffiliationDecision::Suspend => td_string!(locale, affiliation_decision.suspend),
        AffiliationDecision::Offboard => td_string!(locale, affiliation_decision.offboard),
        AffiliationDecision::Restored => td_string!(locale, affiliation_decision.restored),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leptos_i18n::Locale as _;

    /// Every code has its own sentence in every locale.
    #[test]
    fn every_error_code_has_its_own_message_in_every_locale() {
        for locale in Locale::get_all() {
            let mut seen = std::collections::HashSet::new();
            for code in ErrorCode::ALL {
                assert!(seen.insert(code_message(*locale, *code)), "{locale}: {code} shares its message with another code");
            }
        }
    }

    #[test]
    fn statuses_and_actions_are_translated() {
        for status in RequestStatus::ALL {
            assert_ne!(status_label(Locale::he, *status), status_label(Locale::en_US, *status), "{status}");
            assert_ne!(status_label(Locale::zh_CN, *status), status_label(Locale::en_US, *status), "{status}");
        }
        for action in AuditAction::ALL {
            assert_ne!(audit_action_label(Locale::he, *action), audit_action_label(Locale::en_US, *action), "{action}");
            assert_ne!(audit_action_label(Locale::en_US, *action), action.as_str(), "{action} is shown as its code");
        }
    }
}

/// Why a route was filtered, from its reason slug (`rpki_invalid`, …); codes the portal
/// does not know are shown as their number.
pub fn filter_reason_label(locale: Locale, slug: &str) -> String {
    let known = match slug {
        "next_hop" => td_string!(locale, reason.next_hop),
        "first_as" => td_string!(locale, reason.first_as),
        "as_path_too_long" => td_string!(locale, reason.as_path_too_long),
        "bogon_asn" => td_string!(locale, reason.bogon_asn),
        "transit_free_asn" => td_string!(locale, reason.transit_free_asn),
        "prefix_length" => td_string!(locale, reason.prefix_length),
        "bogon_prefix" => td_string!(locale, reason.bogon_prefix),
        "default_route" => td_string!(locale, reason.default_route),
        "rpki_invalid" => td_string!(locale, reason.rpki_invalid),
        "not_in_irr" => td_string!(locale, reason.not_in_irr),
        "origin_not_in_irr" => td_string!(locale, reason.origin_not_in_irr),
        "too_many_communities" => td_string!(locale, reason.too_many_communities),
        "no_irr_objects" => td_string!(locale, reason.no_irr_objects),
        other => return format!("{} {}", td_string!(locale, reason.code), other.trim_start_matches("code_")),
    };
    known.to_owned()
}

/// What a difference between PeeringDB and the portal is, in plain words.
pub fn finding_label(locale: Locale, kind: contract::view::FindingKind) -> &'static str {
    use contract::view::FindingKind as K;
    match kind {
        K::Missing => td_string!(locale, peeringdb.missing),
        K::WrongAddress => td_string!(locale, peeringdb.wrong_address),
        K::NotOperational => td_string!(locale, peeringdb.not_operational),
        K::Operational => td_string!(locale, peeringdb.operational),
        K::RsPeer => td_string!(locale, peeringdb.rs_peer),
        K::NotAMember => td_string!(locale, peeringdb.not_a_member),
    }
}

/// A kind of notification, as people choose it.
pub fn notification_kind_label(locale: Locale, kind: contract::NotificationKind) -> &'static str {
    use contract::NotificationKind as K;
    match kind {
        K::RequestCreated => td_string!(locale, notify_kind.request_created),
        K::RequestApproved => td_string!(locale, notify_kind.request_approved),
        K::RequestRejected => td_string!(locale, notify_kind.request_rejected),
        K::RequestActive => td_string!(locale, notify_kind.request_active),
        K::RequestFailed => td_string!(locale, notify_kind.request_failed),
        K::RequestSuspended => td_string!(locale, notify_kind.request_suspended),
        K::RequestResumed => td_string!(locale, notify_kind.request_resumed),
        K::RequestRemoved => td_string!(locale, notify_kind.request_removed),
        K::AffiliationLost => td_string!(locale, notify_kind.affiliation_lost),
        K::SessionEstablished => td_string!(locale, notify_kind.session_established),
        K::NetixlanMismatch => td_string!(locale, notify_kind.netixlan_mismatch),
        K::WebhookTest => td_string!(locale, notify_kind.webhook_test),
    }
}

pub fn channel_label(locale: Locale, channel: contract::Channel) -> &'static str {
    match channel {
        contract::Channel::Email => td_string!(locale, webhooks.channel_email),
        contract::Channel::Webhook => td_string!(locale, webhooks.channel_webhook),
    }
}

pub fn delivery_status_label(locale: Locale, status: contract::DeliveryStatus) -> &'static str {
    match status {
        contract::DeliveryStatus::Pending => td_string!(locale, webhooks.status_pending),
        contract::DeliveryStatus::Delivered => td_string!(locale, webhooks.status_delivered),
        contract::DeliveryStatus::Dead => td_string!(locale, webhooks.status_dead),
    }
}

pub fn token_scope_label(locale: Locale, scope: contract::TokenScope) -> &'static str {
    match scope {
        contract::TokenScope::Read => td_string!(locale, account.scope_read),
        contract::TokenScope::ReadWrite => td_string!(locale, account.scope_read_write),
        contract::TokenScope::Admin => td_string!(locale, account.scope_admin),
    }
}
