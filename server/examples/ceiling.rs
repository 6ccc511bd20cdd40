//! The machine's ceiling for the HTTP benchmark (bench/run.sh): the same server stack as
//! `zt-ix` (tokio's multi-threaded runtime, axum, hyper) answering a trivial handler, so
//! the portal's figures read as ratios of what this machine can serve at all.
//!
//! `cargo run --release -p server --example ceiling -- 127.0.0.1:3390`

use axum::routing::get;
use axum::{Json, Router};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:3390".to_owned());
    let app = Router::new().route("/", get(|| async { Json(serde_json::json!({"data": {"status": "ok"}})) }));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, app).await
}
