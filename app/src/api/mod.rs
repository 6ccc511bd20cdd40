//! Server functions, one module per feature. Each is a thin adapter: read the context,
//! call one `domain` service, map the result into a view type.

pub mod accounts;
pub mod audit;
pub mod exchange;
pub mod lifecycle;
pub mod networks;
pub mod notify;
pub mod requests;
pub mod route_policy;
pub mod session;
pub mod tokens;
pub mod turn_up;
