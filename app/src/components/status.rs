use contract::RequestStatus;
use leptos::prelude::*;

use crate::i18n::use_i18n;
use crate::text::status_label;

/// A request's status as a coloured badge, in the reader's language. It follows `status`
/// when that changes (a page that polls keeps its badge).
#[component]
pub fn StatusBadge(#[prop(into)] status: Signal<RequestStatus>) -> impl IntoView {
    let i18n = use_i18n();
    let class = move || format!("status status-{}", status.get());
    view! { <span class=class data-status=move || status.get().as_str()>{move || status_label(i18n.get_locale(), status.get())}</span> }
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
