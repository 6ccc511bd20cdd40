use std::net::SocketAddr;

use secrecy::SecretString;
use url::Url;

use super::{AppEnv, EnvSource};

/// Where the portal listens and how browsers reach it.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub listen: SocketAddr,
    /// Scheme, host and port as browsers see them, without a trailing slash.
    /// `Origin` headers are compared against it; redirect URIs are built from it.
    pub public_origin: String,
    pub public_base_url: Url,
    /// Built site assets (`LEPTOS_SITE_ROOT`); `None` = find `target/site`.
    pub site_root: Option<String>,
    /// `PUBLIC_BASE_URL` was not set: it follows the address actually listened on.
    pub public_base_url_derived: bool,
    /// `METRICS_TOKEN`: the bearer token `/metrics` asks for. Unset: open in
    /// development, closed in production.
    pub metrics_token: Option<SecretString>,
    /// `Strict-Transport-Security` on every answer (production).
    pub hsts: bool,
    /// `TRUSTED_PROXIES`: only connections from these networks may name the client in
    /// `X-Forwarded-For` or `Forwarded`. Empty: the peer address is the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl HttpConfig {
    pub(super) fn read(env: &mut EnvSource, app_env: AppEnv) -> Self {
        let listen = env.parse_or("LEPTOS_SITE_ADDR", SocketAddr::from(([127, 0, 0, 1], 3000)));
        let default_base = format!("http://{listen}");
        let raw = env.string_or("PUBLIC_BASE_URL", &default_base);
        let public_base_url = match Url::parse(&raw) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
                if url.query().is_some() || url.fragment().is_some() || url.path() != "/" {
                    env.issue("PUBLIC_BASE_URL", format!("'{raw}' must be an origin such as https://ix.example.net, without a path"));
                }
                if app_env.is_production() && url.scheme() != "https" {
                    env.issue("PUBLIC_BASE_URL", "must use https in production (session cookies are Secure)");
                }
                url
            }
            _ => {
                env.issue("PUBLIC_BASE_URL", format!("'{raw}' is not an absolute http(s) URL"));
                Url::parse(&default_base).unwrap_or_else(|_| Url::parse("http://127.0.0.1:3000").expect("static URL"))
            }
        };
        if let Some(token) = env.get("METRICS_TOKEN") {
            if token.len() < 16 {
                env.issue("METRICS_TOKEN", "must be at least 16 characters");
            }
        }
        let mut trusted_proxies = Vec::new();
        for entry in env.get("TRUSTED_PROXIES").unwrap_or_default().split(',').map(str::trim).filter(|e| !e.is_empty()) {
            match entry.parse::<ipnet::IpNet>().or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from)) {
                Ok(net) => trusted_proxies.push(net.trunc()),
                Err(_) => env.issue("TRUSTED_PROXIES", format!("'{entry}' is not an IP address or CIDR network (e.g. 10.0.0.0/8)")),
            }
        }
        Self {
            listen,
            public_origin: public_base_url.origin().ascii_serialization(),
            public_base_url,
            site_root: env.get("LEPTOS_SITE_ROOT"),
            public_base_url_derived: !env.is_set("PUBLIC_BASE_URL"),
            metrics_token: env.secret("METRICS_TOKEN"),
            hsts: app_env.is_production(),
            trusted_proxies,
        }
    }

    /// Once the listener is bound (port 0 picks one): a derived public URL names it.
    pub fn bound_to(&mut self, address: SocketAddr) {
        self.listen = address;
        if self.public_base_url_derived {
            if let Ok(url) = Url::parse(&format!("http://{address}")) {
                self.public_origin = url.origin().ascii_serialization();
                self.public_base_url = url;
            }
        }
    }
}
