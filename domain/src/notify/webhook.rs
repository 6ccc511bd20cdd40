//! Webhooks, signed the Standard Webhooks way: `webhook-id` (the event id, the same on
//! every attempt), `webhook-timestamp` (Unix seconds) and `webhook-signature`
//! (`v1,` + base64 of HMAC-SHA256 over `id.timestamp.body`, keyed with the endpoint's
//! `whsec_` secret).
//!
//! Endpoints may not point into loopback, link-local or private networks unless
//! `[webhooks] allowed_networks` says so; the address is checked when the endpoint is
//! saved and again at each delivery, and the request goes to the address that was
//! checked (no second lookup, no redirects).

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use ipnet::IpNet;
use rand::RngCore;
use sha2::Sha256;
use url::Url;

use super::NotificationKind;
use super::outbox::Attempt;
use crate::entities::webhook_endpoint;

/// Longest a host name lookup may take.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// Longest URL accepted.
pub const MAX_URL_LEN: usize = 2000;

/// The kinds an endpoint subscribed to, in the order they are declared.
pub fn events_of(endpoint: &webhook_endpoint::Model) -> Vec<NotificationKind> {
    let names = serde_json::from_str::<Vec<String>>(&endpoint.events).unwrap_or_default();
    NotificationKind::ALL.iter().copied().filter(|k| names.iter().any(|n| n == k.as_str())).collect()
}

/// A new signing secret: `whsec_` and 32 random bytes in base64.
pub fn generate_secret() -> String {
    let mut key = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut key);
    format!("whsec_{}", STANDARD.encode(key))
}

/// The key inside a `whsec_` secret; `None` unless it decodes to 24 to 64 bytes.
pub fn secret_key(secret: &str) -> Option<Vec<u8>> {
    let key = STANDARD.decode(secret.strip_prefix("whsec_")?).ok()?;
    (24..=64).contains(&key.len()).then_some(key)
}

/// `v1,<base64 signature>` of `body` sent as message `id` at `timestamp`.
pub fn sign(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// Why an endpoint URL is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("not an http or https URL")]
    NotHttp,
    #[error("the URL may not carry a user name or password")]
    Credentials,
    #[error("the host cannot be resolved")]
    Unresolvable,
    #[error("{0} is a loopback, link-local or private address")]
    Private(IpAddr),
}

/// Which addresses webhook requests may go to.
#[derive(Debug, Clone, Default)]
pub struct Guard {
    pub allowed: Vec<IpNet>,
}

/// Loopback, unspecified, link-local, private, shared (CGNAT), multicast or broadcast.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.octets()[0] == 0
                || (v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64)
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_internal(IpAddr::V4(v4)),
            None => {
                let first = v6.segments()[0];
                v6.is_loopback() || v6.is_unspecified() || v6.is_multicast() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
            }
        },
    }
}

impl Guard {
    fn allows(&self, ip: IpAddr) -> Result<(), UrlError> {
        if is_internal(ip) && !self.allowed.iter().any(|net| net.contains(&ip)) {
            return Err(UrlError::Private(ip));
        }
        Ok(())
    }

    /// The URL's form: http(s), a host, no credentials.
    pub fn parse(&self, raw: &str) -> Result<Url, UrlError> {
        let url = Url::parse(raw.trim()).map_err(|_| UrlError::NotHttp)?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() || raw.len() > MAX_URL_LEN {
            return Err(UrlError::NotHttp);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(UrlError::Credentials);
        }
        Ok(url)
    }

    /// Resolves the URL's host and checks every address it has.
    pub async fn resolve(&self, url: &Url) -> Result<Vec<SocketAddr>, UrlError> {
        let port = url.port_or_known_default().ok_or(UrlError::NotHttp)?;
        let addrs: Vec<SocketAddr> = match url.host() {
            Some(url::Host::Ipv4(ip)) => vec![SocketAddr::new(ip.into(), port)],
            Some(url::Host::Ipv6(ip)) => vec![SocketAddr::new(ip.into(), port)],
            Some(url::Host::Domain(name)) => match tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((name, port))).await {
                Ok(Ok(addrs)) => addrs.collect(),
                _ => return Err(UrlError::Unresolvable),
            },
            None => return Err(UrlError::NotHttp),
        };
        if addrs.is_empty() {
            return Err(UrlError::Unresolvable);
        }
        for addr in &addrs {
            self.allows(addr.ip())?;
        }
        Ok(addrs)
    }

    /// Parses and resolves: what saving an endpoint checks.
    pub async fn check(&self, raw: &str) -> Result<Url, UrlError> {
        let url = self.parse(raw)?;
        self.resolve(&url).await?;
        Ok(url)
    }
}

/// What one webhook delivery sends.
pub struct Outgoing<'a> {
    pub url: &'a str,
    pub secret: &'a str,
    pub id: &'a str,
    pub body: &'a [u8],
}

/// POSTs one signed delivery; 2xx is success, anything else (redirects included) is
/// a failure with the status kept.
pub async fn deliver(guard: &Guard, outgoing: &Outgoing<'_>, timeout: Duration) -> Attempt {
    let started = Instant::now();
    let failed = |error: String, status: Option<u16>| Attempt { ok: false, error: Some(error), response_status: status, latency: started.elapsed() };
    let Some(key) = secret_key(outgoing.secret) else { return failed("the endpoint's secret is not a whsec_ secret".into(), None) };
    let url = match guard.parse(outgoing.url) {
        Ok(url) => url,
        Err(e) => return failed(e.to_string(), None),
    };
    let addrs = match guard.resolve(&url).await {
        Ok(addrs) => addrs,
        Err(e) => return failed(e.to_string(), None),
    };
    let mut client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).timeout(timeout).connect_timeout(timeout);
    if let Some(url::Host::Domain(name)) = url.host() {
        client = client.resolve_to_addrs(name, &addrs);
    }
    let client = match client.build() {
        Ok(c) => c,
        Err(e) => return failed(e.to_string(), None),
    };
    let timestamp = chrono::Utc::now().timestamp();
    let signature = sign(&key, outgoing.id, timestamp, outgoing.body);
    let response = client
        .post(url)
        .header("content-type", "application/json")
        .header("user-agent", concat!("zt-ix/", env!("CARGO_PKG_VERSION")))
        .header("webhook-id", outgoing.id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(outgoing.body.to_vec())
        .send()
        .await;
    match response {
        Ok(r) if r.status().is_success() => Attempt { ok: true, error: None, response_status: Some(r.status().as_u16()), latency: started.elapsed() },
        Ok(r) => failed(format!("the receiver answered {}", r.status()), Some(r.status().as_u16())),
        Err(e) if e.is_timeout() => failed(format!("no answer within {} s", timeout.as_secs()), None),
        Err(e) => failed(format!("cannot reach the receiver: {}", crate::error_chain(&e)), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Standard Webhooks specification's own example.
    #[test]
    fn signs_like_the_standard_webhooks_reference() {
        let key = secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let signature = sign(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, br#"{"test": 2432232314}"#);
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn secrets_are_whsec_with_enough_key() {
        let secret = generate_secret();
        assert_eq!(secret_key(&secret).unwrap().len(), 32);
        assert_ne!(secret, generate_secret());
        assert_eq!(secret_key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), None, "the prefix is required");
        assert_eq!(secret_key("whsec_c2hvcnQ="), None, "too short");
    }

    #[test]
    fn internal_addresses_are_refused_unless_allowed() {
        for ip in ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "224.0.0.1"] {
            assert!(is_internal(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["192.0.2.1", "8.8.8.8", "2001:db8::1", "100.128.0.1"] {
            assert!(!is_internal(ip.parse().unwrap()), "{ip}");
        }
        let guard = Guard { allowed: vec!["127.0.0.0/8".parse().unwrap()] };
        assert!(guard.allows("127.0.0.1".parse().unwrap()).is_ok());
        assert!(guard.allows("10.0.0.1".parse().unwrap()).is_err());
    }

    #[tokio::test]
    async fn urls_are_checked_for_form_and_address() {
        let guard = Guard::default();
        assert_eq!(guard.check("ftp://example.net/").await, Err(UrlError::NotHttp));
        assert_eq!(guard.check("https://u:p@example.net/").await, Err(UrlError::Credentials));
        assert_eq!(guard.check("http://127.0.0.1:9/hook").await, Err(UrlError::Private("127.0.0.1".parse().unwrap())));
        assert_eq!(guard.check("http://[::1]/hook").await, Err(UrlError::Private("::1".parse().unwrap())));
        assert_eq!(guard.check("http://localhost:9/hook").await.map(|_| ()).unwrap_err().to_string().contains("loopback"), true);
        assert!(guard.check("https://192.0.2.10/hook").await.is_ok());
    }
}
