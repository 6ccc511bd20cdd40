//! Small building blocks shared by pages.

mod audit;
mod confirm;
mod notice;
mod poll;
mod status;

pub use audit::AuditRow;
pub use confirm::Confirm;
pub use notice::ErrorNotice;
pub use poll::Live;
pub use status::{short_time, StatusBadge};

/// Percent-encodes a query value (RFC 3986 unreserved characters stay as they are).
pub fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(super::urlencode("/admin/requests?status=a b&x=é"), "%2Fadmin%2Frequests%3Fstatus%3Da%20b%26x%3D%C3%A9");
        assert_eq!(super::urlencode("AZaz09-_.~"), "AZaz09-_.~");
    }
}
