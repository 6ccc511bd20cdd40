use leptos::prelude::*;

/// Plain words for a request status.
pub fn status_label(status: &str) -> &'static str {
    match status {
        "pending" => "Waiting for review",
        "approved" => "Approved",
        "provisioning" => "Setting up",
        "active" => "Active",
        "rejected" => "Rejected",
        "failed" => "Failed",
        _ => "Unknown",
    }
}

/// A request's status as a coloured badge.
#[component]
pub fn StatusBadge(status: String) -> impl IntoView {
    let label = status_label(&status);
    view! { <span class=format!("status status-{status}") data-status=status.clone()>{label}</span> }
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
