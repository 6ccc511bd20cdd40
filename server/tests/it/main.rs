//! Integration tests of the `zt-ix` server, one binary, grouped like the routes they hit.

mod helpers;
mod support;

mod accounts;
mod admin_requests;
mod audit_log;
mod auth_local;
mod auth_peeringdb;
mod auth_peeringdb_limits;
mod cli;
mod cli_controller;
mod cli_users;
mod csrf;
mod demo;
mod doctor;
mod exchange;
mod health;
mod lifecycle;
mod lifecycle_drift;
mod lifecycle_durability;
mod lifecycle_route_servers;
mod notify;
mod notify_durability;
mod openapi;
mod provisioning;
mod provisioning_durability;
mod request_id;
mod route_policy;
mod route_servers;
mod requests;
mod security;
mod shapes;
mod site;
mod tokens;
mod turn_up;
mod two_factor;
