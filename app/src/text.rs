//! Localized words for values that come from the server: request statuses and the public
//! error codes of the API. Everything else is written with `t!` where it is shown.

use crate::error::AppError;
use crate::i18n::{td_string, use_i18n, Locale};

/// A piece of interface text that follows the reader's language, for a view or an
/// attribute. Every key shares this one closure type, so the browser bundle carries the
/// code that renders and updates text once instead of once per key.
pub fn tr(text: fn(Locale) -> &'static str) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || text(i18n.get_locale())
}

/// `tr!(login.title)`: the reactive text of a catalog key (see [`tr`]).
macro_rules! tr {
    ($($key:ident).+) => {
        $crate::text::tr(|locale| $crate::i18n::td_string!(locale, $($key).+))
    };
}

/// Plain words for a request status.
pub fn status_label(locale: Locale, status: &str) -> &'static str {
    match status {
        "pending" => td_string!(locale, status.pending),
        "approved" => td_string!(locale, status.approved),
        "provisioning" => td_string!(locale, status.provisioning),
        "active" => td_string!(locale, status.active),
        "rejected" => td_string!(locale, status.rejected),
        "failed" => td_string!(locale, status.failed),
        _ => td_string!(locale, status.unknown),
    }
}

/// A friendly sentence for a public error code (SPEC §5) or an interface error.
pub fn code_message(locale: Locale, code: &str) -> &'static str {
    match code {
        "unauthenticated" => td_string!(locale, errors.unauthenticated),
        "forbidden" => td_string!(locale, errors.forbidden),
        "not_found" => td_string!(locale, errors.not_found),
        "internal_error" => td_string!(locale, errors.internal_error),
        "network_error" => td_string!(locale, errors.network_error),
        "invalid_credentials" => td_string!(locale, errors.invalid_credentials),
        "credential_disabled" => td_string!(locale, errors.credential_disabled),
        "local_auth_disabled" => td_string!(locale, errors.local_auth_disabled),
        "rate_limited" => td_string!(locale, errors.rate_limited),
        "auth_provider_unavailable" => td_string!(locale, errors.auth_provider_unavailable),
        "invalid_state" => td_string!(locale, errors.invalid_state),
        "expired_state" => td_string!(locale, errors.expired_state),
        "invalid_nonce" => td_string!(locale, errors.invalid_nonce),
        "missing_code_or_state" => td_string!(locale, errors.missing_code_or_state),
        "oauth_error" => td_string!(locale, errors.oauth_error),
        "upstream_auth_failure" => td_string!(locale, errors.upstream_auth_failure),
        "unverified_account" => td_string!(locale, errors.unverified_account),
        "validation_error" => td_string!(locale, errors.validation_error),
        "asn_not_authorized" => td_string!(locale, errors.asn_not_authorized),
        "network_not_authorized" => td_string!(locale, errors.network_not_authorized),
        "invalid_network" => td_string!(locale, errors.invalid_network),
        "duplicate_active_request" => td_string!(locale, errors.duplicate_active_request),
        "request_not_found" => td_string!(locale, errors.request_not_found),
        "reject_reason_required" => td_string!(locale, errors.reject_reason_required),
        "invalid_status_transition" => td_string!(locale, errors.invalid_status_transition),
        "node_in_use" => td_string!(locale, errors.node_in_use),
        "requester_not_eligible" => td_string!(locale, errors.requester_not_eligible),
        _ => td_string!(locale, errors.refused),
    }
}

/// What a member is told about a failed provisioning attempt (`last_error_code`).
pub fn failure_message(locale: Locale, code: &str) -> &'static str {
    match code {
        "controller_unavailable" => td_string!(locale, failure.controller_unavailable),
        "controller_rejected" => td_string!(locale, failure.controller_rejected),
        "node_id_missing" => td_string!(locale, failure.node_id_missing),
        "node_id_invalid" => td_string!(locale, failure.node_id_invalid),
        "node_in_use" => td_string!(locale, failure.node_in_use),
        "address_unavailable" => td_string!(locale, failure.address_unavailable),
        "route_server_failed" => td_string!(locale, failure.route_server_failed),
        "lease_lost" => td_string!(locale, failure.lease_lost),
        _ => td_string!(locale, failure.internal_error),
    }
}

/// The sentence for an error a server function returned.
pub fn error_message(locale: Locale, error: &AppError) -> &'static str {
    code_message(locale, error.code())
}

#[cfg(test)]
mod tests {
    use super::*;
    use leptos_i18n::Locale as _;

    /// Every code the API documents has its own sentence in every locale, so no person
    /// ever sees the generic fallback for a known refusal.
    #[test]
    fn every_public_error_code_has_a_message_in_every_locale() {
        let codes = [
            "unauthenticated", "forbidden", "not_found", "internal_error", "network_error",
            "invalid_credentials", "credential_disabled", "local_auth_disabled", "rate_limited",
            "auth_provider_unavailable", "invalid_state", "expired_state", "invalid_nonce",
            "missing_code_or_state", "oauth_error", "upstream_auth_failure", "unverified_account",
            "validation_error", "asn_not_authorized", "network_not_authorized", "invalid_network",
            "duplicate_active_request", "request_not_found", "reject_reason_required",
            "invalid_status_transition", "node_in_use", "requester_not_eligible",
        ];
        for locale in Locale::get_all() {
            let fallback = code_message(*locale, "something_else");
            let mut seen = std::collections::HashSet::new();
            for code in codes {
                let message = code_message(*locale, code);
                assert_ne!(message, fallback, "{locale}: {code} falls back to the generic message");
                assert!(seen.insert(message), "{locale}: {code} shares its message with another code");
            }
        }
    }

    #[test]
    fn statuses_are_translated() {
        for status in ["pending", "approved", "provisioning", "active", "rejected", "failed"] {
            assert_ne!(status_label(Locale::he, status), status_label(Locale::en_US, status), "{status}");
            assert_ne!(status_label(Locale::zh_CN, status), status_label(Locale::en_US, status), "{status}");
        }
    }
}

#[cfg(test)]
mod catalogs {
    use std::collections::BTreeMap;

    /// Every key of a catalog with the `{{ variables }}` its sentence uses.
    fn entries(locale: &str) -> BTreeMap<String, Vec<String>> {
        let path = format!("{}/locales/{locale}.json", env!("CARGO_MANIFEST_DIR"));
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut out = BTreeMap::new();
        walk("", &json, &mut out);
        out
    }

    fn walk(prefix: &str, value: &serde_json::Value, out: &mut BTreeMap<String, Vec<String>>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, inner) in map {
                    walk(&format!("{prefix}{key}."), inner, out);
                }
            }
            serde_json::Value::String(text) => {
                assert!(!text.trim().is_empty(), "{prefix} is empty");
                let mut vars: Vec<String> =
                    text.split("{{").skip(1).filter_map(|s| s.split_once("}}")).map(|(v, _)| v.trim().to_owned()).collect();
                vars.sort();
                out.insert(prefix.trim_end_matches('.').to_owned(), vars);
            }
            other => panic!("{prefix}: unexpected {other}"),
        }
    }

    /// A missing key would silently show English; a renamed variable would show a hole.
    #[test]
    fn every_locale_has_every_key_with_the_same_variables() {
        let english = entries("en-US");
        for locale in ["zh-CN", "he"] {
            assert_eq!(entries(locale), english, "{locale} differs from en-US");
        }
    }
}
