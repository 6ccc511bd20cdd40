//! Provisioning benchmark against the controller simulator, on SQLite and PostgreSQL:
//!
//! - approve → active latency (median, p99), one request at a time, measured from the
//!   database's `decided_at` to `provisioned_at`;
//! - the time to provision 1,000 approved requests with one and with two workers.
//!
//! Each figure is also given as a ratio to a baseline measured in the same run: one bare
//! member write to the simulator (latency), and 1,000 of them in a row (throughput).
//!
//! Run: `cargo bench -p server --bench provisioning` (PostgreSQL at ZTIX_TEST_POSTGRES_URL).

#[path = "../tests/it/support/zt_controller/mod.rs"]
#[allow(dead_code)]
mod zt_controller;

#[path = "../tests/it/support/worker_services.rs"]
mod worker_services;

use std::time::{Duration, Instant};

use domain::entities::join_request;
use domain::provisioning::lifecycle;
use domain::provisioning::worker::Worker;
use domain::testing::{fixtures, Backend, TestDb};
use domain::workflow::RequestStatus;
use domain::Services;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use tokio_util::sync::CancellationToken;
use zt_controller::{ControllerSim, TOKEN};

const NET: &str = "1122334455000001";
const TOML: &str = r#"
[worker]
lease_seconds = 60
concurrency = 4

[[networks]]
suffix = "000001"
name = "Bench"
ipv6_prefix = "2001:db8:1::/64"
"#;

async fn services(url: &str, sim: &ControllerSim) -> Services {
    worker_services::worker_services(url, &sim.url(), TOKEN, TOML).await
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn baseline_write(client: &reqwest::Client, sim: &ControllerSim, i: u64) -> Duration {
    let started = Instant::now();
    let response = client
        .post(format!("{}/controller/network/{NET}/member/{:010x}", sim.url(), 0x20_0000_0000_u64 + i))
        .header("X-ZT1-Auth", TOKEN)
        .json(&serde_json::json!({"authorized": true, "ipAssignments": ["2001:db8:1::1"], "noAutoAssignIps": true}))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    started.elapsed()
}

async fn latency(backend: Backend, sim: &ControllerSim, samples: usize) -> (Duration, Duration) {
    let db = TestDb::new(backend).await;
    let services = services(&db.url, sim).await;
    lifecycle::bring_up(&services).await.unwrap();
    let user = fixtures::user(&db.db, "bench", true).await;
    let shutdown = CancellationToken::new();
    let worker = tokio::spawn(Worker::new(services.clone(), "bench").run(shutdown.clone()));
    let mut latencies = Vec::with_capacity(samples);
    for i in 0..samples {
        let node = format!("{:010x}", 0x30_0000_0000_u64 + i as u64);
        let request = fixtures::request(user.id, 64500, NET, Some(&node), RequestStatus::Pending).insert(&db.db).await.unwrap();
        domain::requests::approve(&services, user.id, request.id).await.unwrap();
        let waiting = Instant::now();
        loop {
            if waiting.elapsed() > Duration::from_secs(10) {
                let row = join_request::Entity::find_by_id(request.id).one(&db.db).await.unwrap().unwrap();
                panic!("request {i} stuck: {row:?}");
            }
            let row = join_request::Entity::find_by_id(request.id).one(&db.db).await.unwrap().unwrap();
            match row.status {
                RequestStatus::Active => {
                    latencies.push((row.provisioned_at.unwrap() - row.decided_at.unwrap()).to_std().unwrap());
                    break;
                }
                RequestStatus::Failed => panic!("provisioning failed: {:?}", row.last_error),
                _ => tokio::time::sleep(Duration::from_micros(200)).await,
            }
        }
    }
    shutdown.cancel();
    worker.await.unwrap();
    latencies.sort();
    (percentile(&latencies, 0.5), percentile(&latencies, 0.99))
}

async fn throughput(backend: Backend, sim: &ControllerSim, count: usize, workers: usize) -> Duration {
    let db = TestDb::new(backend).await;
    let mut all = Vec::new();
    for _ in 0..workers {
        all.push(services(&db.url, sim).await);
    }
    lifecycle::bring_up(&all[0]).await.unwrap();
    let user = fixtures::user(&db.db, "bulk", false).await;
    for i in 0..count {
        let node = format!("{:010x}", 0x40_0000_0000_u64 + (i + workers * 10_000) as u64);
        fixtures::request(user.id, 64500 + (i % 100) as i64, NET, Some(&node), RequestStatus::Approved)
            .insert(&db.db)
            .await
            .unwrap();
    }
    let shutdown = CancellationToken::new();
    let started = Instant::now();
    let handles: Vec<_> = all.iter().map(|s| tokio::spawn(Worker::new(s.clone(), "bench").run(shutdown.clone()))).collect();
    loop {
        let active = join_request::Entity::find()
            .filter(join_request::Column::Status.eq(RequestStatus::Active))
            .count(&db.db)
            .await
            .unwrap();
        if active as usize == count {
            break;
        }
        let failed = join_request::Entity::find()
            .filter(join_request::Column::Status.eq(RequestStatus::Failed))
            .one(&db.db)
            .await
            .unwrap();
        if let Some(failed) = failed {
            panic!("provisioning failed: {:?}", failed.last_error);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = started.elapsed();
    shutdown.cancel();
    for h in handles {
        h.await.unwrap();
    }
    elapsed
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let sim = ControllerSim::start().await;
    let client = reqwest::Client::new();
    // the simulator needs the network before member writes
    client
        .post(format!("{}/controller/network/{NET}", sim.url()))
        .header("X-ZT1-Auth", TOKEN)
        .json(&serde_json::json!({"name": "Bench"}))
        .send()
        .await
        .unwrap();
    let mut single = Vec::new();
    for i in 0..200 {
        single.push(baseline_write(&client, &sim, i).await);
    }
    single.sort();
    let base_latency = percentile(&single, 0.5);
    let started = Instant::now();
    for i in 0..1000 {
        baseline_write(&client, &sim, 10_000 + i).await;
    }
    let base_bulk = started.elapsed();
    println!("baseline: one member write median {}, 1000 member writes in a row {}", ms(base_latency), ms(base_bulk));
    println!();
    println!("| database | approve → active median | p99 | median / baseline | 1,000 with 1 worker | 1,000 with 2 workers | 1 worker / baseline | 2 workers / baseline |");
    println!("|---|---|---|---|---|---|---|---|");
    for (name, backend) in [("SQLite", Backend::Sqlite), ("PostgreSQL", Backend::Postgres)] {
        let t = Instant::now();
        let (median, p99) = latency(backend, &sim, 200).await;
        eprintln!("{name}: latency measured in {:?}", t.elapsed());
        let one = throughput(backend, &sim, 1000, 1).await;
        eprintln!("{name}: one worker done");
        let two = throughput(backend, &sim, 1000, 2).await;
        println!(
            "| {name} | {} | {} | {:.1}× | {} | {} | {:.2}× | {:.2}× |",
            ms(median),
            ms(p99),
            median.as_secs_f64() / base_latency.as_secs_f64(),
            ms(one),
            ms(two),
            one.as_secs_f64() / base_bulk.as_secs_f64(),
            two.as_secs_f64() / base_bulk.as_secs_f64(),
        );
    }
}
