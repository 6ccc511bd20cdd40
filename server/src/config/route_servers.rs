use std::path::PathBuf;
use std::time::Duration;

use domain::types::Asn;

use super::EnvSource;

/// One route server as written in `ROUTE_SERVER_HOSTS` (`host` or `host:port`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteServerHost {
    /// Exactly as configured; errors name hosts this way.
    pub label: String,
    pub host: String,
    pub port: u16,
}

/// BIRD route servers reached over SSH. Empty `hosts` turns the step off.
#[derive(Debug, Clone)]
pub struct RouteServerConfig {
    pub hosts: Vec<RouteServerHost>,
    pub ssh_user: String,
    pub ssh_port: u16,
    pub private_key_path: Option<PathBuf>,
    pub known_hosts_file: Option<PathBuf>,
    pub connect_timeout: Duration,
    pub remote_config_dir: String,
    pub local_asn: Option<Asn>,
}

fn parse_host(entry: &str, default_port: u16) -> Result<RouteServerHost, String> {
    let label = entry.to_owned();
    // [v6]:port, v6 without port, host:port, host
    let (host, port) = if let Some(rest) = entry.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or_else(|| format!("'{entry}': missing ']'"))?;
        match after.strip_prefix(':') {
            Some(port) => (host, Some(port)),
            None if after.is_empty() => (host, None),
            None => return Err(format!("'{entry}': unexpected text after ']'")),
        }
    } else if entry.matches(':').count() == 1 {
        let (host, port) = entry.split_once(':').expect("one colon");
        (host, Some(port))
    } else {
        (entry, None)
    };
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err(format!("'{entry}' is not a host name or address"));
    }
    // ssh would read it as an option.
    if host.starts_with('-') {
        return Err(format!("'{entry}': a host name cannot start with '-'"));
    }
    let port = match port {
        Some(p) => p.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(|| format!("'{entry}': port must be 1-65535"))?,
        None => default_port,
    };
    Ok(RouteServerHost { label, host: host.to_owned(), port })
}

impl RouteServerConfig {
    pub(super) fn read(env: &mut EnvSource) -> Self {
        let ssh_port = env.parse_or("ROUTE_SERVER_SSH_PORT", 22u16);
        let mut hosts = Vec::new();
        if let Some(list) = env.get("ROUTE_SERVER_HOSTS") {
            for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
                match parse_host(entry, ssh_port) {
                    Ok(host) if hosts.iter().any(|h: &RouteServerHost| h.host == host.host && h.port == host.port) => {
                        env.issue("ROUTE_SERVER_HOSTS", format!("'{}' is listed twice", host.label));
                    }
                    Ok(host) => hosts.push(host),
                    Err(message) => env.issue("ROUTE_SERVER_HOSTS", message),
                }
            }
        }
        let timeout = env.parse_or("ROUTE_SERVER_SSH_CONNECT_TIMEOUT_SECONDS", 10u64);
        let config = Self {
            ssh_user: env.string_or("ROUTE_SERVER_SSH_USER", "ztix"),
            ssh_port,
            private_key_path: env.get("ROUTE_SERVER_SSH_PRIVATE_KEY_PATH").map(PathBuf::from),
            known_hosts_file: env.get("ROUTE_SERVER_SSH_KNOWN_HOSTS_FILE").map(PathBuf::from),
            connect_timeout: Duration::from_secs(timeout.max(1)),
            remote_config_dir: env.string_or("ROUTE_SERVER_REMOTE_CONFIG_DIR", "/etc/bird/ztix-peers"),
            local_asn: env.parse("ROUTE_SERVER_LOCAL_ASN"),
            hosts,
        };
        if config.is_enabled() {
            if config.known_hosts_file.is_none() {
                env.issue("ROUTE_SERVER_SSH_KNOWN_HOSTS_FILE", "is required when ROUTE_SERVER_HOSTS is set (host keys are always checked)");
            }
            if config.private_key_path.is_none() {
                env.issue("ROUTE_SERVER_SSH_PRIVATE_KEY_PATH", "is required when ROUTE_SERVER_HOSTS is set");
            }
            if config.local_asn.is_none() && !env.is_set("ROUTE_SERVER_LOCAL_ASN") {
                env.issue("ROUTE_SERVER_LOCAL_ASN", "is required when ROUTE_SERVER_HOSTS is set");
            }
            if !config.remote_config_dir.starts_with('/') {
                env.issue("ROUTE_SERVER_REMOTE_CONFIG_DIR", "must be an absolute path");
            }
        }
        config
    }

    pub fn is_enabled(&self) -> bool {
        !self.hosts.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::parse_host;

    #[test]
    fn hosts_keep_their_label_and_take_the_default_port() {
        let h = parse_host("rs1.example.net", 22).unwrap();
        assert_eq!((h.label.as_str(), h.host.as_str(), h.port), ("rs1.example.net", "rs1.example.net", 22));
        let h = parse_host("127.0.0.1:2222", 22).unwrap();
        assert_eq!((h.host.as_str(), h.port), ("127.0.0.1", 2222));
        let h = parse_host("[2001:db8::1]:2200", 22).unwrap();
        assert_eq!((h.host.as_str(), h.port), ("2001:db8::1", 2200));
        let h = parse_host("2001:db8::1", 22).unwrap();
        assert_eq!((h.host.as_str(), h.port), ("2001:db8::1", 22));
    }

    #[test]
    fn bad_hosts_are_refused() {
        for bad in ["host:0", "host:70000", "host:x", "[2001:db8::1", ":22", "a b"] {
            assert!(parse_host(bad, 22).is_err(), "{bad:?}");
        }
    }
}
