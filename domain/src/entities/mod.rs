//! SeaORM entities, one per table of the schema in the `migration` crate.

pub mod app_user;
pub mod audit_event;
pub mod bgp_session;
pub mod irr_expansion;
pub mod join_request;
pub mod local_credential;
pub mod login_attempt;
pub mod login_throttle_notice;
pub mod member_listing;
pub mod member_policy;
pub mod netixlan_check;
pub mod node_state;
pub mod notification_delivery;
pub mod notification_event;
pub mod oauth_state;
pub mod request_policy_override;
pub mod request_turn_up;
pub mod route_server_read;
pub mod user_asn;
pub mod user_network_access;
pub mod user_session;
pub mod webhook_endpoint;
pub mod zt_ipv6_allocation_state;
pub mod zt_ipv6_assignment;
pub mod zt_membership;
pub mod zt_network;
