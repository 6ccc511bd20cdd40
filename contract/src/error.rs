//! The public error codes of the JSON API and the server functions (SPEC §5), each with
//! the one HTTP status it is answered with.

use crate::spelled;

spelled! {
    /// A refusal or failure a client can act on. Both the JSON API's envelope and the
    /// server functions carry it; `status()` is the only place a code meets its status.
    pub enum ErrorCode {
        ValidationError => "validation_error",
        Unauthenticated => "unauthenticated",
        Forbidden => "forbidden",
        NotFound => "not_found",
        MethodNotAllowed => "method_not_allowed",
        PayloadTooLarge => "payload_too_large",
        CsrfFailed => "csrf_failed",
        Timeout => "timeout",
        InternalError => "internal_error",
        // Sign-in
        InvalidCredentials => "invalid_credentials",
        CredentialDisabled => "credential_disabled",
        LocalAuthDisabled => "local_auth_disabled",
        RateLimited => "rate_limited",
        AuthProviderUnavailable => "auth_provider_unavailable",
        InvalidState => "invalid_state",
        ExpiredState => "expired_state",
        InvalidNonce => "invalid_nonce",
        MissingCodeOrState => "missing_code_or_state",
        OauthError => "oauth_error",
        UpstreamAuthFailure => "upstream_auth_failure",
        UnverifiedAccount => "unverified_account",
        // Join requests
        AsnNotAuthorized => "asn_not_authorized",
        NetworkNotAuthorized => "network_not_authorized",
        InvalidNetwork => "invalid_network",
        DuplicateActiveRequest => "duplicate_active_request",
        NodeInUse => "node_in_use",
        RequesterNotEligible => "requester_not_eligible",
        RequestNotFound => "request_not_found",
        RejectReasonRequired => "reject_reason_required",
        /// Suspending or removing a member needs a reason (`details.field = "reason"`).
        ReasonRequired => "reason_required",
        /// The request's previous node is still being taken off the controller.
        ReplacementInProgress => "replacement_in_progress",
        /// "Keep" was asked for a request whose requester did not lose its ASN.
        AffiliationNotLost => "affiliation_not_lost",
        InvalidStatusTransition => "invalid_status_transition",
        // Two-factor login and accounts
        SecondFactorRequired => "second_factor_required",
        InvalidSecondFactor => "invalid_second_factor",
        LoginChallengeExpired => "login_challenge_expired",
        SecondFactorEnrolmentRequired => "second_factor_enrolment_required",
        LastAdmin => "last_admin",
        UsernameTaken => "username_taken",
        InvalidPasswordLink => "invalid_password_link",
        /// The browser could not reach the portal, or not read its answer (pages only).
        NetworkError => "network_error",
    }
}

impl ErrorCode {
    /// The HTTP status this code is answered with.
    pub const fn status(self) -> u16 {
        match self {
            Self::ValidationError
            | Self::RejectReasonRequired
            | Self::ReasonRequired
            | Self::InvalidState
            | Self::ExpiredState
            | Self::InvalidNonce
            | Self::MissingCodeOrState
            | Self::OauthError
            | Self::UpstreamAuthFailure
            | Self::InvalidPasswordLink => 400,
            Self::Unauthenticated
            | Self::InvalidCredentials
            | Self::SecondFactorRequired
            | Self::InvalidSecondFactor
            | Self::LoginChallengeExpired => 401,
            Self::Forbidden
            | Self::CsrfFailed
            | Self::CredentialDisabled
            | Self::LocalAuthDisabled
            | Self::UnverifiedAccount
            | Self::AsnNotAuthorized
            | Self::NetworkNotAuthorized
            | Self::SecondFactorEnrolmentRequired => 403,
            Self::NotFound | Self::InvalidNetwork | Self::RequestNotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::DuplicateActiveRequest
            | Self::NodeInUse
            | Self::RequesterNotEligible
            | Self::InvalidStatusTransition
            | Self::ReplacementInProgress
            | Self::AffiliationNotLost
            | Self::LastAdmin
            | Self::UsernameTaken => 409,
            Self::PayloadTooLarge => 413,
            Self::RateLimited => 429,
            Self::InternalError | Self::NetworkError => 500,
            Self::AuthProviderUnavailable | Self::Timeout => 503,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn every_code_has_a_client_or_server_error_status_and_one_spelling() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!((400..600).contains(&code.status()), "{code}");
            assert!(seen.insert(code.as_str()), "{code} is spelled twice");
            assert_eq!(ErrorCode::parse(code.as_str()), Some(*code));
        }
    }
}
