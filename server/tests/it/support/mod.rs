//! Simulators of the outside services the portal talks to, for tests only.

pub mod oidc_provider;
pub mod peeringdb_api;
pub mod route_server_lab;
pub mod zt_central;
pub mod zt_controller;
pub mod worker_services;
pub mod notify;
#[path = "../../../../domain/tests/support/irrd.rs"]
pub mod irrd;
