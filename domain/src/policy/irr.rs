//! IRR: a member's AS-SET (as PeeringDB or an admin gives it) and its expansion with
//! bgpq4 into route objects per family and origin ASNs.
//!
//! PeeringDB's `irr_as_set` is free text from the member and legacy values break every
//! rule, so it is read leniently (tokens split on spaces and commas, `SOURCE::` prefixes
//! dropped: the configured sources decide) and strictly checked before it reaches
//! bgpq4: only set names and `AS<n>`, never anything that could be an option.

use std::time::Duration;

use serde_json::Value;
use tokio::process::Command;

use crate::routeservers::{IrrSets, PrefixRule};
use crate::settings::IrrSettings;

/// Most set names taken from one AS-SET field.
const MAX_TOKENS: usize = 8;

/// One name bgpq4 can expand: `AS65001`, `AS-FOO`, `RS-BAR`, `AS65001:AS-CUSTOMERS`.
fn valid_token(token: &str) -> bool {
    let component = |c: &str| {
        let numeric = c.strip_prefix("AS").is_some_and(|n| !n.is_empty() && n.len() <= 10 && n.bytes().all(|b| b.is_ascii_digit()));
        let named = (c.starts_with("AS-") || c.starts_with("RS-"))
            && c.len() > 3
            && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        numeric || named
    };
    !token.is_empty() && token.len() <= 100 && token.split(':').all(component)
}

/// The set names in an AS-SET field, upper-case, in order, without repeats; `None` when
/// nothing usable is in it.
pub fn parse_as_set(field: &str) -> Option<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    for raw in field.split(|c: char| c.is_whitespace() || c == ',').filter(|t| !t.is_empty()) {
        let upper = raw.to_ascii_uppercase();
        let name = upper.rsplit_once("::").map_or(upper.as_str(), |(_, n)| n).to_owned();
        if valid_token(&name) && !names.contains(&name) {
            names.push(name);
        }
        if names.len() == MAX_TOKENS {
            break;
        }
    }
    (!names.is_empty()).then_some(names)
}

/// Whether an admin's AS-SET entry is acceptable as a whole (every token valid).
pub fn valid_override(field: &str) -> bool {
    let tokens: Vec<&str> = field.split(|c: char| c.is_whitespace() || c == ',').filter(|t| !t.is_empty()).collect();
    !tokens.is_empty()
        && tokens.len() <= MAX_TOKENS
        && field.len() <= 255
        && tokens.iter().all(|t| {
            let upper = t.to_ascii_uppercase();
            valid_token(upper.rsplit_once("::").map_or(upper.as_str(), |(_, n)| n))
        })
}

/// The query for a member: its AS-SET names, or `AS<asn>` when it has none.
pub fn query_for(as_set: Option<&str>, asn: i64) -> String {
    as_set.and_then(parse_as_set).map_or_else(|| format!("AS{asn}"), |names| names.join(" "))
}

/// Expands `query` (space-separated names) against the configured IRR server.
pub async fn expand(settings: &IrrSettings, query: &str) -> Result<IrrSets, String> {
    let host = settings.host.as_deref().ok_or("no IRR server is configured")?;
    let names: Vec<&str> = query.split(' ').filter(|n| valid_token(n)).collect();
    if names.is_empty() {
        return Err(format!("'{query}' holds no AS-SET or ASN"));
    }
    let timeout = Duration::from_secs(settings.timeout_seconds.into());
    let run = |args: &'static [&'static str]| bgpq4(settings, host, args, &names, timeout);
    let v4 = prefixes(run(&["-4", "-m", "24"]).await?)?;
    let v6 = prefixes(run(&["-6", "-m", "48"]).await?)?;
    let origins = asns(run(&["-t"]).await?)?;
    Ok(IrrSets { v4, v6, origins }.normalized())
}

/// Whether bgpq4 runs and the IRR server answers (a probe query); for `zt-ix doctor`.
pub async fn check(settings: &IrrSettings) -> Result<String, String> {
    let host = settings.host.as_deref().ok_or("no IRR server is configured")?;
    let timeout = Duration::from_secs(settings.timeout_seconds.into());
    bgpq4_once(settings, host, &["-t"], &["AS1"], timeout).await?;
    Ok(format!("bgpq4 ({}) answers from {host} with sources {}", settings.bgpq4, settings.sources.join(",")))
}

/// One bgpq4 run with JSON output under the list name `l`; a run that stalls (an IRR
/// server can leave a connection unanswered) is tried once more on a new connection.
async fn bgpq4(settings: &IrrSettings, host: &str, args: &[&str], names: &[&str], timeout: Duration) -> Result<Value, String> {
    match bgpq4_once(settings, host, args, names, timeout).await {
        Err(stalled) if stalled.starts_with("bgpq4 took longer") => {
            tracing::debug!(host, "bgpq4 stalled; trying once more");
            bgpq4_once(settings, host, args, names, timeout).await
        }
        other => other,
    }
}

async fn bgpq4_once(settings: &IrrSettings, host: &str, args: &[&str], names: &[&str], timeout: Duration) -> Result<Value, String> {
    let mut command = Command::new(&settings.bgpq4);
    command
        .args(["-h", host, "-S", &settings.sources.join(","), "-j", "-l", "l"])
        .args(args)
        .arg("--")
        .args(names)
        .kill_on_drop(true)
        .stdin(std::process::Stdio::null());
    let output = match tokio::time::timeout(timeout, command.output()).await {
        Err(_) => return Err(format!("bgpq4 took longer than {} s", timeout.as_secs())),
        Ok(Err(e)) => return Err(format!("bgpq4 could not be started ({}): {e}", settings.bgpq4)),
        Ok(Ok(output)) => output,
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let said = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no message");
        return Err(format!("bgpq4 failed against {host}: {}", said.trim()));
    }
    let value: Value = serde_json::from_slice(&output.stdout).map_err(|e| format!("bgpq4's output is not JSON: {e}"))?;
    Ok(value["l"].clone())
}

/// `[{"prefix": "…", "exact": true}, {"prefix": "…", "exact": false, "greater-equal": a, "less-equal": b}]`
fn prefixes(list: Value) -> Result<Vec<PrefixRule>, String> {
    let entries = list.as_array().ok_or("bgpq4 gave no prefix list")?;
    entries
        .iter()
        .map(|entry| {
            let prefix = entry["prefix"].as_str().ok_or("a prefix entry without a prefix")?;
            let text = match (entry["exact"].as_bool(), entry["greater-equal"].as_u64(), entry["less-equal"].as_u64()) {
                (Some(false), ge, le) if ge.is_some() || le.is_some() => {
                    let len: u64 = prefix.rsplit_once('/').and_then(|(_, l)| l.parse().ok()).unwrap_or(0);
                    let max = if prefix.contains(':') { 128 } else { 32 };
                    format!("{prefix}{{{},{}}}", ge.unwrap_or(len), le.unwrap_or(max))
                }
                _ => prefix.to_owned(),
            };
            PrefixRule::parse(&text).ok_or_else(|| format!("bgpq4 gave an unreadable prefix '{text}'"))
        })
        .collect()
}

fn asns(list: Value) -> Result<Vec<u32>, String> {
    let entries = list.as_array().ok_or("bgpq4 gave no ASN list")?;
    entries.iter().map(|a| a.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(|| format!("bgpq4 gave an unreadable ASN {a}"))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peeringdb_values_are_read_leniently_and_checked_strictly() {
        assert_eq!(parse_as_set("RIPE::AS-FOO, AS65001 as-bar"), Some(vec!["AS-FOO".into(), "AS65001".into(), "AS-BAR".into()]));
        assert_eq!(parse_as_set("AS65001:AS-CUSTOMERS"), Some(vec!["AS65001:AS-CUSTOMERS".into()]));
        assert_eq!(parse_as_set("AS-FOO AS-FOO"), Some(vec!["AS-FOO".into()]));
        for bad in ["", "  ", "-h evil", "AS-", "ASX", "AS-FOO;rm", "AS12345678901", "--", "foo bar"] {
            assert_eq!(parse_as_set(bad), None, "{bad:?}");
        }
        assert_eq!(parse_as_set("-h AS-FOO"), Some(vec!["AS-FOO".into()]), "junk tokens are dropped, good ones kept");
        assert_eq!(query_for(Some(""), 64500), "AS64500");
        assert_eq!(query_for(None, 64500), "AS64500");
        assert_eq!(query_for(Some("ARIN::AS-X"), 64500), "AS-X");
        assert!(valid_override("AS-FOO RIPE::AS-BAR"));
        assert!(!valid_override("AS-FOO -x"));
        assert!(!valid_override(""));
    }

    #[test]
    fn bgpq4_json_becomes_prefix_rules() {
        let list = serde_json::json!([
            {"prefix": "203.0.113.0/24", "exact": true},
            {"prefix": "198.51.100.0/22", "exact": false, "greater-equal": 22, "less-equal": 24},
        ]);
        let rules = prefixes(list).unwrap();
        assert_eq!(rules.iter().map(ToString::to_string).collect::<Vec<_>>(), ["203.0.113.0/24", "198.51.100.0/22{22,24}"]);
        assert!(prefixes(serde_json::json!([{"prefix": "203.0.113.7/24", "exact": true}])).is_err(), "host bits set");
        assert_eq!(asns(serde_json::json!([64500, 4200000000u64])).unwrap(), [64500, 4_200_000_000]);
        assert!(asns(serde_json::json!([-1])).is_err());
    }
}
