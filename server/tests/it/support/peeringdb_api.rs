//! PeeringDB's REST API as `reference/ixf-and-peeringdb.md` (part C) documents it, for
//! the `net` objects the route-server policy reads: the `{"data": [...], "meta": {}}`
//! envelope, `asn__in` lists (200, unknown ASNs simply absent) and `asn=` unique
//! lookups (404 `Entity not found`), `Authorization: Api-Key <key>` (401 for a wrong
//! key, 400 for another scheme), and faults: 429 with `Retry-After` and outages. Also the
//! `netixlan` list filtered by `ixlan_id` (status `ok` rows, `fields=` trimming).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

pub const API_KEY: &str = "AbCdEf12.s3cr3t-peeringdb-api-key";

#[derive(Default)]
struct Api {
    nets: BTreeMap<i64, Value>,
    netixlans: Vec<Value>,
    /// Answer this many calls with 429.
    throttled_calls: usize,
    /// Answer every call with 503 while set.
    down: bool,
    /// The query string and `Authorization` header of every call.
    calls: Vec<(String, Option<String>)>,
}

#[derive(Clone)]
pub struct PeeringDbApiSim {
    addr: SocketAddr,
    state: Arc<Mutex<Api>>,
}

impl PeeringDbApiSim {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(Api::default()));
        let app = Router::new().route("/api/net", get(net)).route("/api/netixlan", get(netixlan)).with_state(state.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { addr, state }
    }

    /// `PEERINGDB_API_URL`
    pub fn url(&self) -> String {
        format!("http://{}/api", self.addr)
    }

    /// A network record as PeeringDB serves it (fields beyond these are not needed).
    pub fn set_net(&self, asn: i64, irr_as_set: &str, prefixes4: Option<i64>, prefixes6: Option<i64>, never_via_route_servers: bool) {
        self.state.lock().unwrap().nets.insert(
            asn,
            json!({"id": 10_000 + asn, "asn": asn, "name": format!("Network AS{asn}"), "irr_as_set": irr_as_set,
                   "info_prefixes4": prefixes4, "info_prefixes6": prefixes6,
                   "info_never_via_route_servers": never_via_route_servers, "policy_general": "Open",
                   "status": "ok", "created": "2020-01-01T00:00:00Z", "updated": "2026-11-01T00:00:00Z"}),
        );
    }

    /// A network's entry on an exchange LAN, as the `netixlan` list serves it.
    pub fn add_netixlan(&self, id: i64, ixlan_id: i64, asn: i64, ipaddr6: Option<&str>, is_rs_peer: bool, operational: bool) {
        self.state.lock().unwrap().netixlans.push(json!({
            "id": id, "net_id": 10_000 + asn, "ix_id": ixlan_id, "name": "ZT-IX", "ixlan_id": ixlan_id, "notes": "",
            "speed": 10_000, "asn": asn, "ipaddr4": null, "ipaddr6": ipaddr6, "is_rs_peer": is_rs_peer, "bfd_support": false,
            "operational": operational, "net_side_id": null, "ix_side_id": null,
            "created": "2026-01-01T00:00:00Z", "updated": "2026-11-01T00:00:00Z", "status": "ok"}));
    }

    pub fn clear_netixlans(&self) {
        self.state.lock().unwrap().netixlans.clear();
    }

    pub fn throttle(&self, calls: usize) {
        self.state.lock().unwrap().throttled_calls = calls;
    }

    pub fn set_down(&self, down: bool) {
        self.state.lock().unwrap().down = down;
    }

    pub fn calls(&self) -> Vec<(String, Option<String>)> {
        self.state.lock().unwrap().calls.clone()
    }
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"meta": {"error": message}}))).into_response()
}

/// Records the call and answers it when PeeringDB would refuse it (down, a bad key,
/// throttled); `None` lets the list answer.
fn refused(api: &mut Api, headers: &HeaderMap, query: &BTreeMap<String, String>) -> Option<Response> {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let text = query.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
    api.calls.push((text, auth.clone()));
    if api.down {
        return Some((StatusCode::SERVICE_UNAVAILABLE, "<html><body>Service Unavailable</body></html>").into_response());
    }
    if let Some(auth) = auth {
        match auth.split_once(' ') {
            Some((scheme, key)) if scheme.eq_ignore_ascii_case("api-key") => {
                if key != API_KEY {
                    return Some(error(StatusCode::UNAUTHORIZED, "Invalid API key"));
                }
            }
            _ => return Some(error(StatusCode::BAD_REQUEST, "Unknown authorization method")),
        }
    }
    if api.throttled_calls > 0 {
        api.throttled_calls -= 1;
        let mut response =
            (StatusCode::TOO_MANY_REQUESTS, Json(json!({"message": "Request was throttled. Expected available in 1 second.", "meta": {"error": "Too Many Requests"}})))
                .into_response();
        response.headers_mut().insert("retry-after", "1".parse().unwrap());
        return Some(response);
    }
    None
}

fn trimmed(record: &Value, query: &BTreeMap<String, String>) -> Value {
    match query.get("fields") {
        None => record.clone(),
        Some(fields) => {
            let fields: Vec<&str> = fields.split(',').collect();
            Value::Object(record.as_object().unwrap().iter().filter(|(k, _)| fields.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect())
        }
    }
}

async fn netixlan(State(state): State<Arc<Mutex<Api>>>, headers: HeaderMap, Query(query): Query<BTreeMap<String, String>>) -> Response {
    let mut api = state.lock().unwrap();
    if let Some(refused) = refused(&mut api, &headers, &query) {
        return refused;
    }
    let ixlan = match query.get("ixlan_id").map(|v| v.parse::<i64>()) {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => return error(StatusCode::BAD_REQUEST, "Invalid value for ixlan_id"),
    };
    let data: Vec<Value> = api.netixlans.iter().filter(|r| ixlan.is_none_or(|id| r["ixlan_id"] == id)).map(|r| trimmed(r, &query)).collect();
    Json(json!({"data": data, "meta": {}})).into_response()
}

async fn net(State(state): State<Arc<Mutex<Api>>>, headers: HeaderMap, Query(query): Query<BTreeMap<String, String>>) -> Response {
    let mut api = state.lock().unwrap();
    if let Some(refused) = refused(&mut api, &headers, &query) {
        return refused;
    }
    let trim = |record: &Value| trimmed(record, &query);
    if let Some(asn) = query.get("asn") {
        let Ok(asn) = asn.parse::<i64>() else { return error(StatusCode::BAD_REQUEST, "Invalid value for asn") };
        return match api.nets.get(&asn) {
            Some(record) => Json(json!({"data": [trim(record)], "meta": {}})).into_response(),
            None => (StatusCode::NOT_FOUND, Json(json!({"data": [], "meta": {"error": "Entity not found"}}))).into_response(),
        };
    }
    let Some(list) = query.get("asn__in") else { return Json(json!({"data": api.nets.values().map(trim).collect::<Vec<_>>(), "meta": {}})).into_response() };
    let mut asns = Vec::new();
    for asn in list.split(',') {
        match asn.trim().parse::<i64>() {
            Ok(asn) => asns.push(asn),
            Err(_) => return error(StatusCode::BAD_REQUEST, "Invalid value for asn__in"),
        }
    }
    let data: Vec<Value> = asns.iter().filter_map(|a| api.nets.get(a)).map(trim).collect();
    Json(json!({"data": data, "meta": {}})).into_response()
}
