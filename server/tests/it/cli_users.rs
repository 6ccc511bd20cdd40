//! `zt-ix users …` as an operator runs it: all-or-nothing, audited, never a password.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use domain::entities::{app_user, audit_event, local_credential, user_asn, user_network_access};
use domain::testing::{Backend, TestDb};
use sea_orm::{EntityTrait, PaginatorTrait};

const BIN: &str = env!("CARGO_BIN_EXE_zt-ix");
const PASSWORD: &str = "a long enough password";

struct Cli {
    dir: tempfile::TempDir,
    db: TestDb,
}

impl Cli {
    async fn new(backend: Backend) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("runtime.toml"),
            "[[networks]]\nid = \"8056c2e21c000001\"\nname = \"Frankfurt\"\nipv6_prefix = \"2001:db8:1::/64\"\n\n\
             [[networks]]\nid = \"8056c2e21c000002\"\nname = \"Amsterdam\"\nipv6_prefix = \"2001:db8:2::/64\"\n",
        )
        .unwrap();
        Self { dir, db: TestDb::empty(backend).await }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BIN);
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", &self.db.url)
            .env("ZTIX_RUNTIME_CONFIG_PATH", self.dir.path().join("runtime.toml"))
            .current_dir(self.dir.path())
            .args(["users"])
            .args(args);
        command
    }

    fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(input) = stdin {
            child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        }
        child.wait_with_output().unwrap()
    }

    async fn count<E>(&self, _: E) -> u64
    where
        E: EntityTrait,
        E::Model: Sync,
    {
        E::find().count(&self.db.db).await.unwrap()
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

async fn run_blocking(cli: &Cli, args: Vec<String>, stdin: Option<String>) -> Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    tokio::task::block_in_place(|| cli.run(&args, stdin.as_deref()))
}

fn owned(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

async fn scenario(backend: Backend) {
    let cli = Cli::new(backend).await;
    let create = owned(&[
        "create", "--username", "Admin", "--password-stdin", "--admin", "--asn", "64500", "--asn", "AS64501",
        "--network", "000001", "--full-name", "Exchange Admin", "--email", "noc@ix.example.net",
    ]);
    let out = run_blocking(&cli, create.clone(), Some(format!("{PASSWORD}\n"))).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("created admin account 'admin'"));
    assert_eq!(cli.count(app_user::Entity).await, 1);
    assert_eq!(cli.count(user_asn::Entity).await, 2);
    assert_eq!(cli.count(user_network_access::Entity).await, 1);

    // a duplicate username changes nothing and says why
    let out = run_blocking(&cli, create, Some(format!("{PASSWORD}\n"))).await;
    assert!(!out.status.success());
    assert!(text(&out).contains("username 'admin' is already taken"), "{}", text(&out));
    assert_eq!(cli.count(app_user::Entity).await, 1);
    assert_eq!(cli.count(user_asn::Entity).await, 2);

    // an unknown network changes nothing either
    let out = run_blocking(
        &cli,
        owned(&["create", "--username", "op", "--password-stdin", "--asn", "64510", "--network", "ffffff"]),
        Some(PASSWORD.into()),
    )
    .await;
    assert!(!out.status.success());
    assert!(text(&out).contains("network 'ffffff' is not a configured exchange network"), "{}", text(&out));
    assert_eq!(cli.count(app_user::Entity).await, 1);
    assert_eq!(cli.count(local_credential::Entity).await, 1);
    assert_eq!(cli.count(user_asn::Entity).await, 2);

    // too short a password, and no password at all
    let out = run_blocking(&cli, owned(&["create", "--username", "op", "--password-stdin"]), Some("short\n".into())).await;
    assert!(!out.status.success());
    assert!(text(&out).contains("at least 12 characters"), "{}", text(&out));
    let out = run_blocking(&cli, owned(&["create", "--username", "op"]), None).await;
    assert!(!out.status.success());

    // from a file, with a full network id
    std::fs::write(cli.path().join("pw"), format!("{PASSWORD}\n")).unwrap();
    let pw = cli.path().join("pw").display().to_string();
    let out = run_blocking(
        &cli,
        owned(&["create", "--username", "op", "--password-file", &pw, "--asn", "64510", "--network", "8056c2e21c000002"]),
        None,
    )
    .await;
    assert!(out.status.success(), "{}", text(&out));

    // the last enabled admin keeps the flag, and the whole update is refused
    let out = run_blocking(
        &cli,
        owned(&[
            "update",
            "--username",
            "admin",
            "--asn",
            "64999",
            "--clear-networks",
            "--no-admin",
        ]),
        None,
    )
    .await;
    assert!(!out.status.success());
    assert!(
        text(&out).contains("'admin' is the last enabled admin"),
        "{}",
        text(&out)
    );
    assert_eq!(cli.count(user_asn::Entity).await, 3);
    let out = run_blocking(&cli, owned(&["disable", "--username", "admin"]), None).await;
    assert!(
        !out.status.success(),
        "the last enabled admin cannot be disabled either"
    );

    // update: replace ASNs, clear networks
    let out = run_blocking(
        &cli,
        owned(&[
            "update",
            "--username",
            "admin",
            "--asn",
            "64999",
            "--clear-networks",
        ]),
        None,
    )
    .await;
    assert!(out.status.success(), "{}", text(&out));
    let out = run_blocking(&cli, owned(&["update", "--username", "ghost", "--admin"]), None).await;
    assert!(!out.status.success());
    assert!(text(&out).contains("no local account 'ghost'"));

    let out = run_blocking(&cli, owned(&["disable", "--username", "op"]), None).await;
    assert!(out.status.success(), "{}", text(&out));
    let out = run_blocking(&cli, owned(&["list", "--json"]), None).await;
    assert!(out.status.success());
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["username"], "admin");
    assert_eq!(list[0]["is_admin"], true);
    assert_eq!(list[0]["kind"], "local");
    assert_eq!(list[0]["asns"], serde_json::json!([64999]));
    assert_eq!(list[0]["networks"], serde_json::json!([]));
    assert_eq!(list[1]["username"], "op");
    assert_eq!(list[1]["is_enabled"], false);
    assert_eq!(list[1]["networks"], serde_json::json!(["8056c2e21c000002"]));
    let out = run_blocking(&cli, owned(&["enable", "--username", "op"]), None).await;
    assert!(out.status.success());
    let table = run_blocking(&cli, owned(&["list"]), None).await;
    assert!(text(&table).contains("op ") && text(&table).contains("enabled"));

    let events = audit_event::Entity::find().all(&cli.db.db).await.unwrap();
    let actions: Vec<_> = events.iter().filter(|e| e.action.starts_with("user.")).map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["user.created", "user.created", "user.updated", "user.disabled", "user.enabled"]);
    for event in events.iter().filter(|e| e.action.starts_with("user.")) {
        assert!(event.actor_user_id.is_none());
        assert_eq!(event.metadata["system_actor"], "cli");
        assert!(!event.metadata.to_string().contains(PASSWORD));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_commands_are_all_or_nothing_and_audited_on_sqlite() {
    scenario(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_commands_are_all_or_nothing_and_audited_on_postgres() {
    scenario(Backend::Postgres).await;
}
