use leptos::prelude::*;

use crate::i18n::use_i18n;
use crate::text::status_label;

/// A request's status as a coloured badge, in the reader's language.
#[component]
pub fn StatusBadge(status: String) -> impl IntoView {
    let i18n = use_i18n();
    let class = format!("status status-{status}");
    let label = {
        let status = status.clone();
        move || status_label(i18n.get_locale(), &status)
    };
    view! { <span class=class data-status=status>{label}</span> }
}

/// `2026-11-28T07:30:12.123456Z` → `2026-11-28 07:30 UTC`.
pub fn short_time(rfc3339: &str) -> String {
    match rfc3339.get(..16) {
        Some(head) => format!("{} UTC", head.replacen('T', " ", 1)),
        None => rfc3339.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shortened_to_the_minute() {
        assert_eq!(short_time("2026-11-28T07:30:12.123456Z"), "2026-11-28 07:30 UTC");
        assert_eq!(short_time("bad"), "bad");
    }
}
