//! The ZeroTier One service API of a self-hosted network controller (the release path).
//! Header `X-ZT1-Auth`; networks are the controller's address plus a 6-hex suffix.

use async_trait::async_trait;
use reqwest::Method;
use serde_json::{json, Value};

use super::flow_rules;
use super::http::{AuthStyle, Http};
use super::{check_deauthorized, gone_is_done, ip_list, tagged_request, AuthorizeMember, MemberResult, ProviderError, ProviderErrorKind, ProviderSettings, RemoteMember, ZeroTierProvider};
use crate::types::{ControllerAddress, Ipv6Prefix, NetworkId, NodeId};

/// How an exchange network must look on the controller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControllerNetworkSpec {
    pub id: NetworkId,
    pub name: String,
    pub ipv6_prefix: Ipv6Prefix,
}

impl ControllerNetworkSpec {
    /// The flow rules of the peering LAN (`flow_rules`), in the controller's JSON form.
    pub fn rules(&self) -> Vec<Value> {
        flow_rules::to_json(&flow_rules::peering_lan())
    }

    /// The settings we own: name, private, no IPv4/IPv6 auto-assignment, the /64 routed,
    /// the peering LAN's flow rules.
    fn body(&self) -> Value {
        json!({
            "name": self.name,
            "private": true,
            "v4AssignMode": {"zt": false},
            "v6AssignMode": {"zt": false, "rfc4193": false, "6plane": false},
            "routes": [{"target": self.ipv6_prefix.to_string(), "via": null}],
            "rules": self.rules(),
        })
    }

    /// Whether the controller's network already has our settings.
    fn matches(&self, network: &Value) -> bool {
        let routes_ok = network["routes"].as_array().is_some_and(|routes| {
            routes.iter().any(|r| r["target"].as_str() == Some(&self.ipv6_prefix.to_string()))
        });
        network["name"].as_str() == Some(self.name.as_str())
            && network["private"].as_bool() == Some(true)
            && network["v4AssignMode"]["zt"].as_bool() != Some(true)
            && network["v6AssignMode"]["zt"].as_bool() != Some(true)
            && routes_ok
            && flow_rules::normalize(&network["rules"]) == self.rules()
    }
}

#[derive(Debug)]
pub struct SelfHostedController {
    http: Http,
}

impl SelfHostedController {
    pub fn new(settings: ProviderSettings) -> Result<Self, ProviderError> {
        Ok(Self { http: Http::new(&settings, AuthStyle::ZeroTierOne, "controller")? })
    }

    fn invalid(&self, operation: &str, path: &str, detail: impl Into<String>) -> ProviderError {
        ProviderError::new(ProviderErrorKind::InvalidResponse, operation, self.http.url(path), detail)
    }
}

#[async_trait]
impl ZeroTierProvider for SelfHostedController {
    fn name(&self) -> &'static str {
        "self_hosted_controller"
    }

    async fn check(&self) -> Result<Option<ControllerAddress>, ProviderError> {
        let operation = "reading the controller status";
        let (_, status) = self.http.send(operation, Method::GET, "/status", None).await?;
        let address = status["address"].as_str().unwrap_or_default();
        let address = ControllerAddress::parse(address)
            .map_err(|e| self.invalid(operation, "/status", format!("no valid node address in /status: {e}")))?;
        let (_, controller) = self.http.send("checking the network controller", Method::GET, "/controller", None).await?;
        if controller["controller"].as_bool() != Some(true) {
            return Err(self.invalid("checking the network controller", "/controller", "this ZeroTier node does not run a network controller"));
        }
        Ok(Some(address))
    }

    async fn validate_network(&self, network: &NetworkId) -> Result<(), ProviderError> {
        let path = format!("/controller/network/{network}");
        self.http.send(&format!("checking network {network}"), Method::GET, &path, None).await?;
        Ok(())
    }

    async fn member(&self, network: &NetworkId, node: &NodeId) -> Result<Option<RemoteMember>, ProviderError> {
        let operation = format!("reading node {node} on network {network}");
        let path = format!("/controller/network/{network}/member/{node}");
        match self.http.send(&operation, Method::GET, &path, None).await {
            Ok((_, member)) => Ok(Some(RemoteMember {
                authorized: member["authorized"].as_bool() == Some(true),
                ip_assignments: ip_list(&member["ipAssignments"]),
                // The portal names members "AS<asn> <request id>".
                request_id: tagged_request(member["name"].as_str(), "AS"),
            })),
            Err(e) if e.kind == ProviderErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn node_states(&self, _network: &NetworkId) -> Result<std::collections::HashMap<String, super::NodeSeen>, ProviderError> {
        let (_, peers) = self.http.send("reading the controller's peers", Method::GET, "/peer", None).await?;
        Ok(peers.as_array().into_iter().flatten().filter_map(peer_seen).collect())
    }

    async fn authorize_member(&self, member: &AuthorizeMember<'_>) -> Result<MemberResult, ProviderError> {
        let operation = format!("authorizing node {} on network {}", member.node, member.network);
        let path = format!("/controller/network/{}/member/{}", member.network, member.node);
        let ips: Vec<String> = member.ip_assignments.iter().map(ToString::to_string).collect();
        let body = json!({
            "authorized": true,
            "ipAssignments": ips,
            "noAutoAssignIps": true,
            "name": format!("AS{} {}", member.asn, member.request_id),
        });
        let (_, answer) = self.http.send(&operation, Method::POST, &path, Some(&body)).await?;
        let assigned: Vec<String> = answer["ipAssignments"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        let authorized = answer["authorized"].as_bool() == Some(true);
        if !authorized || ips.iter().any(|ip| !assigned.contains(ip)) {
            return Err(self.invalid(&operation, &path, format!("the member was not stored as asked (authorized: {authorized}, ipAssignments: {assigned:?})")));
        }
        Ok(MemberResult {
            member_id: answer["id"].as_str().unwrap_or(member.node.as_str()).to_owned(),
            is_authorized: authorized,
            assigned_ips: assigned,
            provider_name: self.name(),
        })
    }

    async fn deauthorize_member(&self, network: &NetworkId, node: &NodeId) -> Result<(), ProviderError> {
        let operation = format!("deauthorizing node {node} on network {network}");
        let path = format!("/controller/network/{network}/member/{node}");
        let (_, answer) = self.http.send(&operation, Method::POST, &path, Some(&json!({"authorized": false}))).await?;
        check_deauthorized(answer["authorized"].as_bool(), |detail| self.invalid(&operation, &path, detail))
    }

    async fn delete_member(&self, network: &NetworkId, node: &NodeId) -> Result<(), ProviderError> {
        if self.member(network, node).await?.is_none() {
            return Ok(());
        }
        self.deauthorize_member(network, node).await?;
        let operation = format!("deleting node {node} on network {network}");
        let path = format!("/controller/network/{network}/member/{node}");
        gone_is_done(self.http.send(&operation, Method::DELETE, &path, None).await)
    }

    async fn network_as_configured(&self, spec: &ControllerNetworkSpec) -> Result<bool, ProviderError> {
        let path = format!("/controller/network/{}", spec.id);
        let (_, network) = self.http.send(&format!("reading network {}", spec.id), Method::GET, &path, None).await?;
        Ok(spec.matches(&network))
    }

    async fn reconcile_network(&self, spec: &ControllerNetworkSpec) -> Result<bool, ProviderError> {
        let path = format!("/controller/network/{}", spec.id);
        let operation = format!("reconciling network {}", spec.id);
        let current = match self.http.send(&operation, Method::GET, &path, None).await {
            Ok((_, network)) => Some(network),
            Err(e) if e.kind == ProviderErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        if current.as_ref().is_some_and(|n| spec.matches(n)) {
            return Ok(false);
        }
        let (_, stored) = self.http.send(&operation, Method::POST, &path, Some(&spec.body())).await?;
        if !spec.matches(&stored) {
            return Err(self.invalid(&operation, &path, "the controller did not keep the network settings"));
        }
        Ok(true)
    }

    fn set_token(&self, token: secrecy::SecretString) {
        self.http.set_token(token);
    }
}

/// A peer of the controller node (`GET /peer`): online over a direct path, relayed when
/// it is reached only through a relay (no active direct path, or a TCP tunnel).
fn peer_seen(peer: &Value) -> Option<(String, super::NodeSeen)> {
    use contract::view::NodeStatus;
    let address = peer["address"].as_str()?.to_ascii_lowercase();
    let paths: Vec<&Value> = peer["paths"].as_array().map(|p| p.iter().collect()).unwrap_or_default();
    let direct = paths.iter().any(|p| p["active"].as_bool() == Some(true) && p["expired"].as_bool() != Some(true));
    let tunneled = peer["tunneled"].as_bool() == Some(true);
    let state = if direct && !tunneled { NodeStatus::Online } else { NodeStatus::Relayed };
    let last_seen_ms = paths.iter().filter_map(|p| p["lastReceive"].as_i64()).filter(|t| *t > 0).max();
    let version = peer["version"].as_str().filter(|v| !v.starts_with('-') && !v.is_empty()).map(|v| v.chars().take(32).collect());
    let latency_ms = peer["latency"].as_i64().filter(|l| *l >= 0).and_then(|l| i32::try_from(l).ok());
    Some((address, super::NodeSeen { state, last_seen_ms, version, latency_ms }))
}

#[cfg(test)]
mod tests {
    use contract::view::NodeStatus;
    use serde_json::json;

    use super::peer_seen;

    fn path(active: bool, expired: bool, last_receive: i64) -> serde_json::Value {
        json!({"active": active, "address": "198.51.100.7/9993", "expired": expired, "lastReceive": last_receive,
               "lastSend": last_receive, "localSocket": 1, "preferred": active, "trustedPathId": 0})
    }

    fn peer(paths: Vec<serde_json::Value>, tunneled: bool) -> serde_json::Value {
        json!({"address": "AbCdEf0123", "isBonded": false, "latency": 12, "paths": paths, "role": "LEAF", "version": "1.14.2",
               "versionMajor": 1, "versionMinor": 14, "versionRev": 2, "tunneled": tunneled})
    }

    #[test]
    fn a_direct_path_is_online_anything_else_relayed() {
        let (node, seen) = peer_seen(&peer(vec![path(true, false, 1_700_000_000_000)], false)).unwrap();
        assert_eq!(node, "abcdef0123");
        assert_eq!((seen.state, seen.last_seen_ms, seen.version.as_deref(), seen.latency_ms), (NodeStatus::Online, Some(1_700_000_000_000), Some("1.14.2"), Some(12)));
        assert_eq!(peer_seen(&peer(vec![path(true, false, 1)], true)).unwrap().1.state, NodeStatus::Relayed, "a TCP tunnel is a relay");
        assert_eq!(peer_seen(&peer(vec![path(true, true, 1)], false)).unwrap().1.state, NodeStatus::Relayed, "an expired path does not count");
        assert_eq!(peer_seen(&peer(vec![], false)).unwrap().1.state, NodeStatus::Relayed);
        let unknown = json!({"address": "abcdef0123", "latency": -1, "paths": [], "version": "-1.-1.-1", "tunneled": false});
        let (_, seen) = peer_seen(&unknown).unwrap();
        assert_eq!((seen.version, seen.latency_ms, seen.last_seen_ms), (None, None, None));
        assert!(peer_seen(&json!({"paths": []})).is_none(), "a peer without an address is skipped");
    }
}
