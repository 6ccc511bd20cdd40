//! Database schema of ZT-IX, one migration per feature area, for SQLite and PostgreSQL.
//!
//! Invariants that must hold whatever the code does (live-request uniqueness, hex
//! formats, ranges, the append-only audit trail) are enforced here, in the database.

pub use sea_orm_migration::prelude::*;
pub use sea_orm_migration::MigrationStatus;

mod constraints;
mod m20261128_000001_identity;
mod m20261128_000002_networks;
mod m20261128_000003_join_requests;
mod m20261128_000004_provisioning;
mod m20261128_000005_audit;
mod m20261128_000006_request_list_indexes;
mod m20261201_000007_node_owner_and_throttle;
mod m20261202_000008_lifecycle;
mod m20261203_000009_route_server_policy;
mod m20261204_000010_visibility;
mod m20261205_000011_exchange;
mod m20261206_000012_notifications;
mod m20261207_000013_tokens_and_audit_search;
mod m20261208_000014_second_factor_and_accounts;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_identity::Migration),
            Box::new(m20261128_000002_networks::Migration),
            Box::new(m20261128_000003_join_requests::Migration),
            Box::new(m20261128_000004_provisioning::Migration),
            Box::new(m20261128_000005_audit::Migration),
            Box::new(m20261128_000006_request_list_indexes::Migration),
            Box::new(m20261201_000007_node_owner_and_throttle::Migration),
            Box::new(m20261202_000008_lifecycle::Migration),
            Box::new(m20261203_000009_route_server_policy::Migration),
            Box::new(m20261204_000010_visibility::Migration),
            Box::new(m20261205_000011_exchange::Migration),
            Box::new(m20261206_000012_notifications::Migration),
            Box::new(m20261207_000013_tokens_and_audit_search::Migration),
            Box::new(m20261208_000014_second_factor_and_accounts::Migration),
        ]
    }
}
