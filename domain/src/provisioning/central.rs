//! ZeroTier Central (compatibility): `Authorization: token …`, members under `config`,
//! 429 retried with backoff honouring `Retry-After`.

use async_trait::async_trait;
use reqwest::Method;
use serde_json::json;

use super::flow_rules;
use super::http::{AuthStyle, Http};
use super::{
    check_deauthorized, gone_is_done, ip_list, tagged_request, AuthorizeMember, ControllerNetworkSpec, MemberResult, ProviderError, ProviderErrorKind,
    ProviderSettings, RemoteMember, ZeroTierProvider,
};
use crate::types::{ControllerAddress, NetworkId, NodeId};

/// How the portal describes the members it writes; the request id follows.
const DESCRIPTION_PREFIX: &str = "ZT-IX join request";

#[derive(Debug)]
pub struct Central {
    http: Http,
}

impl Central {
    pub fn new(settings: ProviderSettings) -> Result<Self, ProviderError> {
        Ok(Self { http: Http::new(&settings, AuthStyle::Central, "ZeroTier Central")? })
    }
}

#[async_trait]
impl ZeroTierProvider for Central {
    fn name(&self) -> &'static str {
        "central"
    }

    async fn check(&self) -> Result<Option<ControllerAddress>, ProviderError> {
        self.http.send("reading the ZeroTier Central status", Method::GET, "/status", None).await?;
        Ok(None)
    }

    async fn validate_network(&self, network: &NetworkId) -> Result<(), ProviderError> {
        let path = format!("/network/{network}");
        self.http.send(&format!("checking network {network}"), Method::GET, &path, None).await?;
        Ok(())
    }

    async fn member(&self, network: &NetworkId, node: &NodeId) -> Result<Option<RemoteMember>, ProviderError> {
        let operation = format!("reading node {node} on network {network}");
        let path = format!("/network/{network}/member/{node}");
        match self.http.send(&operation, Method::GET, &path, None).await {
            Ok((_, member)) => Ok(Some(RemoteMember {
                authorized: member["config"]["authorized"].as_bool() == Some(true),
                ip_assignments: ip_list(&member["config"]["ipAssignments"]),
                request_id: tagged_request(member["description"].as_str(), DESCRIPTION_PREFIX),
            })),
            Err(e) if e.kind == ProviderErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn node_states(&self, network: &NetworkId) -> Result<std::collections::HashMap<String, super::NodeSeen>, ProviderError> {
        let path = format!("/network/{network}/member");
        let (_, members) = self.http.send(&format!("reading the members of network {network}"), Method::GET, &path, None).await?;
        let now = chrono::Utc::now().timestamp_millis();
        Ok(members.as_array().into_iter().flatten().filter_map(|m| member_seen(m, now)).collect())
    }

    async fn authorize_member(&self, member: &AuthorizeMember<'_>) -> Result<MemberResult, ProviderError> {
        let operation = format!("authorizing node {} on network {}", member.node, member.network);
        let path = format!("/network/{}/member/{}", member.network, member.node);
        let ips: Vec<String> = member.ip_assignments.iter().map(ToString::to_string).collect();
        let body = json!({
            "name": format!("AS{}", member.asn),
            "description": format!("{DESCRIPTION_PREFIX} {}", member.request_id),
            "config": {"authorized": true, "ipAssignments": ips, "noAutoAssignIps": true},
        });
        let (_, answer) = self.http.send(&operation, Method::POST, &path, Some(&body)).await?;
        let config = &answer["config"];
        let assigned: Vec<String> = config["ipAssignments"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        let authorized = config["authorized"].as_bool() == Some(true);
        if !authorized || ips.iter().any(|ip| !assigned.contains(ip)) {
            return Err(ProviderError::new(
                ProviderErrorKind::InvalidResponse,
                operation,
                self.http.url(&path),
                format!("the member was not stored as asked (authorized: {authorized}, ipAssignments: {assigned:?})"),
            ));
        }
        Ok(MemberResult {
            member_id: answer["id"].as_str().map(str::to_owned).unwrap_or_else(|| format!("{}-{}", member.network, member.node)),
            is_authorized: authorized,
            assigned_ips: assigned,
            provider_name: self.name(),
        })
    }

    async fn deauthorize_member(&self, network: &NetworkId, node: &NodeId) -> Result<(), ProviderError> {
        let operation = format!("deauthorizing node {node} on network {network}");
        let path = format!("/network/{network}/member/{node}");
        let body = json!({"config": {"authorized": false}});
        let (_, answer) = self.http.send(&operation, Method::POST, &path, Some(&body)).await?;
        check_deauthorized(answer["config"]["authorized"].as_bool(), |detail| {
            ProviderError::new(ProviderErrorKind::InvalidResponse, operation.clone(), self.http.url(&path), detail)
        })
    }

    async fn delete_member(&self, network: &NetworkId, node: &NodeId) -> Result<(), ProviderError> {
        if self.member(network, node).await?.is_none() {
            return Ok(());
        }
        self.deauthorize_member(network, node).await?;
        let operation = format!("deleting node {node} on network {network}");
        let path = format!("/network/{network}/member/{node}");
        gone_is_done(self.http.send(&operation, Method::DELETE, &path, None).await)
    }

    /// Central networks are managed in Central; the portal owns only their flow rules
    /// (`config.rules`).
    async fn network_as_configured(&self, spec: &ControllerNetworkSpec) -> Result<bool, ProviderError> {
        let path = format!("/network/{}", spec.id);
        let (_, network) = self.http.send(&format!("reading network {}", spec.id), Method::GET, &path, None).await?;
        Ok(flow_rules::normalize(&network["config"]["rules"]) == spec.rules())
    }

    async fn reconcile_network(&self, spec: &ControllerNetworkSpec) -> Result<bool, ProviderError> {
        if self.network_as_configured(spec).await? {
            return Ok(false);
        }
        let path = format!("/network/{}", spec.id);
        let operation = format!("setting the flow rules of network {}", spec.id);
        let (_, stored) = self.http.send(&operation, Method::POST, &path, Some(&json!({"config": {"rules": spec.rules()}}))).await?;
        if flow_rules::normalize(&stored["config"]["rules"]) != spec.rules() {
            return Err(ProviderError::new(ProviderErrorKind::InvalidResponse, operation, self.http.url(&path), "Central did not keep the flow rules"));
        }
        Ok(true)
    }

    fn set_token(&self, token: secrecy::SecretString) {
        self.http.set_token(token);
    }
}

/// A node checks in with its controller every few minutes while it runs.
const CENTRAL_ONLINE_WITHIN_MS: i64 = 5 * 60 * 1000;

/// A member of Central's member list: online when it checked in lately. Central does not
/// say whether the node is relayed.
fn member_seen(member: &serde_json::Value, now_ms: i64) -> Option<(String, super::NodeSeen)> {
    use contract::view::NodeStatus;
    let node = member["nodeId"].as_str()?.to_ascii_lowercase();
    let last_seen_ms = member["lastSeen"].as_i64().or_else(|| member["lastOnline"].as_i64()).filter(|t| *t > 0);
    let state = match last_seen_ms {
        None => NodeStatus::Unseen,
        Some(t) if now_ms - t <= CENTRAL_ONLINE_WITHIN_MS => NodeStatus::Online,
        Some(_) => NodeStatus::Offline,
    };
    let version = member["clientVersion"].as_str().filter(|v| !v.is_empty() && !v.starts_with('-')).map(|v| v.chars().take(32).collect());
    Some((node, super::NodeSeen { state, last_seen_ms, version, latency_ms: None }))
}

#[cfg(test)]
mod tests {
    use contract::view::NodeStatus;
    use serde_json::json;

    use super::member_seen;

    #[test]
    fn a_recent_check_in_is_online_an_old_one_offline_none_unseen() {
        let now = 1_800_000_000_000;
        let member = |last_seen: serde_json::Value| json!({"nodeId": "ABCDEF0123", "lastSeen": last_seen, "clientVersion": "1.14.2"});
        let (node, seen) = member_seen(&member(json!(now - 60_000)), now).unwrap();
        assert_eq!((node.as_str(), seen.state, seen.version.as_deref()), ("abcdef0123", NodeStatus::Online, Some("1.14.2")));
        assert_eq!(member_seen(&member(json!(now - 3_600_000)), now).unwrap().1.state, NodeStatus::Offline);
        assert_eq!(member_seen(&member(json!(0)), now).unwrap().1.state, NodeStatus::Unseen);
        assert_eq!(member_seen(&member(serde_json::Value::Null), now).unwrap().1.state, NodeStatus::Unseen);
    }
}
