use std::collections::HashMap;

use secrecy::ExposeSecret;

use super::*;

fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn issues(pairs: &[(&str, &str)]) -> Vec<ConfigIssue> {
    AppConfig::from_map(vars(pairs)).expect_err("configuration must be refused").0
}

fn names(pairs: &[(&str, &str)]) -> Vec<&'static str> {
    issues(pairs).iter().map(|i| i.variable).collect()
}

const PROD_OK: &[(&str, &str)] = &[
    ("APP_ENV", "production"),
    ("APP_SECRET_KEY", "0123456789abcdef0123456789abcdef-prod"),
    ("PUBLIC_BASE_URL", "https://ix.example.net"),
    ("ZT_CONTROLLER_AUTH_TOKEN", "real-token-from-authtoken-secret"),
];

/// The production baseline with some variables replaced.
fn prod_names(extra: &[(&str, &str)]) -> Vec<&'static str> {
    let mut all: Vec<(&str, &str)> =
        PROD_OK.iter().copied().filter(|(k, _)| !extra.iter().any(|(e, _)| e == k)).collect();
    all.extend_from_slice(extra);
    names(&all)
}

#[test]
fn development_starts_with_no_variables_at_all() {
    let config = AppConfig::from_map(HashMap::new()).unwrap();
    assert_eq!(config.env, AppEnv::Development);
    assert_eq!(config.http.listen.to_string(), "127.0.0.1:3000");
    assert_eq!(config.http.public_origin, "http://127.0.0.1:3000");
    assert_eq!(config.database.url.expose_secret(), "sqlite://zt-ix.db?mode=rwc");
    assert!(config.auth.local_auth_enabled);
    assert!(!config.auth.secure_cookies);
    assert!(config.auth.peeringdb.is_none());
    assert!(config.auth.secret_key.expose_secret().len() >= 32, "a per-run key is generated");
    assert_eq!(config.zerotier.provider, ProviderKind::SelfHostedController);
    assert_eq!(config.zerotier.backup_retention_count, 14);
    assert!(!config.route_servers.is_enabled());
    assert_eq!(config.log.format, LogFormat::Pretty);
    assert!(config.runtime_config_optional);
}

#[test]
fn production_with_real_secrets_starts_with_secure_cookies_and_json_logs() {
    let config = AppConfig::from_map(vars(PROD_OK)).unwrap();
    assert!(config.auth.secure_cookies);
    assert_eq!(config.log.format, LogFormat::Json);
}

#[test]
fn production_requires_a_secret_key_of_32_bytes_that_is_not_the_example() {
    let without: Vec<_> = PROD_OK.iter().copied().filter(|(k, _)| *k != "APP_SECRET_KEY").collect();
    assert_eq!(names(&without), ["APP_SECRET_KEY"]);
    assert_eq!(prod_names(&[("APP_SECRET_KEY", "short")]), ["APP_SECRET_KEY"]);
    assert_eq!(prod_names(&[("APP_SECRET_KEY", EXAMPLE_SECRET_KEY)]), ["APP_SECRET_KEY"]);
}

#[test]
fn production_requires_a_controller_token_and_https() {
    let without: Vec<_> = PROD_OK.iter().copied().filter(|(k, _)| *k != "ZT_CONTROLLER_AUTH_TOKEN").collect();
    assert_eq!(names(&without), ["ZT_CONTROLLER_AUTH_TOKEN"]);
    assert_eq!(prod_names(&[("ZT_CONTROLLER_AUTH_TOKEN", "change-me")]), ["ZT_CONTROLLER_AUTH_TOKEN"]);
    assert_eq!(prod_names(&[("PUBLIC_BASE_URL", "http://ix.example.net")]), ["PUBLIC_BASE_URL"]);
}

#[test]
fn each_bad_value_is_reported_by_its_variable_name() {
    let cases: &[(&str, &str)] = &[
        ("APP_ENV", "staging"),
        ("LEPTOS_SITE_ADDR", "localhost"),
        ("PUBLIC_BASE_URL", "ix.example.net"),
        ("DATABASE_URL", "mysql://db/zt"),
        ("DATABASE_MAX_CONNECTIONS", "0"),
        ("DATABASE_MAX_CONNECTIONS", "many"),
        ("LOCAL_AUTH_ENABLED", "maybe"),
        ("ZT_PROVIDER", "tailscale"),
        ("ZT_CONTROLLER_BASE_URL", "not a url"),
        ("ZT_CONTROLLER_BACKUP_RETENTION_COUNT", "-3"),
        ("LOG_FORMAT", "xml"),
        ("RUST_LOG", "info,[[["),
        ("PEERINGDB_TOKEN_AUTH_METHOD", "private_key_jwt"),
        ("ROUTE_SERVER_SSH_PORT", "99999"),
    ];
    for (variable, value) in cases {
        let mut pairs = vec![(*variable, *value)];
        if variable.starts_with("PEERINGDB") {
            pairs.extend([
                ("PEERINGDB_CLIENT_ID", "id"),
                ("PEERINGDB_CLIENT_SECRET", "secret"),
                ("PEERINGDB_REDIRECT_URI", "https://ix.example.net/auth/callback"),
            ]);
        }
        let got = names(&pairs);
        assert!(got.contains(variable), "{variable}={value} must be reported, got {got:?}");
    }
}

#[test]
fn all_problems_are_reported_at_once() {
    let got = names(&[("APP_ENV", "production"), ("LOG_FORMAT", "xml"), ("ZT_PROVIDER", "central")]);
    for expected in ["APP_SECRET_KEY", "LOG_FORMAT", "ZT_CENTRAL_API_TOKEN"] {
        assert!(got.contains(&expected), "{expected} missing from {got:?}");
    }
    let message = ConfigError(issues(&[("LOG_FORMAT", "xml")])).to_string();
    assert!(message.contains("LOG_FORMAT: 'xml' is not one of json, pretty"), "{message}");
}

#[test]
fn peeringdb_login_needs_all_three_client_settings() {
    let got = names(&[("PEERINGDB_CLIENT_ID", "abc")]);
    assert_eq!(got, ["PEERINGDB_CLIENT_SECRET", "PEERINGDB_REDIRECT_URI"]);
    let config = AppConfig::from_map(vars(&[
        ("PEERINGDB_CLIENT_ID", "abc"),
        ("PEERINGDB_CLIENT_SECRET", "s3cret"),
        ("PEERINGDB_REDIRECT_URI", "http://127.0.0.1:3000/auth/callback"),
    ]))
    .unwrap();
    let pdb = config.auth.peeringdb.unwrap();
    assert_eq!(pdb.client_auth, domain::identity::peeringdb::ClientAuth::Post);
    assert_eq!(pdb.auth_url.as_str(), "https://auth.peeringdb.com/oauth2/authorize/");
    assert_eq!(pdb.token_url.as_str(), "https://auth.peeringdb.com/oauth2/token/");
    assert_eq!(pdb.profile_url.as_str(), "https://auth.peeringdb.com/profile/v1");
}

#[test]
fn route_servers_need_keys_known_hosts_and_an_asn() {
    let got = names(&[("ROUTE_SERVER_HOSTS", "rs1.example.net,rs2.example.net:2222")]);
    for expected in ["ROUTE_SERVER_SSH_KNOWN_HOSTS_FILE", "ROUTE_SERVER_SSH_PRIVATE_KEY_PATH", "ROUTE_SERVER_LOCAL_ASN"] {
        assert!(got.contains(&expected), "{expected} missing from {got:?}");
    }
    assert!(names(&[("ROUTE_SERVER_HOSTS", "rs1,rs1:22")]).contains(&"ROUTE_SERVER_HOSTS"));
}

#[test]
fn secrets_do_not_appear_in_debug_output() {
    let config = AppConfig::from_map(vars(&[
        ("APP_SECRET_KEY", "super-secret-value-that-must-not-leak"),
        ("DATABASE_URL", "postgres://ztix:dbpassword@db/ztix"),
        ("ZT_CONTROLLER_AUTH_TOKEN", "controller-token-value"),
    ]))
    .unwrap();
    let debug = format!("{config:?}");
    for secret in ["super-secret-value-that-must-not-leak", "dbpassword", "controller-token-value"] {
        assert!(!debug.contains(secret), "{secret} leaked in {debug}");
    }
}

#[test]
fn an_explicit_runtime_config_path_is_required_to_exist() {
    let config = AppConfig::from_map(vars(&[("ZTIX_RUNTIME_CONFIG_PATH", "/etc/zt-ix/runtime.toml")])).unwrap();
    assert!(!config.runtime_config_optional);
}

#[test]
fn debug_output_never_shows_a_secret() {
    let secrets = [
        ("APP_SECRET_KEY", "s3cret-app-key-0123456789abcdef-xyz"),
        ("ZT_CONTROLLER_AUTH_TOKEN", "s3cret-controller-token"),
        ("ZT_CENTRAL_API_TOKEN", "s3cret-central-token"),
        ("PEERINGDB_CLIENT_ID", "client"),
        ("PEERINGDB_CLIENT_SECRET", "s3cret-peeringdb-secret"),
        ("PEERINGDB_REDIRECT_URI", "https://ix.example.net/auth/callback"),
        ("METRICS_TOKEN", "s3cret-metrics-token-long"),
        ("DATABASE_URL", "postgres://ztix:s3cret-db-password@db/ztix"),
    ];
    let config = AppConfig::from_map(vars(&secrets)).unwrap();
    let printed = format!("{config:?}");
    assert!(printed.contains("REDACTED"), "{printed}");
    for (variable, value) in secrets.iter().filter(|(_, v)| v.contains("s3cret")) {
        assert!(!printed.contains(value), "{variable} appears in Debug output");
    }
    assert!(!printed.contains("s3cret"), "{printed}");
}

#[test]
fn metrics_token_must_not_be_guessable() {
    assert!(names(&[("METRICS_TOKEN", "short")]).contains(&"METRICS_TOKEN"));
    let config = AppConfig::from_map(vars(&[("METRICS_TOKEN", "a-long-enough-metrics-token")])).unwrap();
    assert!(config.http.metrics_token.is_some());
    let production = AppConfig::from_map(vars(PROD_OK)).unwrap();
    assert!(production.http.hsts, "production sends Strict-Transport-Security");
    assert!(!AppConfig::from_map(HashMap::new()).unwrap().http.hsts);
}

#[test]
fn trusted_proxies_are_networks_or_addresses() {
    let config = AppConfig::from_map(vars(&[("TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7,2001:db8::/32")])).unwrap();
    let nets: Vec<String> = config.http.trusted_proxies.iter().map(ToString::to_string).collect();
    assert_eq!(nets, ["10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32"]);
    assert!(AppConfig::from_map(vars(&[])).unwrap().http.trusted_proxies.is_empty(), "nobody is trusted by default");
    assert_eq!(names(&[("TRUSTED_PROXIES", "10.0.0.0/8, proxy.example")]), ["TRUSTED_PROXIES"]);
}

#[test]
fn a_route_server_host_cannot_look_like_an_ssh_option() {
    let base = [
        ("ROUTE_SERVER_SSH_PRIVATE_KEY_PATH", "/k"),
        ("ROUTE_SERVER_SSH_KNOWN_HOSTS_FILE", "/h"),
        ("ROUTE_SERVER_LOCAL_ASN", "64512"),
    ];
    let mut bad = base.to_vec();
    bad.push(("ROUTE_SERVER_HOSTS", "rs1.example.net,-oProxyCommand=touch"));
    assert_eq!(names(&bad), ["ROUTE_SERVER_HOSTS"]);
}

#[test]
fn the_worker_is_named_from_configuration() {
    assert_eq!(AppConfig::from_map(vars(&[("WORKER_NAME", "web-1")])).unwrap().worker_name, "web-1");
    assert_eq!(AppConfig::from_map(vars(&[("HOSTNAME", "pod-7f")])).unwrap().worker_name, "pod-7f");
    assert_eq!(AppConfig::from_map(vars(&[])).unwrap().worker_name, "worker");
}

#[test]
fn a_demo_is_never_possible_in_production() {
    assert_eq!(prod_names(&[("ZTIX_DEMO", "true")]), ["ZTIX_DEMO"]);
    assert!(AppConfig::from_map(vars(PROD_OK)).is_ok_and(|c| !c.demo));
    assert!(AppConfig::from_map(vars(&[("ZTIX_DEMO", "true")])).is_ok_and(|c| c.demo));
}

#[test]
fn e_mail_is_off_without_smtp_url_and_checked_with_it() {
    assert!(AppConfig::from_map(HashMap::new()).unwrap().mail.is_none());
    let config = AppConfig::from_map(vars(&[("SMTP_URL", "smtps://noc:pw@mail.example.net"), ("SMTP_FROM", "ZT-IX <noc@ix.example.net>")])).unwrap();
    let mail = config.mail.unwrap();
    assert_eq!((mail.url.host.as_str(), mail.url.port, mail.from.as_str()), ("mail.example.net", 465, "ZT-IX <noc@ix.example.net>"));
    assert_eq!(names(&[("SMTP_URL", "smtps://mail.example.net")]), ["SMTP_FROM"]);
    assert_eq!(names(&[("SMTP_URL", "imap://mail.example.net"), ("SMTP_FROM", "noc@ix.example.net")]), ["SMTP_URL"]);
    assert_eq!(names(&[("SMTP_URL", "smtps://mail.example.net"), ("SMTP_FROM", "not an address")]), ["SMTP_FROM"]);
    assert_eq!(names(&[("SMTP_URL", "smtps://mail.example.net"), ("SMTP_FROM", "noc@ix.example.net"), ("SMTP_CA_FILE", "/nonexistent/ca.pem")]), ["SMTP_CA_FILE"]);
    // Plain SMTP is for a relay on the same host in development only.
    assert!(AppConfig::from_map(vars(&[("SMTP_URL", "smtp://127.0.0.1:25?tls=off"), ("SMTP_FROM", "noc@ix.example.net")])).is_ok());
    assert_eq!(prod_names(&[("SMTP_URL", "smtp://127.0.0.1:25?tls=off"), ("SMTP_FROM", "noc@ix.example.net")]), ["SMTP_URL"]);
    let issue = issues(&[("SMTP_URL", "smtp://u:hunter2@mail.example.net?tls=maybe"), ("SMTP_FROM", "noc@ix.example.net")]);
    assert!(!format!("{issue:?}").contains("hunter2"), "the password is never repeated");
}
