use std::fmt;

/// What went wrong, in the categories an operator acts on differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderErrorKind {
    /// The token was refused.
    Auth,
    /// The network (or member) does not exist there.
    NotFound,
    /// Timeouts, refused connections, 5xx, 429: worth retrying.
    Transient,
    /// An answer that does not make sense.
    InvalidResponse,
    /// Our own configuration is incomplete (no token, bad URL).
    Configuration,
}

/// A failed provider call, phrased so that `last_error` says what failed, where, and
/// what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderError {
    pub kind: ProviderErrorKind,
    /// What was being done, e.g. "authorizing node aabbccddee on network 1122334455000001".
    pub operation: String,
    /// Where: the endpoint called.
    pub target: String,
    /// What the other side said.
    pub detail: String,
    pub status: Option<u16>,
}

impl ProviderError {
    pub fn new(kind: ProviderErrorKind, operation: impl Into<String>, target: impl Into<String>, detail: impl Into<String>) -> Self {
        Self { kind, operation: operation.into(), target: target.into(), detail: detail.into(), status: None }
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub fn is_transient(&self) -> bool {
        self.kind == ProviderErrorKind::Transient
    }

    /// What the operator should do about it.
    pub fn advice(&self) -> &'static str {
        match self.kind {
            ProviderErrorKind::Auth => {
                "Check the API token (ZT_CONTROLLER_AUTH_TOKEN or its file, or ZT_CENTRAL_API_TOKEN; \
                 `zt-ix controller token-reload` after changing it), then retry the request."
            }
            ProviderErrorKind::NotFound => {
                "The network is missing on the controller: run `zt-ix controller reconcile`, then retry the request."
            }
            ProviderErrorKind::Transient => {
                "The controller did not answer in time or is overloaded: check that it runs and is reachable, then retry the request."
            }
            ProviderErrorKind::InvalidResponse => {
                "The controller answered something unexpected: check its version and logs, then retry the request."
            }
            ProviderErrorKind::Configuration => "Fix the portal's ZeroTier configuration, restart it, then retry the request.",
        }
    }
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed at {}: {}", self.operation, self.target, self.detail)?;
        if let Some(status) = self.status {
            write!(f, " (HTTP {status})")?;
        }
        write!(f, ". {}", self.advice())
    }
}

impl std::error::Error for ProviderError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_says_what_where_and_what_to_do() {
        let e = ProviderError::new(
            ProviderErrorKind::Auth,
            "authorizing node aabbccddee on network 1122334455000001",
            "http://127.0.0.1:9993/controller/network/1122334455000001/member/aabbccddee",
            "the token was refused",
        )
        .with_status(401);
        let text = e.to_string();
        assert!(text.starts_with("authorizing node aabbccddee on network 1122334455000001 failed at http://127.0.0.1:9993/"), "{text}");
        assert!(text.contains("(HTTP 401)"));
        assert!(text.contains("token-reload"));
    }
}
