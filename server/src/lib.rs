//! The `zt-ix` server: configuration, HTTP (Leptos site, JSON API), CLI commands and the
//! wiring of the `domain` services. Business rules live in `domain`, pages in `app`.

pub mod api;
pub mod cli;
pub mod commands;
pub mod config;
pub mod http;
pub mod startup;
pub mod telemetry;
