//! Simulators of the outside services the portal talks to, for tests only.

pub mod oidc_provider;
