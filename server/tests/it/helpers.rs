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
    pub db: TestDb,
    shutdown: CancellationToken,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request reaches the server")
    }
}

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
    let mut env: HashMap<String, String> = HashMap::from([
        ("LEPTOS_SITE_ADDR".into(), "127.0.0.1:0".into()),
        ("DATABASE_URL".into(), db.url.clone()),
    ]);
    env.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let config = AppConfig::from_map(env).expect("test configuration is valid");
    let settings = RuntimeSettings::from_toml(toml, "test").expect("test runtime config is valid");
    let services = Services::new(db.db.clone(), settings);
    startup::sync_networks(&services).await.expect("networks sync");
    let app = Application::with_services(config, services).await.expect("server starts");
    let address = format!("http://{}", app.local_addr());
    let shutdown = CancellationToken::new();
    tokio::spawn(app.run(shutdown.clone()));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client");
    TestApp { address, client, db, shutdown }
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
                run(&app).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let app = $crate::helpers::spawn_app(domain::testing::Backend::Postgres).await;
                run(&app).await;
            }
        }
    };
}
pub(crate) use app_test;
