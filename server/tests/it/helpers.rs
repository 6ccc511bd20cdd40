//! `spawn_app`: the real router on a random port with a fresh database.

use std::collections::HashMap;

use domain::testing::{Backend, TestDb};
use domain::{RuntimeSettings, Services};
use server::config::AppConfig;
use server::startup::{self, Application};
use tokio_util::sync::CancellationToken;

pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    pub client: reqwest::Client,
    db: Option<TestDb>,
    services: domain::Services,
    shutdown: CancellationToken,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

impl TestApp {
    /// Stops the server and hands back its database (to start another instance on it).
    pub fn stop(mut self) -> TestDb {
        self.shutdown.cancel();
        self.db.take().expect("the database is still there")
    }

    /// The services the server runs with (to drive a background pass at once).
    pub fn services(&self) -> &domain::Services {
        &self.services
    }

    pub fn db(&self) -> &TestDb {
        self.db.as_ref().expect("the database is still there")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request reaches the server")
    }

    /// GET a page as a browser does (`Accept: text/html`), optionally with a `Cookie`; the
    /// whole body is read here.
    pub async fn page(&self, path: &str, cookie: Option<&str>) -> reqwest::Response {
        let headers: Vec<(&str, &str)> = cookie.map(|c| ("cookie", c)).into_iter().collect();
        self.page_with(path, &headers).await
    }

    /// GET of a page with extra headers, its whole body read.
    pub async fn page_with(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self.client.get(self.url(path)).header("accept", "text/html,application/xhtml+xml");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("request reaches the server");
        let mut copy = http::Response::builder().status(response.status());
        for (name, value) in response.headers() {
            copy = copy.header(name, value);
        }
        let body = response.bytes().await.expect("the page body");
        copy.body(body).expect("a response").into()
    }

    /// `GET /readyz`, with the operators' metrics token when given: status and body.
    pub async fn readiness(&self, bearer: Option<&str>) -> (u16, serde_json::Value) {
        let mut request = self.client.get(self.url("/readyz"));
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request reaches the server");
        let status = response.status().as_u16();
        (status, response.json().await.expect("a JSON body"))
    }

    /// GET with a `Cookie` header.
    pub async fn get_as(&self, path: &str, cookie: &str) -> reqwest::Response {
        self.client.get(self.url(path)).header("cookie", cookie).send().await.expect("request reaches the server")
    }

    /// POST a JSON body.
    pub async fn post_json(&self, path: &str, body: serde_json::Value) -> reqwest::Response {
        self.client.post(self.url(path)).json(&body).send().await.expect("request reaches the server")
    }

    /// POST a JSON body with a `Cookie` header.
    pub async fn post_json_as(&self, path: &str, cookie: &str, body: serde_json::Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("cookie", cookie)
            .json(&body)
            .send()
            .await
            .expect("request reaches the server")
    }

    /// PUT a JSON body with a `Cookie` header.
    pub async fn put_json_as(&self, path: &str, cookie: &str, body: serde_json::Value) -> reqwest::Response {
        self.client.put(self.url(path)).header("cookie", cookie).json(&body).send().await.expect("request reaches the server")
    }

    /// Creates a local account directly through the domain service.
    pub async fn create_account(&self, username: &str, password: &str, admin: bool, asns: &[u32]) {
        domain::identity::accounts::create(
            &self.services.db,
            &self.services.settings.auth,
            domain::identity::accounts::cli(),
            domain::identity::accounts::NewAccount {
                username: username.into(),
                password: Some(secrecy::SecretString::from(password.to_owned())),
                is_admin: admin,
                asns: asns.iter().map(|a| domain::types::Asn::parse(i64::from(*a)).unwrap()).collect(),
                networks: vec![],
                full_name: None,
                email: None,
            },
        )
        .await
        .expect("account created");
    }

    /// Logs in with a local account and returns the `Cookie` header value of the session.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let response = self
            .post_json("/api/v1/auth/local/login", serde_json::json!({"username": username, "password": password}))
            .await;
        assert_eq!(response.status(), 200, "login of {username} must succeed");
        session_cookie(&response).expect("a session cookie is set")
    }
}

/// Whether a `Set-Cookie` line is the session cookie (`__Host-zt_ix_session` in production).
fn is_session_cookie(line: &str) -> bool {
    line.starts_with("zt_ix_session=") || line.starts_with("__Host-zt_ix_session=")
}

/// `zt_ix_session=…` from a response's `Set-Cookie`, ready for a `Cookie` header.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| is_session_cookie(v) && !v.contains("_session=;"))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

/// The full `Set-Cookie` line of the session cookie.
pub fn session_set_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| is_session_cookie(v))
        .map(str::to_owned)
}

/// The error envelope's code, asserting the envelope's shape.
pub async fn error_code(response: reqwest::Response) -> String {
    let body: serde_json::Value = response.json().await.expect("a JSON body");
    let error = &body["error"];
    assert!(error["message"].is_string(), "error.message is a string: {body}");
    assert!(error["details"].is_object(), "error.details is an object: {body}");
    error["code"].as_str().expect("error.code is a string").to_owned()
}

/// `METRICS_TOKEN` for tests that read readiness reasons as an operator.
pub const OPERATOR_TOKEN: &str = "operators-readiness-token-0123";

pub const NETWORK_TOML: &str = r#"
[[networks]]
id = "8056c2e21c000001"
name = "ZT-IX Frankfurt"
description = "Peering LAN"
ipv6_prefix = "2001:db8:1::/64"
"#;

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, &[], NETWORK_TOML).await
}

/// Starts the portal with extra environment `vars` and the runtime config `toml`.
pub async fn spawn_app_with(backend: Backend, vars: &[(&str, &str)], toml: &str) -> TestApp {
    let db = TestDb::new(backend).await;
    spawn_app_on(db, vars, toml).await
}

/// Starts the portal with the provisioning worker and controller watch running too.
pub async fn spawn_app_with_worker(backend: Backend, vars: &[(&str, &str)], toml: &str) -> TestApp {
    let db = TestDb::new(backend).await;
    start(db, vars, toml, true).await
}

/// Starts the portal on an existing test database (a second instance, a restart).
pub async fn spawn_app_on(db: TestDb, vars: &[(&str, &str)], toml: &str) -> TestApp {
    start(db, vars, toml, false).await
}

async fn start(db: TestDb, vars: &[(&str, &str)], toml: &str, background: bool) -> TestApp {
    let mut env: HashMap<String, String> = HashMap::from([
        ("LEPTOS_SITE_ADDR".into(), "127.0.0.1:0".into()),
        ("DATABASE_URL".into(), db.url.clone()),
        ("APP_SECRET_KEY".into(), "test-secret-key-0123456789abcdef-0123456789".into()),
        // PeeringDB's API only where a test gives its simulator.
        ("PEERINGDB_API_ENABLED".into(), vars.iter().any(|(k, _)| *k == "PEERINGDB_API_URL").to_string()),
    ]);
    env.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let config = AppConfig::from_map(env).expect("test configuration is valid");
    let settings = RuntimeSettings::from_toml(toml, "test").expect("test runtime config is valid");
    let provisioning = startup::provisioning(&config, &settings).await.expect("provisioning");
    let route_servers = startup::route_servers(&config, &settings);
    let peeringdb_api = startup::peeringdb_api(&config, &settings).expect("PeeringDB API");
    let notify = startup::notifications(&config, &settings).expect("notifications");
    let identity = startup::identity(&config, &settings).expect("identity");
    let services = Services::new(db.db.clone(), settings, identity)
        .with_provisioning(provisioning)
        .with_route_servers(route_servers)
        .with_peeringdb_api(peeringdb_api)
        .with_notify(notify);
    startup::sync_networks(&services)
        .await
        .expect("networks sync");
    let app = Application::with_services(config, services.clone())
        .await
        .expect("server starts");
    let address = format!("http://{}", app.local_addr());
    let shutdown = CancellationToken::new();
    if background {
        startup::spawn_background(&services, &shutdown, "test-worker");
    }
    tokio::spawn(app.run(shutdown.clone()));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .expect("HTTP client");
    TestApp { address, client, db: Some(db), services, shutdown }
}

/// Fails a test that hangs instead of blocking the whole run.
pub async fn within_limit<F: std::future::Future>(test: F) -> F::Output {
    tokio::time::timeout(std::time::Duration::from_secs(180), test).await.expect("the test did not finish within 3 minutes")
}

/// Runs an async test body against the portal on SQLite and on PostgreSQL.
macro_rules! app_test {
    (async fn $name:ident($app:ident) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($app: &$crate::helpers::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::helpers::spawn_app(domain::testing::Backend::Sqlite).await;
                $crate::helpers::within_limit(run(&app)).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let app = $crate::helpers::spawn_app(domain::testing::Backend::Postgres).await;
                $crate::helpers::within_limit(run(&app)).await;
            }
        }
    };
}
pub(crate) use app_test;

/// The audit actions matching `filter`, oldest first.
pub async fn audit_actions(db: &sea_orm::DatabaseConnection, filter: impl sea_orm::sea_query::IntoCondition) -> Vec<String> {
    use sea_orm::{EntityTrait, QueryFilter, QueryOrder};
    domain::entities::audit_event::Entity::find()
        .filter(filter)
        .order_by_asc(domain::entities::audit_event::Column::CreatedAt)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}
