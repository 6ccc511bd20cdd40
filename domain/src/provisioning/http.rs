//! The HTTP behaviour both adapters share: authentication header, timeouts, bounded
//! retries of transient failures (honouring `Retry-After` on 429), and classification
//! of every failure.

use std::sync::RwLock;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use super::{ProviderError, ProviderErrorKind, ProviderSettings};

/// Longest wait a `Retry-After` may ask for before the call gives up instead.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy)]
pub(super) enum AuthStyle {
    /// `X-ZT1-Auth: <token>` (ZeroTier One service API).
    ZeroTierOne,
    /// `Authorization: token <token>` (ZeroTier Central).
    Central,
}

#[derive(Debug)]
pub(super) struct Http {
    client: reqwest::Client,
    base: String,
    token: RwLock<SecretString>,
    auth: AuthStyle,
    retries: u32,
    backoff: Duration,
}

/// Seconds from `Retry-After` (a number or an HTTP date) or `X-Ratelimit-Reset` (a date).
pub(crate) fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(value) = header("retry-after") {
        if let Ok(seconds) = value.parse::<u64>() {
            return Some(Duration::from_secs(seconds));
        }
        return until(value);
    }
    header("x-ratelimit-reset").and_then(until)
}

fn until(http_date: &str) -> Option<Duration> {
    let normalised = http_date.replace(" UTC", " GMT");
    let at = chrono::DateTime::parse_from_rfc2822(&normalised).ok()?;
    (at.with_timezone(&chrono::Utc) - chrono::Utc::now()).to_std().ok().or(Some(Duration::ZERO))
}

impl Http {
    pub fn new(settings: &ProviderSettings, auth: AuthStyle, what: &str) -> Result<Self, ProviderError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(settings.timeout.min(Duration::from_secs(5)))
            .timeout(settings.timeout)
            .user_agent(concat!("zt-ix/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ProviderError::new(ProviderErrorKind::Configuration, format!("preparing the {what} client"), settings.base_url.as_str(), e.to_string()))?;
        Ok(Self {
            client,
            base: settings.base_url.as_str().trim_end_matches('/').to_owned(),
            token: RwLock::new(settings.token.clone()),
            auth,
            retries: settings.transient_retries,
            backoff: settings.backoff,
        })
    }

    fn service(&self) -> &'static str {
        match self.auth {
            AuthStyle::ZeroTierOne => "zerotier_controller",
            AuthStyle::Central => "zerotier_central",
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/{}", self.base, path.trim_start_matches('/'))
    }

    pub fn set_token(&self, token: SecretString) {
        *self.token.write().unwrap_or_else(|e| e.into_inner()) = token;
    }

    /// Sends one call, retrying transient failures; returns the status and JSON body.
    pub async fn send(&self, operation: &str, method: Method, path: &str, body: Option<&Value>) -> Result<(StatusCode, Value), ProviderError> {
        let url = self.url(path);
        let mut attempt = 0;
        loop {
            match self.send_once(operation, method.clone(), &url, body).await {
                Ok(answer) => return Ok(answer),
                Err((error, wait)) if error.is_transient() && attempt < self.retries => {
                    let backoff = self.backoff * 2u32.saturating_pow(attempt);
                    let wait = wait.unwrap_or(backoff);
                    if wait > MAX_RETRY_AFTER {
                        return Err(error);
                    }
                    tracing::debug!(%error, ?wait, attempt, "retrying a transient ZeroTier API failure");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                Err((error, _)) => return Err(error),
            }
        }
    }

    async fn send_once(
        &self,
        operation: &str,
        method: Method,
        url: &str,
        body: Option<&Value>,
    ) -> Result<(StatusCode, Value), (ProviderError, Option<Duration>)> {
        let fail = |kind, detail: String| ProviderError::new(kind, operation, url, detail);
        let token = self.token.read().unwrap_or_else(|e| e.into_inner()).clone();
        let token = token.expose_secret();
        if token.is_empty() {
            return Err((fail(ProviderErrorKind::Configuration, "no API token is configured".into()), None));
        }
        let mut request = self.client.request(method, url);
        request = match self.auth {
            AuthStyle::ZeroTierOne => request.header("X-ZT1-Auth", token),
            AuthStyle::Central => request.header(reqwest::header::AUTHORIZATION, format!("token {token}")),
        };
        if let Some(request_id) = crate::correlation::current() {
            request = request.header(crate::correlation::HEADER, request_id);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|e| {
            let detail = if e.is_timeout() {
                "no answer within the timeout".to_owned()
            } else if e.is_connect() {
                "connection refused or unreachable".to_owned()
            } else {
                e.to_string()
            };
            (fail(ProviderErrorKind::Transient, detail), None)
        })?;
        let status = response.status();
        crate::correlation::record_upstream(self.service(), operation, status.as_u16(), response.headers());
        if status.is_success() {
            let bytes = response
                .bytes()
                .await
                .map_err(|e| (fail(ProviderErrorKind::Transient, format!("the answer was cut off: {e}")), None))?;
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok((status, Value::Null));
            }
            return serde_json::from_slice(&bytes)
                .map(|v| (status, v))
                .map_err(|e| (fail(ProviderErrorKind::InvalidResponse, format!("the answer is not JSON: {e}")), None));
        }
        let wait = retry_after(&response);
        let code = status.as_u16();
        let (kind, detail) = match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => (ProviderErrorKind::Auth, "the API token was refused"),
            StatusCode::NOT_FOUND => (ProviderErrorKind::NotFound, "not found"),
            StatusCode::TOO_MANY_REQUESTS => (ProviderErrorKind::Transient, "rate limited"),
            s if s.is_server_error() => (ProviderErrorKind::Transient, "the server failed"),
            _ => (ProviderErrorKind::InvalidResponse, "the request was refused"),
        };
        Err((fail(kind, detail.to_owned()).with_status(code), wait))
    }
}
