//! The service API of the simulated controller: authentication, faults, and the
//! `/status`, `/controller`, network and member endpoints.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use super::{Controller, Fault, TOKEN};

/// Every route of the simulated service API.
pub(super) fn router(state: Arc<Mutex<Controller>>) -> Router {
    Router::new()
        .route("/status", get(status))
        .route("/controller", get(controller))
        .route("/controller/network", get(list_networks))
        .route("/controller/network/{nwid}", any(network))
        .route("/controller/network/{nwid}/member", get(list_members))
        .route("/controller/network/{nwid}/member/{node}", any(member))
        .route("/peer", get(peers))
        .with_state(state)
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn new_network(id: &str) -> Value {
    json!({
        "authTokens": [null], "authorizationEndpoint": "", "capabilities": [], "clientId": "",
        "creationTime": now_ms(), "dns": [], "enableBroadcast": true, "id": id, "ipAssignmentPools": [],
        "mtu": 2800, "multicastLimit": 32, "name": "", "nwid": id, "objtype": "network", "private": true,
        "remoteTraceLevel": 0, "remoteTraceTarget": null, "revision": 0, "routes": [],
        "rules": [{"not": false, "or": false, "type": "ACTION_ACCEPT"}], "rulesSource": "", "ssoEnabled": false,
        "tags": [], "v4AssignMode": {"zt": false}, "v6AssignMode": {"6plane": false, "rfc4193": false, "zt": false}
    })
}

pub(super) fn new_member(nwid: &str, node: &str) -> Value {
    json!({
        "activeBridge": false, "address": node, "authenticationExpiryTime": 0, "authorized": false,
        "capabilities": [], "creationTime": now_ms(), "id": node, "ipAssignments": [],
        "lastAuthorizedCredential": null, "lastAuthorizedCredentialType": null, "lastAuthorizedTime": 0,
        "lastDeauthorizedTime": 0, "noAutoAssignIps": false, "nwid": nwid, "objtype": "member",
        "remoteTraceLevel": 0, "remoteTraceTarget": null, "revision": 0, "ssoExempt": false, "tags": [],
        "vMajor": -1, "vMinor": -1, "vProto": -1, "vRev": -1
    })
}

/// Saves `updated` over `stored`, bumping `revision` only when something changed.
fn save(stored: &mut Value, updated: Value) {
    let revision = stored["revision"].as_i64().unwrap_or(0);
    let mut a = stored.clone();
    let mut b = updated.clone();
    a.as_object_mut().unwrap().remove("revision");
    b.as_object_mut().unwrap().remove("revision");
    *stored = updated;
    stored["revision"] = json!(if a == b { revision.max(1) } else { revision + 1 });
}

fn authorized(headers: &HeaderMap, query: &HashMap<String, String>) -> bool {
    if let Some(v) = headers.get("x-zt1-auth") {
        return v.to_str().ok() == Some(TOKEN);
    }
    if let Some(v) = query.get("auth") {
        return v == TOKEN;
    }
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .is_some_and(|(scheme, token)| scheme.eq_ignore_ascii_case("bearer") && token == TOKEN)
}

fn unauthorized() -> Response {
    (StatusCode::UNAUTHORIZED, [("content-type", "application/json")], "{}").into_response()
}

fn body_json(body: &Bytes) -> Result<Map<String, Value>, Response> {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.as_object().cloned())
        .ok_or_else(|| (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({"error": 500, "description": "[json.exception.parse_error.101]"}))).into_response())
}

/// `ip[/n]` → the bare, canonical IP; anything without `.` or `:` is dropped.
fn canonical_ip(raw: &str) -> Option<String> {
    let ip = raw.split('/').next().unwrap_or_default();
    if !ip.contains('.') && !ip.contains(':') {
        return None;
    }
    Some(ip.parse::<std::net::IpAddr>().map(|i| i.to_string()).unwrap_or_else(|_| "0.0.0.0".into()))
}


type Shared = State<Arc<Mutex<Controller>>>;

/// Auth and the global faults; `Some` is the answer to give instead.
async fn gate(state: &Arc<Mutex<Controller>>, headers: &HeaderMap, query: &HashMap<String, String>) -> Option<Response> {
    let fault = {
        let mut s = state.lock().unwrap();
        s.calls += 1;
        if let Some(id) = headers.get("x-request-id").and_then(|v| v.to_str().ok()) {
            s.request_ids.push(id.to_owned());
        }
        s.fault
    };
    match fault {
        Fault::Hang => {
            tokio::time::sleep(Duration::from_secs(600)).await;
            None
        }
        Fault::ServerError => Some((StatusCode::INTERNAL_SERVER_ERROR, Json(json!({"error": 500, "description": "injected failure"}))).into_response()),
        Fault::Unauthorized => Some(unauthorized()),
        _ if !authorized(headers, query) => Some(unauthorized()),
        _ => None,
    }
}

/// `GET /peer`: the peers the controller node knows, in the `Peer` shape of
/// `zerotier-service-api.yaml` (set by the tests with `ControllerSim::set_peer`).
async fn peers(State(s): Shared, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    if let Some(r) = gate(&s, &headers, &q).await {
        return r;
    }
    let peers: Vec<Value> = s.lock().unwrap().peers.values().cloned().collect();
    Json(Value::Array(peers)).into_response()
}

async fn status(State(s): Shared, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    if let Some(r) = gate(&s, &headers, &q).await {
        return r;
    }
    let address = s.lock().unwrap().address.clone();
    Json(json!({
        "address": address, "clock": now_ms(), "online": true, "planetWorldId": 149604618,
        "publicIdentity": format!("{address}:0:abcdef"), "tcpFallbackActive": false, "version": "1.14.1",
        "versionBuild": 0, "versionMajor": 1, "versionMinor": 14, "versionRev": 1,
        "config": {"settings": {"primaryPort": 9993}}
    }))
    .into_response()
}

async fn controller(State(s): Shared, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    if let Some(r) = gate(&s, &headers, &q).await {
        return r;
    }
    Json(json!({"apiVersion": 4, "clock": now_ms(), "controller": true, "databaseReady": true})).into_response()
}

async fn list_networks(State(s): Shared, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    if let Some(r) = gate(&s, &headers, &q).await {
        return r;
    }
    let ids: Vec<String> = s.lock().unwrap().networks.keys().cloned().collect();
    Json(json!(ids)).into_response()
}

async fn network(
    State(s): Shared,
    method: Method,
    Path(nwid): Path<String>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    if let Some(r) = gate(&s, &headers, &q).await {
        return r;
    }
    let mut state = s.lock().unwrap();
    match method {
        Method::GET => state.networks.get(&nwid).map_or_else(|| StatusCode::NOT_FOUND.into_response(), |n| Json(n.clone()).into_response()),
        Method::POST | Method::PUT => {
            let patch = match body_json(&body) {
                Ok(p) => p,
                Err(r) => return r,
            };
            let stored = state.networks.entry(nwid.clone()).or_insert_with(|| new_network(&nwid));
            let mut updated = stored.clone();
            for key in ["name", "private", "enableBroadcast", "multicastLimit", "mtu", "v4AssignMode", "v6AssignMode", "routes", "ipAssignmentPools", "dns"] {
                if let Some(value) = patch.get(key) {
                    updated[key] = value.clone();
                }
            }
            if let Some(Value::Array(rules)) = patch.get("rules") {
                updated["rules"] = Value::Array(rules.iter().filter_map(render_rule).collect());
            }
            updated["id"] = json!(nwid);
            updated["nwid"] = json!(nwid);
            save(stored, updated);
            Json(stored.clone()).into_response()
        }
        Method::DELETE => match state.networks.remove(&nwid) {
            Some(n) => Json(n).into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        },
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn list_members(State(s): Shared, Path(nwid): Path<String>, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    if let Some(r) = gate(&s, &headers, &q).await {
        return r;
    }
    let state = s.lock().unwrap();
    if !state.networks.contains_key(&nwid) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let members: Map<String, Value> = state
        .members
        .iter()
        .filter(|((n, _), _)| *n == nwid)
        .map(|((_, node), m)| (node.clone(), m["revision"].clone()))
        .collect();
    Json(Value::Object(members)).into_response()
}

async fn member(
    State(s): Shared,
    method: Method,
    Path((nwid, node)): Path<(String, String)>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    if let Some(r) = gate(&s, &headers, &q).await {
        return r;
    }
    let key = (nwid.clone(), node.clone());
    if matches!(method, Method::POST | Method::PUT) {
        let fault = s.lock().unwrap().fault;
        if fault == Fault::MemberWriteError {
            return (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({"error": 500, "description": "injected"}))).into_response();
        }
        {
            let mut state = s.lock().unwrap();
            let count = state.in_flight.entry(node.clone()).or_default();
            *count += 1;
            let now = *count;
            state.max_in_flight_per_member = state.max_in_flight_per_member.max(now);
        }
        if fault == Fault::HangMemberWrite {
            tokio::time::sleep(Duration::from_secs(600)).await;
        }
        // a little work, so overlapping writes would be seen
        tokio::time::sleep(Duration::from_millis(2)).await;
        let answer = write_member(&s, &key, &body);
        *s.lock().unwrap().in_flight.entry(node).or_default() -= 1;
        return answer;
    }
    let mut state = s.lock().unwrap();
    match method {
        Method::GET => state.members.get(&key).map_or_else(|| StatusCode::NOT_FOUND.into_response(), |m| Json(m.clone()).into_response()),
        Method::DELETE if state.fault == Fault::MemberDeleteError => {
            (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({"error": 500, "description": "injected"}))).into_response()
        }
        Method::DELETE => match state.members.remove(&key) {
            Some(m) => Json(m).into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        },
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// One rule entry as the controller stores it: parsed and rendered again, so an unknown
/// `type` is left out silently, actions come back with only their own fields, matches
/// always with `not` and `or` (keys sorted, as the controller's JSON library writes them).
fn render_rule(entry: &Value) -> Option<Value> {
    const MATCHES: [&str; 27] = [
        "MATCH_SOURCE_ZEROTIER_ADDRESS", "MATCH_DEST_ZEROTIER_ADDRESS", "MATCH_VLAN_ID", "MATCH_VLAN_PCP", "MATCH_VLAN_DEI",
        "MATCH_MAC_SOURCE", "MATCH_MAC_DEST", "MATCH_IPV4_SOURCE", "MATCH_IPV4_DEST", "MATCH_IPV6_SOURCE", "MATCH_IPV6_DEST",
        "MATCH_IP_TOS", "MATCH_IP_PROTOCOL", "MATCH_ETHERTYPE", "MATCH_ICMP", "MATCH_IP_SOURCE_PORT_RANGE",
        "MATCH_IP_DEST_PORT_RANGE", "MATCH_CHARACTERISTICS", "MATCH_FRAME_SIZE_RANGE", "MATCH_RANDOM", "MATCH_TAGS_DIFFERENCE",
        "MATCH_TAGS_BITWISE_AND", "MATCH_TAGS_BITWISE_OR", "MATCH_TAGS_BITWISE_XOR", "MATCH_TAGS_EQUAL", "MATCH_TAG_SENDER",
        "MATCH_TAG_RECEIVER",
    ];
    const ACTIONS: [&str; 6] = ["ACTION_DROP", "ACTION_ACCEPT", "ACTION_TEE", "ACTION_WATCH", "ACTION_REDIRECT", "ACTION_BREAK"];
    let mut entry = entry.as_object()?.clone();
    let kind = entry.get("type")?.as_str()?.to_owned();
    if ACTIONS.contains(&kind.as_str()) {
        entry.remove("not");
        entry.remove("or");
    } else if MATCHES.contains(&kind.as_str()) {
        for key in ["not", "or"] {
            let value = entry.get(key).and_then(Value::as_bool).unwrap_or(false);
            entry.insert(key.into(), json!(value));
        }
    } else {
        return None;
    }
    Some(Value::Object(entry))
}

fn write_member(s: &Arc<Mutex<Controller>>, key: &(String, String), body: &Bytes) -> Response {
    let patch = match body_json(body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let mut state = s.lock().unwrap();
    if !state.networks.contains_key(&key.0) {
        return StatusCode::NOT_FOUND.into_response();
    }
    state.member_writes.push((key.0.clone(), key.1.clone(), Value::Object(patch.clone())));
    let stored = state.members.entry(key.clone()).or_insert_with(|| new_member(&key.0, &key.1));
    let mut updated = stored.clone();
    if let Some(Value::Bool(want)) = patch.get("authorized") {
        if updated["authorized"].as_bool() != Some(*want) {
            updated["authorized"] = json!(want);
            if *want {
                updated["lastAuthorizedTime"] = json!(now_ms());
                updated["lastAuthorizedCredentialType"] = json!("api");
            } else {
                updated["lastDeauthorizedTime"] = json!(now_ms());
            }
        }
    }
    if let Some(Value::Array(ips)) = patch.get("ipAssignments") {
        let ips: Vec<String> = ips.iter().filter_map(|v| v.as_str()).filter_map(canonical_ip).collect();
        updated["ipAssignments"] = json!(ips);
    }
    for key in ["noAutoAssignIps", "activeBridge", "name"] {
        if let Some(value) = patch.get(key) {
            updated[key] = value.clone();
        }
    }
    save(stored, updated);
    Json(stored.clone()).into_response()
}
