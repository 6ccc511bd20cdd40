//! Who the client is, decided once per request: the peer address of the connection, or,
//! when that peer is a trusted proxy (`TRUSTED_PROXIES`), the right-most address in
//! `X-Forwarded-For` (else `Forwarded`) that is not itself a trusted proxy. Headers from
//! any other peer are ignored, so nobody can pick their own address by sending them.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use domain::identity::ClientAddr;
use forwarded_header_value::ForwardedHeaderValue;
use http::HeaderMap;
use ipnet::IpNet;

/// The networks whose connections may name the client.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Arc<Vec<IpNet>>);

impl TrustedProxies {
    pub fn new(networks: Vec<IpNet>) -> Self {
        Self(Arc::new(networks))
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }
}

/// IPv4 peers on a dual-stack socket arrive as `::ffff:a.b.c.d`.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// All lines of one header, joined as one list.
fn joined(headers: &HeaderMap, name: &str) -> Option<String> {
    let values: Vec<&str> = headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// The hops a proxy reported, the client first and the proxy's own peer last.
fn reported_hops(headers: &HeaderMap) -> Option<Vec<Option<IpAddr>>> {
    let parsed = match joined(headers, "x-forwarded-for") {
        Some(list) => ForwardedHeaderValue::from_x_forwarded_for(&list),
        None => ForwardedHeaderValue::from_forwarded(&joined(headers, "forwarded")?),
    };
    // A list we cannot read names nobody: the proxy itself is the client we know.
    let parsed = parsed.ok()?;
    Some(parsed.iter().map(|stanza| stanza.forwarded_for_ip().map(canonical)).collect())
}

/// The client of a request that reached us from `peer`.
pub fn resolve(trusted: &TrustedProxies, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
    let peer = canonical(peer);
    if !trusted.trusts(peer) {
        return peer;
    }
    let Some(hops) = reported_hops(headers) else { return peer };
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        match hop {
            Some(ip) => {
                client = ip;
                if !trusted.trusts(ip) {
                    break;
                }
            }
            // An obfuscated or unknown hop: nothing behind it can be believed.
            None => break,
        }
    }
    client
}

/// Middleware: puts the request's [`ClientAddr`] into its extensions.
pub async fn layer(State(trusted): State<TrustedProxies>, mut request: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let client = resolve(&trusted, peer.ip(), request.headers());
        request.extensions_mut().insert(ClientAddr(client));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trusted(nets: &[&str]) -> TrustedProxies {
        TrustedProxies::new(nets.iter().map(|n| n.parse().unwrap()).collect())
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(http::HeaderName::from_bytes(name.as_bytes()).unwrap(), value.parse().unwrap());
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn headers_from_an_untrusted_peer_are_ignored() {
        let spoofed = headers(&[("x-forwarded-for", "198.51.100.7"), ("forwarded", "for=198.51.100.8")]);
        assert_eq!(resolve(&trusted(&[]), ip("203.0.113.5"), &spoofed), ip("203.0.113.5"));
        assert_eq!(resolve(&trusted(&["10.0.0.0/8"]), ip("203.0.113.5"), &spoofed), ip("203.0.113.5"));
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let proxies = trusted(&["10.0.0.0/8", "2001:db8:ffff::/48"]);
        // The client sent its own (forged) first entry; proxies appended the rest.
        let chain = headers(&[("x-forwarded-for", "192.0.2.66, 198.51.100.7, 10.1.2.3")]);
        assert_eq!(resolve(&proxies, ip("10.0.0.1"), &chain), ip("198.51.100.7"));
        let two_lines = headers(&[("x-forwarded-for", "192.0.2.66"), ("x-forwarded-for", "198.51.100.9")]);
        assert_eq!(resolve(&proxies, ip("10.0.0.1"), &two_lines), ip("198.51.100.9"));
        let v6 = headers(&[("x-forwarded-for", "2001:db8:1::5")]);
        assert_eq!(resolve(&proxies, ip("2001:db8:ffff::1"), &v6), ip("2001:db8:1::5"));
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        assert_eq!(resolve(&proxies, mapped, &headers(&[("x-forwarded-for", "198.51.100.7")])), ip("198.51.100.7"));
    }

    #[test]
    fn forwarded_is_read_when_x_forwarded_for_is_absent() {
        let proxies = trusted(&["10.0.0.0/8"]);
        let value = headers(&[("forwarded", r#"for=192.0.2.66, for="[2001:db8:cafe::17]:4711";proto=https, for=10.0.0.9"#)]);
        assert_eq!(resolve(&proxies, ip("10.0.0.1"), &value), ip("2001:db8:cafe::17"));
    }

    #[test]
    fn unreadable_or_hidden_hops_stop_the_walk_at_the_nearest_proxy() {
        let proxies = trusted(&["10.0.0.0/8"]);
        assert_eq!(resolve(&proxies, ip("10.0.0.1"), &headers(&[("x-forwarded-for", "not an address")])), ip("10.0.0.1"));
        assert_eq!(resolve(&proxies, ip("10.0.0.1"), &headers(&[("forwarded", "for=_hidden, for=10.0.0.7")])), ip("10.0.0.7"));
        assert_eq!(resolve(&proxies, ip("10.0.0.1"), &HeaderMap::new()), ip("10.0.0.1"));
        assert_eq!(resolve(&proxies, ip("10.0.0.1"), &headers(&[("x-forwarded-for", "10.0.0.2, 10.0.0.3")])), ip("10.0.0.2"));
    }
}
