//! What an anonymous visitor can cost the portal: login starts limited per client
//! address (behind a trusted proxy, per forwarded address), a bounded number of logins
//! in progress, and expired login states and sessions pruned by the housekeeping.

use domain::entities::oauth_state;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;

use crate::auth_peeringdb::{both, setup, start, REDIRECT_URI};
use crate::helpers::{error_code, TestApp};
use crate::support::oidc_provider::OidcProvider;

async fn pending_states(app: &TestApp) -> u64 {
    oauth_state::Entity::find().count(&app.db().db).await.unwrap()
}

/// 2,000 anonymous login starts from one address: the budget per address holds, the
/// refusals say when to come back, and the table of login states stays small.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_login_starts_are_limited_per_client_address() {
    both(async |backend| {
        let (app, _provider) = setup(backend, &[], "[auth]\nanonymous_requests_per_minute = 20\n").await;
        let mut statuses = std::collections::BTreeMap::<u16, u32>::new();
        for chunk in 0..20 {
            let burst = (0..100).map(|_| app.post_json("/api/v1/auth/peeringdb/start", json!({})));
            for response in futures::future::join_all(burst).await {
                let status = response.status().as_u16();
                *statuses.entry(status).or_default() += 1;
                if status == 429 && chunk == 19 {
                    let retry: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
                    assert!((1..=60).contains(&retry), "Retry-After {retry}");
                    assert_eq!(error_code(response).await, "rate_limited");
                }
            }
        }
        // 20 at once, and one more every 3 s while the test runs.
        assert!(statuses[&200] <= 25, "{backend:?}: {statuses:?}");
        assert!(statuses[&429] >= 1975, "{backend:?}: {statuses:?}");
        assert!(pending_states(&app).await <= 25, "the state table stays bounded");
        // The browser's way in and the callback are limited the same way.
        let redirect = app.get("/auth/peeringdb/login").await;
        assert_eq!(redirect.status(), 429);
        assert!(redirect.headers().contains_key("retry-after"));
        let callback = app.post_json("/api/v1/auth/peeringdb/callback", json!({"code": "c", "state": "s"})).await;
        assert_eq!(callback.status(), 429);
    })
    .await;
}

/// Many addresses behind a trusted proxy, each within its own budget: the number of
/// logins in progress is capped for all of them together.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logins_in_progress_are_capped_whoever_starts_them() {
    both(async |backend| {
        let toml = "[auth]\nmax_pending_logins = 50\n";
        let (app, _provider) = setup(backend, &[("TRUSTED_PROXIES", "127.0.0.1/32")], toml).await;
        let mut refused = 0;
        for i in 0..2000u32 {
            let client = format!("198.{}.{}.{}", 18 + i / 65536, (i / 256) % 256, i % 256);
            let response = app
                .client
                .post(app.url("/api/v1/auth/peeringdb/start"))
                .header("x-forwarded-for", client)
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            match response.status().as_u16() {
                200 => {}
                429 => refused += 1,
                other => panic!("{other}"),
            }
        }
        assert_eq!(refused, 1950, "{backend:?}");
        assert_eq!(pending_states(&app).await, 50);
    })
    .await;
}

/// Expired login states and sessions are deleted by the periodic housekeeping, in every
/// serving process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn housekeeping_prunes_expired_login_states_and_sessions() {
    both(async |backend| {
        let provider = OidcProvider::start().await;
        let vars: Vec<(String, String)> = provider.env(REDIRECT_URI);
        let borrowed: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let toml = "[auth]\noauth_state_ttl_seconds = 1\nsession_lifetime_seconds = 1\nhousekeeping_interval_seconds = 1\n";
        let app = crate::helpers::spawn_app_with_worker(backend, &borrowed, toml).await;
        for _ in 0..5 {
            start(&app).await;
        }
        app.create_account("olive", "correct horse battery staple", false, &[]).await;
        app.login("olive", "correct horse battery staple").await;
        assert_eq!(pending_states(&app).await, 5);
        let sessions = async || domain::entities::user_session::Entity::find().count(&app.db().db).await.unwrap();
        assert_eq!(sessions().await, 1);
        crate::provisioning::wait_until("housekeeping", std::time::Duration::from_secs(10), async || {
            pending_states(&app).await == 0 && sessions().await == 0
        })
        .await;
    })
    .await;
}
