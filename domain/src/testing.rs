//! Fresh, migrated databases for tests, cloned from a template that is migrated once:
//! on SQLite a copy of a migrated file, on the PostgreSQL server at
//! `ZTIX_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`) a
//! `CREATE DATABASE … TEMPLATE` of a migrated database. Each test's database is dropped
//! afterwards.
//!
//! `db_test!` runs one test body against both backends.

use std::path::PathBuf;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use tokio::sync::OnceCell;

use crate::db::{connect, migrate, PoolSettings};

const DEFAULT_POSTGRES_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database that exists for one test.
pub struct TestDb {
    pub db: DatabaseConnection,
    pub backend: Backend,
    /// A `DATABASE_URL` for the same database, for servers the test starts.
    pub url: String,
    postgres: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

fn postgres_admin_url() -> String {
    std::env::var("ZTIX_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_ADMIN_URL.to_owned())
}

fn pool() -> PoolSettings {
    PoolSettings { max_connections: 8, ..PoolSettings::default() }
}

/// The URL of database `name` on the server of `admin_url`.
fn database_url(admin_url: &str, name: &str) -> String {
    let (base, _) = admin_url.split('?').next().and_then(|u| u.rsplit_once('/')).expect("ZTIX_TEST_POSTGRES_URL names a database");
    format!("{base}/{name}")
}

/// A name for the migrations this build knows: a template migrated by another build (or
/// an older checkout) is never used.
fn schema_fingerprint() -> String {
    use migration::MigratorTrait;
    let names: Vec<String> = migration::Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in names.join(",").bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

async fn admin_connection(admin_url: &str) -> DatabaseConnection {
    connect(admin_url, &PoolSettings { max_connections: 1, ..pool() })
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {admin_url} is required for these tests: {e}"))
}

async fn execute(conn: &DatabaseConnection, sql: String) -> Result<(), sea_orm::DbErr> {
    conn.execute(Statement::from_string(DbBackend::Postgres, sql)).await.map(|_| ())
}

/// The migrated PostgreSQL template of this build, made once per test run: built under a
/// private name and renamed into place, so test processes running at once never clone
/// a half-migrated one.
async fn postgres_template(admin_url: &str) -> String {
    static TEMPLATE: OnceCell<String> = OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            let name = format!("ztix_template_{}", schema_fingerprint());
            let admin = admin_connection(admin_url).await;
            let exists = admin
                .query_one(Statement::from_sql_and_values(DbBackend::Postgres, "SELECT 1 FROM pg_database WHERE datname = $1", [name.clone().into()]))
                .await
                .expect("list databases")
                .is_some();
            if !exists {
                let building = format!("ztix_building_{}", uuid::Uuid::new_v4().simple());
                execute(&admin, format!("CREATE DATABASE \"{building}\"")).await.expect("create the template");
                let db = connect(&database_url(admin_url, &building), &pool()).await.expect("open the template");
                migrate(&db).await.expect("migrations apply to a fresh database");
                db.close().await.expect("close the template");
                if execute(&admin, format!("ALTER DATABASE \"{building}\" RENAME TO \"{name}\"")).await.is_err() {
                    // Another process finished its template first: use that one.
                    let _ = execute(&admin, format!("DROP DATABASE IF EXISTS \"{building}\"")).await;
                }
            }
            let _ = admin.close().await;
            name
        })
        .await
        .clone()
}

/// A migrated SQLite file of this build, made once per test process.
async fn sqlite_template() -> PathBuf {
    static TEMPLATE: OnceCell<(tempfile::TempDir, PathBuf)> = OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            let dir = tempfile::tempdir().expect("temporary directory");
            let work = dir.path().join("migrating.db");
            let path = dir.path().join("template.db");
            let db = connect(&format!("sqlite://{}?mode=rwc", work.display()), &pool()).await.expect("open the template");
            migrate(&db).await.expect("migrations apply to a fresh database");
            // One self-contained file (no write-ahead log beside it) that copies as it is.
            db.execute(Statement::from_string(DbBackend::Sqlite, format!("VACUUM INTO '{}'", path.display())))
                .await
                .expect("write the template");
            db.close().await.expect("close the template");
            (dir, path)
        })
        .await
        .1
        .clone()
}

impl TestDb {
    /// A fresh database with every migration applied.
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let path = dir.path().join("zt-ix.db");
                std::fs::copy(sqlite_template().await, &path).expect("copy the migrated template");
                let url = format!("sqlite://{}?mode=rwc", path.display());
                let db = connect(&url, &pool()).await.expect("open SQLite");
                Self { db, backend, url, postgres: None, _dir: Some(dir) }
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url();
                let template = postgres_template(&admin_url).await;
                Self::postgres(admin_url, Some(&template)).await
            }
        }
    }

    /// A fresh database with no tables at all.
    pub async fn empty(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("zt-ix.db").display());
                let db = connect(&url, &pool()).await.expect("open SQLite");
                Self { db, backend, url, postgres: None, _dir: Some(dir) }
            }
            Backend::Postgres => Self::postgres(postgres_admin_url(), None).await,
        }
    }

    async fn postgres(admin_url: String, template: Option<&str>) -> Self {
        let name = format!("ztix_test_{}", uuid::Uuid::new_v4().simple());
        let admin = admin_connection(&admin_url).await;
        let from = template.map(|t| format!(" TEMPLATE \"{t}\"")).unwrap_or_default();
        execute(&admin, format!("CREATE DATABASE \"{name}\"{from}")).await.expect("create test database");
        let _ = admin.close().await;
        let url = database_url(&admin_url, &name);
        let db = connect(&url, &pool()).await.expect("open test database");
        Self { db, backend: Backend::Postgres, url, postgres: Some((admin_url, name)), _dir: None }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.postgres.take() else { return };
        // Drop runs inside the test's runtime, which cannot be blocked on: use a thread.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            runtime.block_on(async {
                let admin = connect(&admin_url, &PoolSettings { max_connections: 1, ..PoolSettings::default() })
                    .await
                    .ok()?;
                let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                admin.execute(Statement::from_string(DbBackend::Postgres, sql)).await.ok()?;
                admin.close().await.ok()
            })
        })
        .join();
    }
}

/// Fails a test that hangs instead of blocking the whole run.
pub async fn within_limit<F: std::future::Future>(test: F) -> F::Output {
    tokio::time::timeout(std::time::Duration::from_secs(180), test).await.expect("the test did not finish within 3 minutes")
}

/// Runs an async test body once on SQLite and once on PostgreSQL:
///
/// ```text
/// db_test!(async fn approve_twice_conflicts(t) { /* t: &TestDb */ });
/// ```
/// produces the tests `approve_twice_conflicts::sqlite` and `…::postgres`.
#[macro_export]
macro_rules! db_test {
    ($(#[$meta:meta])* async fn $name:ident($db:ident) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            $(#[$meta])*
            async fn run($db: &$crate::testing::TestDb) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                let db = $crate::testing::TestDb::new($crate::testing::Backend::Sqlite).await;
                $crate::testing::within_limit(run(&db)).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                let db = $crate::testing::TestDb::new($crate::testing::Backend::Postgres).await;
                $crate::testing::within_limit(run(&db)).await;
            }
        }
    };
}

/// Rows most tests need, inserted directly.
pub mod fixtures {
    use chrono::Utc;
    use sea_orm::{DatabaseConnection, EntityTrait, Set};
    use uuid::Uuid;

    use crate::entities::{app_user, join_request, zt_network};
    use crate::workflow::RequestStatus;

    /// A user, written with only the columns every schema version has (so upgrade tests
    /// can insert one before later migrations ran).
    pub async fn user(db: &DatabaseConnection, username: &str, is_admin: bool) -> app_user::Model {
        let now = Utc::now();
        let model = app_user::Model {
            id: Uuid::new_v4(),
            peeringdb_user_id: None,
            username: username.to_owned(),
            full_name: None,
            email: None,
            is_admin,
            locale: None,
            notifications_off: "[]".into(),
            created_at: now,
            updated_at: now,
        };
        let mut row: app_user::ActiveModel = model.clone().into();
        row.locale = sea_orm::ActiveValue::NotSet;
        row.notifications_off = sea_orm::ActiveValue::NotSet;
        app_user::Entity::insert(row).exec_without_returning(db).await.expect("insert user");
        model
    }

    /// A network, written with only the columns every schema version has (so upgrade
    /// tests can insert it before later migrations ran).
    pub async fn network(db: &DatabaseConnection, id: &str) -> zt_network::Model {
        let now = Utc::now();
        let model = zt_network::Model {
            id: id.to_owned(),
            name: format!("Network {id}"),
            description: None,
            ipv6_prefix: Some("2001:db8:1::/64".into()),
            is_active: true,
            irr_filter: Default::default(),
            route_servers: "[]".into(),
            published: "{}".into(),
            created_at: now,
            updated_at: now,
        };
        let mut row: zt_network::ActiveModel = model.clone().into();
        row.irr_filter = sea_orm::ActiveValue::NotSet;
        row.route_servers = sea_orm::ActiveValue::NotSet;
        row.published = sea_orm::ActiveValue::NotSet;
        zt_network::Entity::insert(row).exec_without_returning(db).await.expect("insert network");
        model
    }

    /// A join request in `status`, inserted as-is (no transition, no audit).
    pub fn request(user_id: Uuid, asn: i64, network_id: &str, node_id: Option<&str>, status: RequestStatus) -> join_request::ActiveModel {
        let now = Utc::now();
        join_request::ActiveModel {
            id: Set(Uuid::new_v4()),
            user_id: Set(user_id),
            asn: Set(asn),
            zt_network_id: Set(network_id.to_owned()),
            status: Set(status),
            node_id: Set(node_id.map(str::to_owned)),
            notes: Set(None),
            reject_reason: Set(None),
            last_error: Set(None),
            last_error_code: Set(None),
            last_error_at: Set(None),
            retry_count: Set(0),
            lease_owner: Set(None),
            lease_expires_at: Set(None),
            requested_at: Set(now),
            decided_at: Set(None),
            provisioned_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            sync_due_at: Set(None),
            sync_attempts: Set(0),
            desired_revision: Set(0),
            retiring_node_id: Set(None),
            status_reason: Set(None),
            affiliation_lost_at: Set(None),
        }
    }
}
