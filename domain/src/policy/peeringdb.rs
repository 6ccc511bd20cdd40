//! PeeringDB's network records (`GET /api/net?asn__in=…`), read for the route-server
//! policy of each member: name, AS-SET, recommended max-prefix per family and whether
//! the network announces via route servers at all; and the networks' entries on the
//! exchange's LAN (`GET /api/netixlan?ixlan_id=…`), compared with the portal's.
//!
//! Anonymous unless an API key is configured (`Authorization: Api-Key <key>`); every
//! call is timed out and its answer bounded; `429` is reported with its `Retry-After`.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use url::Url;

/// Most ASNs per call (PeeringDB's documented batch size).
pub const BATCH: usize = 150;
/// Largest answer read (150 trimmed records are a few tens of kB).
const MAX_BODY: usize = 4 * 1024 * 1024;

/// How to reach the PeeringDB API.
#[derive(Clone)]
pub struct PeeringDbApi {
    base: Url,
    key: Option<SecretString>,
    client: reqwest::Client,
}

impl std::fmt::Debug for PeeringDbApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PeeringDbApi").field("base", &self.base.as_str()).field("key", &self.key.as_ref().map(|_| "[set]")).finish()
    }
}

/// One network record, the fields the policy uses.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct NetRecord {
    pub id: i64,
    pub asn: i64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub irr_as_set: Option<String>,
    #[serde(default)]
    pub info_prefixes4: Option<i64>,
    #[serde(default)]
    pub info_prefixes6: Option<i64>,
    #[serde(default)]
    pub info_never_via_route_servers: bool,
}

/// One network's entry on an exchange LAN, the fields the checks compare.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct NetixlanRecord {
    pub id: i64,
    pub asn: i64,
    #[serde(default)]
    pub ipaddr4: Option<String>,
    #[serde(default)]
    pub ipaddr6: Option<String>,
    #[serde(default)]
    pub is_rs_peer: bool,
    #[serde(default = "yes")]
    pub operational: bool,
    #[serde(default)]
    pub status: Option<String>,
}

fn yes() -> bool {
    true
}

/// Why a call gave no records.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("PeeringDB throttled the request (429){}", .retry_after.map(|d| format!("; retry after {} s", d.as_secs())).unwrap_or_default())]
    Throttled { retry_after: Option<Duration> },
    #[error("{0}")]
    Failed(String),
}

#[derive(Deserialize)]
struct Envelope {
    data: Vec<serde_json::Value>,
}

impl PeeringDbApi {
    /// `base` is the API root (`https://www.peeringdb.com/api`).
    pub fn new(base: Url, key: Option<SecretString>, timeout: Duration) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("zt-ix/", env!("CARGO_PKG_VERSION"), " (route-server policy)"))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let mut base = base;
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        Ok(Self { base, key, client })
    }

    /// The records of these ASNs (at most [`BATCH`]); an ASN PeeringDB does not know is
    /// simply absent from the answer.
    pub async fn networks(&self, asns: &[i64]) -> Result<Vec<NetRecord>, FetchError> {
        let list = asns.iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
        let fields = "id,asn,name,irr_as_set,info_prefixes4,info_prefixes6,info_never_via_route_servers";
        let data = self.list("net", &[("asn__in", &list), ("fields", fields)]).await?;
        // One malformed record must not hide the others.
        Ok(data.into_iter().filter_map(|v| serde_json::from_value::<NetRecord>(v).ok()).filter(|r| asns.contains(&r.asn)).collect())
    }

    /// Every network's entry on the exchange's LAN (`GET /api/netixlan?ixlan_id=…`).
    pub async fn netixlans(&self, ixlan_id: u32) -> Result<Vec<NetixlanRecord>, FetchError> {
        let fields = "id,net_id,asn,ixlan_id,ipaddr4,ipaddr6,is_rs_peer,operational,speed,status";
        let data = self.list("netixlan", &[("ixlan_id", &ixlan_id.to_string()), ("fields", fields)]).await?;
        Ok(data.into_iter().filter_map(|v| serde_json::from_value::<NetixlanRecord>(v).ok()).filter(|r| r.status.as_deref().is_none_or(|s| s == "ok")).collect())
    }

    /// One list query: the `data` array of the documented envelope.
    async fn list(&self, tag: &str, query: &[(&str, &str)]) -> Result<Vec<serde_json::Value>, FetchError> {
        let mut url = self.base.join(tag).map_err(|e| FetchError::Failed(e.to_string()))?;
        url.query_pairs_mut().extend_pairs(query);
        let mut request = self.client.get(url).header(reqwest::header::ACCEPT, "application/json");
        if let Some(key) = &self.key {
            request = request.header(reqwest::header::AUTHORIZATION, format!("Api-Key {}", key.expose_secret()));
        }
        let response = request.send().await.map_err(|e| {
            FetchError::Failed(if e.is_timeout() {
                format!("PeeringDB did not answer within the timeout ({})", self.base)
            } else if e.is_connect() {
                format!("PeeringDB could not be reached ({})", self.base)
            } else {
                format!("PeeringDB: {e}")
            })
        })?;
        let status = response.status();
        if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            return Err(FetchError::Throttled { retry_after: crate::provisioning::http::retry_after(&response) });
        }
        let body = read_bounded(response).await?;
        if !status.is_success() {
            let said = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v["meta"]["error"].as_str().map(str::to_owned))
                .unwrap_or_default();
            return Err(FetchError::Failed(format!("PeeringDB answered {status}{}", if said.is_empty() { String::new() } else { format!(": {said}") })));
        }
        let envelope: Envelope =
            serde_json::from_slice(&body).map_err(|e| FetchError::Failed(format!("PeeringDB's answer is not the documented envelope: {e}")))?;
        Ok(envelope.data)
    }
}

async fn read_bounded(mut response: reqwest::Response) -> Result<Vec<u8>, FetchError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| FetchError::Failed(format!("PeeringDB's answer was cut off: {e}")))? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(FetchError::Failed(format!("PeeringDB's answer is larger than {MAX_BODY} bytes")));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
