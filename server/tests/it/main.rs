//! Integration tests of the `zt-ix` server, one binary, grouped like the routes they hit.

mod helpers;

mod cli;
mod health;
mod request_id;
mod site;
