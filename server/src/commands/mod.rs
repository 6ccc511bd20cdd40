//! One module per `zt-ix` subcommand.

pub mod controller;
pub mod doctor;
pub mod migrate;
pub mod reconcile;
pub mod serve;
pub mod users;
