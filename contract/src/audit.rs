//! What the audit trail records: each action's one spelling, and the parts of the portal
//! that act on their own.

use crate::spelled;

spelled! {
    /// One kind of audit event.
    pub enum AuditAction {
        JoinRequestCreated => "join_request.created",
        JoinRequestApproved => "join_request.approved",
        JoinRequestRejected => "join_request.rejected",
        JoinRequestRetried => "join_request.retried",
        JoinRequestProvisioningStarted => "join_request.provisioning_started",
        JoinRequestActivated => "join_request.activated",
        JoinRequestFailed => "join_request.failed",
        JoinRequestLeaseRecovered => "join_request.lease_recovered",
        JoinRequestWithdrawn => "join_request.withdrawn",
        JoinRequestOffboardingStarted => "join_request.offboarding_started",
        JoinRequestRemoved => "join_request.removed",
        JoinRequestSuspended => "join_request.suspended",
        JoinRequestResumed => "join_request.resumed",
        JoinRequestNodeReplaced => "join_request.node_replaced",
        /// The controller and route servers now match what the request asks for.
        JoinRequestConverged => "join_request.converged",
        /// A convergence attempt failed; it is retried with backoff.
        JoinRequestConvergeFailed => "join_request.converge_failed",
        /// An admin asked for the next convergence attempt now.
        JoinRequestConvergeRetried => "join_request.converge_retried",
        /// The requester no longer holds the request's ASN.
        JoinRequestAffiliationLost => "join_request.affiliation_lost",
        /// An admin decided what to do about a lost affiliation.
        JoinRequestAffiliationDecided => "join_request.affiliation_decided",
        /// Every route server had an established BGP session with the member for the
        /// first time.
        JoinRequestEstablished => "join_request.established",
        /// The periodic pass found the controller or a route server differing from the
        /// database, and repaired it.
        ReconcileDriftFound => "reconcile.drift_found",
        ReconcileStrayRemoved => "reconcile.stray_removed",
        /// Written by the upgrade that made a node belong to one member.
        JoinRequestNodeConflictSettled => "join_request.node_conflict_settled",
        RouteServerApplied => "route_server.applied",
        RouteServerFailed => "route_server.failed",
        RouteServerRemoved => "route_server.removed",
        RouteServersSkipped => "route_servers.skipped",
        /// An admin set (or cleared) a request's max-prefix limits or AS-SET.
        RoutePolicyOverridden => "route_policy.overridden",
        /// PeeringDB's record or the IRR expansion of a member changed what its peer
        /// file says; the file is pushed again.
        RoutePolicyChanged => "route_policy.changed",
        /// A member chose whether its details are listed publicly.
        MemberListingChanged => "member.listing_changed",
        /// A person chose which notifications they get by e-mail.
        NotificationsChosen => "notifications.chosen",
        /// An admin sent a dead letter again.
        NotificationRetried => "notification.retried",
        WebhookCreated => "webhook.created",
        /// An admin turned an endpoint on or off, or changed its events.
        WebhookUpdated => "webhook.updated",
        WebhookDeleted => "webhook.deleted",
        /// An admin asked for a test delivery to an endpoint.
        WebhookTested => "webhook.tested",
        AuthLoginSucceeded => "auth.login_succeeded",
        AuthLoginFailed => "auth.login_failed",
        AuthLoginThrottled => "auth.login_throttled",
        AuthLogout => "auth.logout",
        ApiTokenCreated => "api_token.created",
        ApiTokenRevoked => "api_token.revoked",
        UserCreated => "user.created",
        UserUpdated => "user.updated",
        UserDisabled => "user.disabled",
        UserEnabled => "user.enabled",
        /// An admin ended every session of a user.
        UserSessionsEnded => "user.sessions_ended",
        /// An admin issued a set-password link for a local account.
        UserPasswordLinkIssued => "user.password_link_issued",
        /// A person set their password with a set-password link.
        UserPasswordSet => "user.password_set",
        /// A person turned on two-factor login (TOTP).
        AuthTotpEnabled => "auth.totp_enabled",
        /// A person turned off their two-factor login.
        AuthTotpDisabled => "auth.totp_disabled",
        /// An admin turned off a user's two-factor login (a lost authenticator).
        AuthTotpReset => "auth.totp_reset",
        /// A recovery code stood in for a TOTP code.
        AuthRecoveryCodeUsed => "auth.recovery_code_used",
        /// A wrong or reused code at the second step of a login.
        AuthSecondFactorFailed => "auth.second_factor_failed",
        NetworkAdded => "network.added",
        NetworkUpdated => "network.updated",
        NetworkDeactivated => "network.deactivated",
        ControllerPreflight => "controller.preflight",
        ControllerReconciled => "controller.reconciled",
        ControllerTokenReloaded => "controller.token_reloaded",
        ControllerBackupCreated => "controller.backup_created",
        ControllerRestored => "controller.restored",
    }
}

spelled! {
    /// The parts of the portal that act on their own (audit events without a person).
    pub enum SystemActor {
        /// The provisioning worker.
        Worker => "worker",
        /// Automatic approval by policy.
        PolicyAuto => "policy_auto",
        /// The web tier acting for a visitor who is not logged in (failed logins).
        Web => "web",
        Startup => "startup",
        /// The operator CLI.
        Cli => "cli",
        /// An upgrade of the database.
        Migration => "migration",
        /// The pass that repairs drift on the controller and the route servers.
        Reconciler => "reconciler",
    }
}

spelled! {
    /// Who decided to approve a request.
    pub enum DecisionSource {
        ManualAdmin => "manual_admin",
        PolicyAuto => "policy_auto",
    }
}
