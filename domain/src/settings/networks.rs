//! The `[[networks]]` of the runtime configuration.

use std::collections::HashSet;

use serde::Deserialize;

use crate::types::{ControllerAddress, InvalidValue, Ipv6Prefix, NetworkId, NetworkSuffix};

/// One exchange network as configured: a suffix under the self-hosted controller, or a
/// full network id (ZeroTier Central, or a self-hosted network named in full).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSettings {
    pub suffix: Option<NetworkSuffix>,
    pub id: Option<NetworkId>,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub ipv6_prefix: Ipv6Prefix,
    /// What a failed IRR check does on this network: `enforce` (reject) or `tag`.
    #[serde(default)]
    pub irr_filter: crate::routeservers::IrrMode,
}

/// How a configured network is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkRef {
    Suffix(NetworkSuffix),
    Id(NetworkId),
}

/// A configured network with its full id known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfiguredNetwork {
    pub id: NetworkId,
    pub name: String,
    pub description: Option<String>,
    pub ipv6_prefix: Ipv6Prefix,
    pub irr_filter: crate::routeservers::IrrMode,
}

impl NetworkSettings {
    pub fn reference(&self) -> NetworkRef {
        match (&self.suffix, &self.id) {
            (_, Some(id)) => NetworkRef::Id(id.clone()),
            (Some(suffix), None) => NetworkRef::Suffix(suffix.clone()),
            (None, None) => unreachable!("validated: every network has a suffix or an id"),
        }
    }

    /// The full network id; a suffix needs the controller's address.
    pub fn resolve(&self, controller: Option<&ControllerAddress>) -> Result<ConfiguredNetwork, InvalidValue> {
        let id = match (self.reference(), controller) {
            (NetworkRef::Id(id), _) => id,
            (NetworkRef::Suffix(suffix), Some(controller)) => NetworkId::from_parts(controller, &suffix),
            (NetworkRef::Suffix(suffix), None) => {
                return Err(InvalidValue(format!(
                    "network '{}' (suffix {suffix}) needs the controller address to form its id",
                    self.name
                )))
            }
        };
        Ok(ConfiguredNetwork {
            id,
            name: self.name.clone(),
            description: self.description.clone(),
            ipv6_prefix: self.ipv6_prefix,
            irr_filter: self.irr_filter,
        })
    }
}

pub(super) fn validate(networks: &[NetworkSettings]) -> Result<(), String> {
    let mut suffixes = HashSet::new();
    let mut ids = HashSet::new();
    let mut prefixes = HashSet::new();
    for (i, n) in networks.iter().enumerate() {
        let at = format!("networks[{i}]");
        match (&n.suffix, &n.id) {
            (None, None) => return Err(format!("{at} needs `suffix` (self-hosted controller) or `id` (16 hex)")),
            (Some(_), Some(_)) => return Err(format!("{at} has both `suffix` and `id`; give one")),
            (Some(s), None) if !suffixes.insert(s.clone()) => {
                return Err(format!("{at}: suffix {s} is configured twice"))
            }
            (None, Some(id)) if !ids.insert(id.clone()) => return Err(format!("{at}: id {id} is configured twice")),
            _ => {}
        }
        if n.name.trim().is_empty() {
            return Err(format!("{at}.name must not be empty"));
        }
        if !prefixes.insert(n.ipv6_prefix) {
            return Err(format!("{at}: ipv6_prefix {} is used by another network", n.ipv6_prefix));
        }
    }
    Ok(())
}
