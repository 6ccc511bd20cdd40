//! Configured networks are synced into `zt_network`; removed ones become inactive.

use domain::db_test;
use domain::entities::zt_network;
use domain::networks::{self, SyncReport};
use domain::settings::ConfiguredNetwork;
use domain::types::{Ipv6Prefix, NetworkId};
use sea_orm::EntityTrait;

fn net(id: &str, name: &str, prefix: &str) -> ConfiguredNetwork {
    ConfiguredNetwork {
        id: NetworkId::parse(id).unwrap(),
        name: name.into(),
        description: None,
        irr_filter: Default::default(),
        route_servers: Vec::new(),
        published: Default::default(),
        ipv6_prefix: Ipv6Prefix::parse(prefix).unwrap(),
    }
}

db_test!(async fn sync_adds_updates_and_deactivates_but_never_deletes(t) {
    let fra = net("8056c2e21c000001", "Frankfurt", "2001:db8:1::/64");
    let ams = net("8056c2e21c000002", "Amsterdam", "2001:db8:2::/64");

    let report = networks::sync_configured(&t.db, &[fra.clone(), ams.clone()]).await.unwrap();
    assert_eq!(report.added, ["8056c2e21c000001", "8056c2e21c000002"]);

    // unchanged → nothing to do
    assert_eq!(networks::sync_configured(&t.db, &[fra.clone(), ams.clone()]).await.unwrap(), SyncReport::default());

    // Amsterdam removed, Frankfurt renamed
    let fra2 = net("8056c2e21c000001", "Frankfurt Main", "2001:db8:1::/64");
    let report = networks::sync_configured(&t.db, &[fra2]).await.unwrap();
    assert_eq!(report.updated, ["8056c2e21c000001"]);
    assert_eq!(report.deactivated, ["8056c2e21c000002"]);

    let rows = zt_network::Entity::find().all(&t.db).await.unwrap();
    assert_eq!(rows.len(), 2, "removed networks are kept");
    let ams_row = rows.iter().find(|n| n.id == "8056c2e21c000002").unwrap();
    assert!(!ams_row.is_active);
    assert_eq!(networks::list_active(&t.db).await.unwrap().len(), 1);

    // configured again → active again
    let report = networks::sync_configured(&t.db, &[fra, ams]).await.unwrap();
    assert_eq!(report.updated.len(), 2);
    assert_eq!(networks::list_active(&t.db).await.unwrap().len(), 2);

    let trail = domain::audit::for_target(&t.db, "zt_network", "8056c2e21c000002").await.unwrap();
    let actions: Vec<_> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["network.added", "network.deactivated", "network.updated"]);
});
