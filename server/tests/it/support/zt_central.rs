//! ZeroTier Central API v1 as documented in `reference/`: `Authorization: token …`
//! (or `bearer`), networks and members (`<nwid>-<node>` ids, settings under `config`),
//! members created by POST, `X-Ratelimit-*` headers, and 429 when told to.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use serde_json::{json, Value};

pub const TOKEN: &str = "zt-central-test-token";

#[derive(Default)]
struct Central {
    networks: BTreeMap<String, Value>,
    members: BTreeMap<String, Value>,
    /// Answer this many calls with 429 (and `Retry-After: 1`).
    rate_limited_calls: usize,
    /// When each call arrived.
    calls: Vec<std::time::Instant>,
}

#[derive(Clone)]
pub struct CentralSim {
    addr: SocketAddr,
    state: Arc<Mutex<Central>>,
}

fn limited(headers: &mut HeaderMap) {
    headers.insert("x-ratelimit-limit", "20".parse().unwrap());
    headers.insert("x-ratelimit-remaining", "0".parse().unwrap());
}

impl CentralSim {
    pub async fn start(networks: &[&str]) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut central = Central::default();
        for id in networks {
            central.networks.insert(
                id.to_string(),
                json!({"id": id, "config": {"id": id, "name": "central network", "private": true,
                        "rules": [{"not": false, "or": false, "type": "ACTION_ACCEPT"}]}, "description": ""}),
            );
        }
        let state = Arc::new(Mutex::new(central));
        let app = Router::new()
            .route("/api/v1/status", get(status))
            .route("/api/v1/network/{nwid}", any(network))
            .route("/api/v1/network/{nwid}/member", get(members))
            .route("/api/v1/network/{nwid}/member/{node}", any(member))
            .with_state(state.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { addr, state }
    }

    /// `ZT_CENTRAL_BASE_URL`
    pub fn network(&self, nwid: &str) -> Option<Value> {
        self.state.lock().unwrap().networks.get(nwid).cloned()
    }

    pub fn url(&self) -> String {
        format!("http://{}/api/v1", self.addr)
    }

    pub fn rate_limit_next(&self, calls: usize) {
        self.state.lock().unwrap().rate_limited_calls = calls;
    }

    /// A member made in Central by hand: `config` fields and a description.
    pub fn put_member(&self, nwid: &str, node: &str, config: Value, description: &str) {
        let id = format!("{nwid}-{node}");
        let mut member = json!({"id": id, "networkId": nwid, "nodeId": node, "controllerId": &nwid[..10], "name": "", "description": description,
                                "config": {"id": node, "authorized": false, "ipAssignments": [], "noAutoAssignIps": false}});
        for (key, value) in config.as_object().expect("config fields are an object") {
            member["config"][key] = value.clone();
        }
        self.state.lock().unwrap().members.insert(id, member);
    }

    pub fn member(&self, nwid: &str, node: &str) -> Option<Value> {
        self.state.lock().unwrap().members.get(&format!("{nwid}-{node}")).cloned()
    }

    /// Sets what Central reports of a member's node: `lastSeen` (ms) and `clientVersion`.
    pub fn set_seen(&self, nwid: &str, node: &str, last_seen_ms: Option<i64>, version: Option<&str>) {
        let mut state = self.state.lock().unwrap();
        if let Some(member) = state.members.get_mut(&format!("{nwid}-{node}")) {
            member["lastSeen"] = json!(last_seen_ms);
            member["clientVersion"] = json!(version);
        }
    }

    pub fn call_times(&self) -> Vec<std::time::Instant> {
        self.state.lock().unwrap().calls.clone()
    }
}

type Shared = State<Arc<Mutex<Central>>>;

fn gate(s: &Arc<Mutex<Central>>, headers: &HeaderMap) -> Option<Response> {
    let mut state = s.lock().unwrap();
    state.calls.push(std::time::Instant::now());
    let token = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.split_once(' '));
    let ok = token.is_some_and(|(scheme, t)| (scheme.eq_ignore_ascii_case("token") || scheme.eq_ignore_ascii_case("bearer")) && t == TOKEN);
    if !ok {
        return Some(StatusCode::UNAUTHORIZED.into_response());
    }
    if state.rate_limited_calls > 0 {
        state.rate_limited_calls -= 1;
        let mut response = (StatusCode::TOO_MANY_REQUESTS, "rate limit exceeded").into_response();
        limited(response.headers_mut());
        response.headers_mut().insert("retry-after", "1".parse().unwrap());
        return Some(response);
    }
    None
}

async fn status(State(s): Shared, headers: HeaderMap) -> Response {
    if let Some(r) = gate(&s, &headers) {
        return r;
    }
    Json(json!({"id": "central_status", "type": "CentralStatus", "apiVersion": "4", "readOnlyMode": false})).into_response()
}

async fn network(State(s): Shared, method: Method, Path(nwid): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(r) = gate(&s, &headers) {
        return r;
    }
    let mut state = s.lock().unwrap();
    match (method, state.networks.get_mut(&nwid)) {
        (Method::GET, Some(n)) => Json(n.clone()).into_response(),
        // Settings under `config` are updated key by key; `rules` replaces the array.
        (Method::POST, Some(n)) => {
            let Ok(patch) = serde_json::from_slice::<Value>(&body) else {
                return (StatusCode::BAD_REQUEST, Json(json!({"type": "internal", "message": "JSON error"}))).into_response();
            };
            if let Some(config) = patch.get("config").and_then(Value::as_object) {
                for (key, value) in config {
                    n["config"][key] = value.clone();
                }
            }
            Json(n.clone()).into_response()
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `GET /network/{id}/member`: every member of the network (404 for an unknown one).
async fn members(State(s): Shared, Path(nwid): Path<String>, headers: HeaderMap) -> Response {
    if let Some(r) = gate(&s, &headers) {
        return r;
    }
    let state = s.lock().unwrap();
    if !state.networks.contains_key(&nwid) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let list: Vec<Value> = state.members.values().filter(|m| m["networkId"] == nwid.as_str()).cloned().collect();
    Json(Value::Array(list)).into_response()
}

async fn member(State(s): Shared, method: Method, Path((nwid, node)): Path<(String, String)>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(r) = gate(&s, &headers) {
        return r;
    }
    let mut state = s.lock().unwrap();
    if !state.networks.contains_key(&nwid) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let id = format!("{nwid}-{node}");
    match method {
        Method::GET => state.members.get(&id).map_or_else(|| StatusCode::NOT_FOUND.into_response(), |m| Json(m.clone()).into_response()),
        Method::POST => {
            let Ok(patch) = serde_json::from_slice::<Value>(&body) else {
                return (StatusCode::BAD_REQUEST, Json(json!({"type": "internal", "message": "JSON error"}))).into_response();
            };
            let stored = state.members.entry(id.clone()).or_insert_with(|| {
                json!({"id": id, "networkId": nwid, "nodeId": node, "controllerId": &nwid[..10], "name": "", "description": "",
                       "config": {"id": node, "authorized": false, "ipAssignments": [], "noAutoAssignIps": false}})
            });
            for key in ["name", "description", "hidden"] {
                if let Some(v) = patch.get(key) {
                    stored[key] = v.clone();
                }
            }
            if let Some(config) = patch.get("config").and_then(|c| c.as_object()) {
                for (k, v) in config {
                    if ["authorized", "ipAssignments", "noAutoAssignIps", "activeBridge", "capabilities", "tags"].contains(&k.as_str()) {
                        stored["config"][k] = v.clone();
                    }
                }
            }
            let mut response = Json(stored.clone()).into_response();
            response.headers_mut().insert("x-ratelimit-limit", "20".parse().unwrap());
            response.headers_mut().insert("x-ratelimit-remaining", "19".parse().unwrap());
            response
        }
        // The spec answers 200 without a body schema.
        Method::DELETE => match state.members.remove(&id) {
            Some(_) => StatusCode::OK.into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        },
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}
