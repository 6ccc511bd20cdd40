//! `[exchange]`: how the exchange describes itself to the community — the IX-F member
//! export (`/participants.json`), the public member list and the PeeringDB checks.

use serde::Deserialize;

/// The exchange as it is published.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExchangeSettings {
    /// Short name (IX-F `shortname`), e.g. `ZT-IX`.
    pub shortname: String,
    /// Full name; the short name when not given.
    pub name: Option<String>,
    /// The exchange's own persistent id for its infrastructure (IX-F `ixp_id`).
    pub ixp_id: u32,
    /// The exchange's id in the IX-F database (IXPDB); the export omits it until IXPDB
    /// has assigned one.
    pub ixf_id: Option<u32>,
    /// The exchange's PeeringDB `ix` id (links and IX-F `peeringdb_id`).
    pub peeringdb_ix_id: Option<u32>,
    /// ISO 3166 alpha-2 country code of the exchange's home.
    pub country: Option<String>,
    pub url: Option<String>,
    pub support_email: Option<String>,
    pub support_phone: Option<String>,
    pub support_contact_hours: Option<String>,
    pub emergency_email: Option<String>,
    pub emergency_phone: Option<String>,
    pub emergency_contact_hours: Option<String>,
    /// The speed published for every member's connection (IX-F `if_speed`, Mbit/s;
    /// PeeringDB sums it into the `speed` of the member's entry). None: not published.
    pub port_speed_mbps: Option<u32>,
    /// Whether a member's details (name, member since, max-prefix, AS-SET) are listed
    /// when the member has not chosen; each member can change it for their ASN.
    pub member_details: bool,
    /// Whether the members' MAC addresses are published in the IX-F export.
    pub mac_addresses: bool,
    /// How long the export and the member list are reused before they are built again
    /// (also their `Cache-Control: max-age`); 0 builds them on every request.
    pub cache_seconds: u32,
}

impl Default for ExchangeSettings {
    fn default() -> Self {
        Self {
            shortname: "ZT-IX".into(),
            name: None,
            ixp_id: 1,
            ixf_id: None,
            peeringdb_ix_id: None,
            country: None,
            url: None,
            support_email: None,
            support_phone: None,
            support_contact_hours: None,
            emergency_email: None,
            emergency_phone: None,
            emergency_contact_hours: None,
            port_speed_mbps: None,
            member_details: true,
            mac_addresses: true,
            cache_seconds: 300,
        }
    }
}

impl ExchangeSettings {
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.shortname)
    }

    pub(super) fn validate(&self) -> Result<(), String> {
        if self.shortname.trim().is_empty() || self.shortname.len() > 64 {
            return Err("exchange.shortname must be 1 to 64 characters".into());
        }
        if self.name.as_deref().is_some_and(|n| n.trim().is_empty() || n.len() > 255) {
            return Err("exchange.name must be 1 to 255 characters".into());
        }
        for (key, value) in [("exchange.ixp_id", Some(self.ixp_id)), ("exchange.ixf_id", self.ixf_id), ("exchange.peeringdb_ix_id", self.peeringdb_ix_id), ("exchange.port_speed_mbps", self.port_speed_mbps)] {
            if value == Some(0) {
                return Err(format!("{key} must be greater than 0"));
            }
        }
        if let Some(country) = &self.country {
            if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
                return Err(format!("exchange.country: '{country}' is not an ISO 3166 alpha-2 code (two capital letters)"));
            }
        }
        if let Some(url) = &self.url {
            check_url("exchange.url", url)?;
        }
        for (key, value) in [("exchange.support_email", &self.support_email), ("exchange.emergency_email", &self.emergency_email)] {
            if let Some(email) = value {
                if !is_email(email) {
                    return Err(format!("{key}: '{email}' is not an email address"));
                }
            }
        }
        let texts = [
            ("exchange.support_phone", &self.support_phone),
            ("exchange.support_contact_hours", &self.support_contact_hours),
            ("exchange.emergency_phone", &self.emergency_phone),
            ("exchange.emergency_contact_hours", &self.emergency_contact_hours),
        ];
        if let Some((key, _)) = texts.iter().find(|(_, v)| v.as_deref().is_some_and(|t| t.trim().is_empty() || t.len() > 128)) {
            return Err(format!("{key} must be 1 to 128 characters"));
        }
        Ok(())
    }
}

/// An absolute `http`/`https` URL with a host, or an error naming `key`.
pub fn check_url(key: &str, text: &str) -> Result<(), String> {
    match url::Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(()),
        _ => Err(format!("{key}: '{text}' is not an http(s) URL")),
    }
}

/// `local@domain.tld`, plainly (what the IX-F schema's `email` format accepts).
fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else { return false };
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain.split('.').all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    !local.is_empty()
        && local.len() <= 64
        && local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c))
        && domain_ok
}
