//! Live session state over real BGP sessions: a real BIRD route server (loaded with the
//! peer files ZT-IX renders) and real BIRD members on one peering LAN in network
//! namespaces, read over a real OpenSSH server with one `birdc show protocols all`
//! per pass, stored on SQLite and PostgreSQL.
//!
//! Checked: established, active/connect and shut-down sessions with route counts that
//! match `birdc`; the turn-up recorded and audited once; a stopped member BIRD is not
//! established within two intervals; an unreachable route server is unknown, not down;
//! the filtered routes with their reasons; members never see another member's routes.

mod support;

use std::time::{Duration, Instant};

use contract::view::SessionStatus;
use domain::entities::{audit_event, bgp_session};
use domain::routeservers::PeerConfig;
use domain::sessions::{self, filtered::FilteredError};
use domain::testing::{fixtures, Backend, TestDb};
use domain::types::Asn;
use domain::workflow::RequestStatus;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use support::lab::{lan, Bird};
use support::sshd::Sshd;
use uuid::Uuid;

const RS_ASN: u32 = 64512;
const LAN: &str = "2001:db8:1::";
const RS_ADDRESS: &str = "2001:db8:1::fe";
const NETWORK: &str = "8056c2e21c000001";
/// One pass a second: a route server's reads go stale after 2 × 1 s + 30 s.
const INTERVAL: Duration = Duration::from_secs(1);

fn peer(id: Uuid, asn: u32, address: &str, shut_down: bool) -> PeerConfig {
    PeerConfig {
        request_id: id,
        member_asn: Asn::parse(i64::from(asn)).unwrap(),
        addresses: vec![address.parse().unwrap()],
        local_asn: Asn::parse(i64::from(RS_ASN)).unwrap(),
        network_name: "ZT-IX lab".into(),
        max_prefixes_v4: 100,
        max_prefixes_v6: 100,
        shut_down,
        hygiene: domain::settings::RouteServerPolicy::default().hygiene(),
        irr: None,
    }
}

fn member_conf(asn: u32, id: u8, routes6: &str) -> String {
    format!(
        "router id 192.0.2.{id};\nprotocol device {{}}\nprotocol static s6 {{ ipv6; {routes6} }}\n\
         protocol bgp upstream {{\n  local as {asn};\n  neighbor {RS_ADDRESS} as {RS_ASN};\n  connect delay time 1;\n  \
         connect retry time 2;\n  ipv6 {{ import all; export all; next hop keep; }};\n  ipv4 {{ extended next hop on; import all; export all; }};\n}}\n"
    )
}

/// `N of N routes …` → N, summed over the tables `birdc show route … count` lists.
fn birdc_count(output: &str) -> i64 {
    output
        .lines()
        .filter(|l| l.contains(" routes for ") && !l.starts_with("Total"))
        .filter_map(|l| l.split_whitespace().next()?.parse::<i64>().ok())
        .sum()
}

struct Portal {
    t: TestDb,
    services: domain::Services,
    users: [Uuid; 3],
}

async fn portal(backend: Backend, ids: [Uuid; 3], sshd: &Sshd) -> Portal {
    let t = TestDb::new(backend).await;
    fixtures::network(&t.db, NETWORK).await;
    let mut users = [Uuid::nil(); 3];
    for (i, (id, asn)) in ids.iter().zip([1001, 1002, 1003]).enumerate() {
        let user = fixtures::user(&t.db, &format!("member{i}"), false).await;
        users[i] = user.id;
        let mut row = fixtures::request(user.id, asn, NETWORK, Some(&format!("aaaaaaa00{i}")), RequestStatus::Active);
        row.id = Set(*id);
        row.insert(&t.db).await.unwrap();
    }
    let identity = domain::identity::IdentityConfig {
        session_key: domain::identity::SessionKey::new(secrecy::SecretString::from("k".to_owned())),
        local_auth_enabled: true,
        secure_cookies: false,
        peeringdb: None,
        require_totp_for_admins: false,
    };
    let mut settings = domain::RuntimeSettings::default();
    settings.worker.sessions_interval_seconds = INTERVAL.as_secs() as u32;
    settings.route_servers.filtered_routes_per_minute = 2;
    let services = domain::Services::new(t.db.clone(), settings, identity).with_route_servers(Some(sshd.settings(RS_ASN)));
    Portal { t, services, users }
}

async fn session(p: &Portal, id: Uuid) -> bgp_session::Model {
    bgp_session::Entity::find().filter(bgp_session::Column::JoinRequestId.eq(id)).one(&p.t.db).await.unwrap().expect("a session row")
}

async fn state_of(p: &Portal, id: Uuid) -> SessionStatus {
    let request = domain::entities::join_request::Entity::find_by_id(id).one(&p.t.db).await.unwrap().unwrap();
    let turn_up = sessions::view::turn_up(&p.services, &request, (100, 100), false).await.unwrap().unwrap();
    turn_up.sessions[0].state
}

#[test]
fn sessions_are_read_live_from_the_route_server() {
    let started = Instant::now();
    let hosts = [("rs", RS_ADDRESS.to_owned()), ("a", format!("{LAN}1001")), ("b", format!("{LAN}1002"))];
    let (_lan, namespaces) = lan("s", &hosts);

    let ids = [Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4()];
    let (a, b, c) = (ids[0], ids[1], ids[2]);
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    std::fs::create_dir_all(dir.path().join("peers")).unwrap();
    std::fs::create_dir_all(&run).unwrap();
    for p in [peer(a, 1001, &hosts[1].1, false), peer(b, 1002, &hosts[2].1, false), peer(c, 1003, &format!("{LAN}1003"), true)] {
        std::fs::write(dir.path().join("peers").join(p.file_name()), p.render()).unwrap();
    }
    std::fs::write(
        run.join("bird.conf"),
        format!(
            "router id 192.0.2.254;\nroa4 table ztix_roa_v4;\nroa6 table ztix_roa_v6;\nprotocol device {{}}\ninclude \"{}/peers/*.conf\";\n",
            dir.path().display()
        ),
    )
    .unwrap();
    // The socket is run/bird.ctl: the sshd's /run/bird.
    let route_server = Bird::start(&namespaces[0], &run.join("bird.conf"));
    let b_address = &hosts[2].1;
    let member_a = dir.path().join("a.conf");
    std::fs::write(
        &member_a,
        member_conf(1001, 11, &format!("route 2a0a:1001::/48 unreachable; route 2a0a:1001:1::/48 via {b_address}; route 2001:db8:1234::/48 unreachable;")),
    )
    .unwrap();
    let mut router_a = Some(Bird::start(&namespaces[1], &member_a));
    let protocol_a = format!("ztix_{}_1", a.simple());
    let deadline = Instant::now() + Duration::from_secs(60);
    while birdc_count(&route_server.birdc(&["show", "route", "filtered", "protocol", &protocol_a, "count"])) < 2 {
        assert!(Instant::now() < deadline, "member A's routes never reached the route server:\n{}", route_server.birdc(&["show", "protocols"]));
        std::thread::sleep(Duration::from_millis(300));
    }
    let mut sshd = Sshd::start(&run);

    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let portals: Vec<Portal> = runtime.block_on(async {
        vec![portal(Backend::Sqlite, ids, &sshd).await, portal(Backend::Postgres, ids, &sshd).await]
    });
    for p in &portals {
        let report = runtime.block_on(sessions::pass(&p.services)).unwrap();
        assert_eq!(report.read, [sshd.label()], "{report:?}");
        assert_eq!(report.established, [a], "A's sessions came up on every route server");
        runtime.block_on(async {
            let up = session(p, a).await;
            assert_eq!((up.state.as_str(), up.neighbor.as_str()), ("established", hosts[1].1.as_str()));
            let accepted = birdc_count(&route_server.birdc(&["show", "route", "protocol", &protocol_a, "count"]));
            let filtered = birdc_count(&route_server.birdc(&["show", "route", "filtered", "protocol", &protocol_a, "count"]));
            assert_eq!((up.v6_imported + up.v4_imported, up.v6_filtered + up.v4_filtered), (accepted, filtered), "counts as birdc shows them");
            assert_eq!((accepted, filtered), (1, 2));
            let waiting = session(p, b).await;
            assert!(["active", "connect"].contains(&waiting.state.as_str()), "B's router is not running: {}", waiting.state);
            assert_eq!(session(p, c).await.state, "down", "a suspended member's session is shut down");
            assert_eq!(state_of(p, a).await, SessionStatus::Established);

            // A second pass records nothing new.
            assert!(sessions::pass(&p.services).await.unwrap().established.is_empty());
            let audits = audit_event::Entity::find()
                .filter(audit_event::Column::Action.eq("join_request.established"))
                .all(&p.t.db)
                .await
                .unwrap();
            assert_eq!(audits.iter().map(|e| e.target_id.clone()).collect::<Vec<_>>(), [a.to_string()]);

            // Filtered routes, with why; a member never reads another member's.
            let routes = sessions::filtered::read_visible(&p.services, p.users[0], false, a, 1).await.unwrap();
            let by_prefix: Vec<(String, Vec<String>)> = routes.routes.iter().map(|r| (r.prefix.clone(), r.reasons.clone())).collect();
            assert_eq!(
                by_prefix,
                [("2001:db8:1234::/48".to_owned(), vec!["bogon_prefix".to_owned()]), ("2a0a:1001:1::/48".to_owned(), vec!["next_hop".to_owned()])]
            );
            assert_eq!((routes.total, routes.page, routes.pages), (2, 1, 1));
            let other = sessions::filtered::read_visible(&p.services, p.users[1], false, a, 1).await;
            assert!(matches!(other, Err(FilteredError::NotFound)), "{other:?}");
            let admin = sessions::filtered::read_visible(&p.services, p.users[1], true, a, 1).await.unwrap();
            assert_eq!(admin.total, 2, "an admin reads any member's");
            // Two live reads a minute per person (paging reuses a read): the third is refused.
            sessions::filtered::read_visible(&p.services, p.users[1], true, b, 1).await.unwrap();
            let limited = sessions::filtered::read_visible(&p.services, p.users[1], true, c, 1).await;
            assert!(matches!(limited, Err(FilteredError::RateLimited(s)) if s >= 1), "{limited:?}");
            assert_eq!(sessions::filtered::read_visible(&p.services, p.users[0], false, a, 1).await.unwrap().total, 2, "a kept read");
        });
    }

    // A stopped member router is not established within two intervals.
    router_a.take();
    for p in &portals {
        let deadline = Instant::now() + INTERVAL * 2;
        let state = loop {
            runtime.block_on(sessions::pass(&p.services)).unwrap();
            let state = runtime.block_on(state_of(p, a));
            if state != SessionStatus::Established || Instant::now() >= deadline {
                break state;
            }
            std::thread::sleep(INTERVAL);
        };
        assert!(!matches!(state, SessionStatus::Established | SessionStatus::Unknown), "A's router is stopped: {state:?}");
    }

    // An unreachable route server: its sessions are unknown, never down.
    sshd.stop();
    for p in &portals {
        let report = runtime.block_on(sessions::pass(&p.services)).unwrap();
        assert_eq!(report.failed.len(), 1, "{report:?}");
        for id in ids {
            assert_eq!(runtime.block_on(state_of(p, id)), SessionStatus::Unknown);
        }
        let counts = runtime.block_on(sessions::count_by_state(&p.t.db, &p.services.settings)).unwrap();
        assert!(counts.contains(&("unknown", 3)), "{counts:?}");
        assert!(counts.contains(&("down", 0)), "{counts:?}");
    }
    drop(route_server);
    eprintln!("sessions lab finished in {:.1} s", started.elapsed().as_secs_f32());
}
