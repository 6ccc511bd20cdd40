//! A ZeroTier One service API with the embedded network controller, as documented in
//! `reference/` (SPEC §6): `X-ZT1-Auth` (or `?auth=` / `Bearer`), `/status` with the node
//! address, networks `address + suffix` upserted by POST (PUT is the same), members
//! created on POST with partial-update semantics, 404 for a member of an unknown network,
//! 401 with `{}`. Faults can be switched on: 500s, a refused token, hanging, a refused
//! connection.
//!
//! `api` holds the HTTP handlers; this file the simulator's state and its test-facing
//! controls.

mod api;

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::task::JoinHandle;

pub const TOKEN: &str = "zt-controller-test-token";

/// What to break, for every call or only for member writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fault {
    #[default]
    None,
    ServerError,
    Unauthorized,
    Hang,
    /// Only `POST …/member/{node}` hangs (the worker is mid-provisioning).
    HangMemberWrite,
    /// Only `POST …/member/{node}` answers 500.
    MemberWriteError,
    /// Only `DELETE …/member/{node}` answers 500 (taking a member off fails).
    MemberDeleteError,
}

#[derive(Default)]
struct Controller {
    address: String,
    networks: BTreeMap<String, Value>,
    members: BTreeMap<(String, String), Value>,
    fault: Fault,
    /// Every member write: (network, node, body).
    member_writes: Vec<(String, String, Value)>,
    in_flight: HashMap<String, usize>,
    max_in_flight_per_member: usize,
    calls: usize,
    /// The `x-request-id` of every call that sent one.
    request_ids: Vec<String>,
    /// `GET /peer`, by node address.
    peers: BTreeMap<String, Value>,
}

#[derive(Clone)]
pub struct ControllerSim {
    /// The controller's node address (`GET /status` → `address`).
    pub address: String,
    addr: SocketAddr,
    state: Arc<Mutex<Controller>>,
    server: Arc<Mutex<Option<JoinHandle<()>>>>,
}


impl ControllerSim {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(Controller { address: "1122334455".into(), ..Controller::default() }));
        let sim = Self { address: "1122334455".into(), addr, state, server: Arc::new(Mutex::new(None)) };
        sim.serve(listener);
        sim
    }

    fn serve(&self, listener: tokio::net::TcpListener) {
        let app = api::router(self.state.clone());
        let handle = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        *self.server.lock().unwrap() = Some(handle);
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops listening: calls get "connection refused".
    pub fn stop(&self) {
        if let Some(handle) = self.server.lock().unwrap().take() {
            handle.abort();
        }
    }

    /// Listens again on the same port.
    pub async fn restart(&self) {
        self.stop();
        tokio::time::sleep(Duration::from_millis(50)).await;
        let listener = tokio::net::TcpListener::bind(self.addr).await.expect("the port is free again");
        self.serve(listener);
    }

    pub fn set_fault(&self, fault: Fault) {
        self.state.lock().unwrap().fault = fault;
    }

    pub fn network(&self, nwid: &str) -> Option<Value> {
        self.state.lock().unwrap().networks.get(nwid).cloned()
    }

    /// Changes stored fields of a network as someone would by hand.
    pub fn edit_network(&self, nwid: &str, fields: Value) {
        let mut state = self.state.lock().unwrap();
        let network = state.networks.get_mut(nwid).expect("the network exists");
        for (key, value) in fields.as_object().expect("network fields are an object") {
            network[key] = value.clone();
        }
    }

    pub fn member(&self, nwid: &str, node: &str) -> Option<Value> {
        self.state.lock().unwrap().members.get(&(nwid.to_owned(), node.to_owned())).cloned()
    }

    /// A member created outside the portal (by hand, or by another tool): a new member
    /// with `fields` set, as the controller would store it.
    pub fn put_member(&self, nwid: &str, node: &str, fields: Value) {
        let mut member = api::new_member(nwid, node);
        for (key, value) in fields.as_object().expect("member fields are an object") {
            member[key] = value.clone();
        }
        member["revision"] = serde_json::json!(1);
        self.state.lock().unwrap().members.insert((nwid.to_owned(), node.to_owned()), member);
    }

    pub fn member_writes(&self) -> Vec<(String, String, Value)> {
        self.state.lock().unwrap().member_writes.clone()
    }

    /// Deletes a member as someone would by hand (`DELETE …/member/{node}`).
    pub fn remove_member(&self, nwid: &str, node: &str) {
        self.state.lock().unwrap().members.remove(&(nwid.to_owned(), node.to_owned()));
    }

    /// Changes stored fields of a member as someone would by hand.
    pub fn edit_member(&self, nwid: &str, node: &str, fields: Value) {
        let mut state = self.state.lock().unwrap();
        let member = state.members.get_mut(&(nwid.to_owned(), node.to_owned())).expect("the member exists");
        for (key, value) in fields.as_object().expect("member fields are an object") {
            member[key] = value.clone();
        }
    }

    /// Makes the controller node know `node` as a peer: `direct` with an active path (or
    /// reached through a relay), with its version, latency and last receive time.
    pub fn set_peer(&self, node: &str, direct: bool, version: &str, latency: i64, last_receive_ms: i64) {
        let paths = if direct {
            serde_json::json!([{"active": true, "address": "198.51.100.7/9993", "expired": false, "lastReceive": last_receive_ms,
                                "lastSend": last_receive_ms, "localSocket": 1, "preferred": true, "trustedPathId": 0}])
        } else {
            serde_json::json!([])
        };
        let (major, minor, rev) = {
            let v: Vec<i64> = version.split('.').map(|p| p.parse().unwrap_or(-1)).collect();
            (v.first().copied().unwrap_or(-1), v.get(1).copied().unwrap_or(-1), v.get(2).copied().unwrap_or(-1))
        };
        let peer = serde_json::json!({"address": node, "isBonded": false, "latency": latency, "paths": paths, "role": "LEAF",
            "version": version, "versionMajor": major, "versionMinor": minor, "versionRev": rev, "tunneled": false});
        self.state.lock().unwrap().peers.insert(node.to_owned(), peer);
    }

    /// The controller node forgets `node` (it went away).
    pub fn remove_peer(&self, node: &str) {
        self.state.lock().unwrap().peers.remove(node);
    }

    pub fn member_count(&self) -> usize {
        self.state.lock().unwrap().members.len()
    }

    /// Member writes that have started and not answered yet.
    pub fn writes_in_flight(&self) -> usize {
        self.state.lock().unwrap().in_flight.values().sum()
    }

    /// The most concurrent writes ever seen for one member.
    pub fn max_in_flight_per_member(&self) -> usize {
        self.state.lock().unwrap().max_in_flight_per_member
    }

    /// Every call received so far.
    pub fn calls(&self) -> usize {
        self.state.lock().unwrap().calls
    }

    /// The `x-request-id` headers received, in order.
    pub fn request_ids(&self) -> Vec<String> {
        self.state.lock().unwrap().request_ids.clone()
    }
}

