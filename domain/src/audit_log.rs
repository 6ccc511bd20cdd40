//! Searching the audit trail: filters by actor, action, target and time, newest first,
//! paged by a keyset cursor (time, then id) on an index, so a page never repeats or
//! skips an event however many are written meanwhile.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::entities::{app_user, audit_event};

pub const DEFAULT_LIMIT: u64 = 100;
pub const MAX_LIMIT: u64 = 1000;

/// Whose events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActorFilter {
    User(Uuid),
    /// The portal itself (worker, reconciler, startup…).
    System,
}

/// A page's filters and position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub actor: Option<ActorFilter>,
    /// An action (`join_request.approved`) or a family ending in `.` (`join_request.`).
    pub action: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub limit: u64,
    pub cursor: Option<Cursor>,
}

/// Where the previous page ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub created_at: DateTime<Utc>,
    pub id: Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}|{}", self.created_at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true), self.id))
    }

    pub fn decode(text: &str) -> Option<Self> {
        let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(text).ok()?).ok()?;
        let (at, id) = raw.split_once('|')?;
        Some(Self { created_at: DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&Utc), id: Uuid::parse_str(id).ok()? })
    }
}

/// Why a query was refused: the parameter and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct QueryError {
    pub field: &'static str,
    pub message: String,
}

fn bad(field: &'static str, message: impl Into<String>) -> QueryError {
    QueryError { field, message: message.into() }
}

/// The parameters as a client sends them (query string or form); blanks mean "not set".
#[derive(Debug, Clone, Copy, Default)]
pub struct QueryInput<'a> {
    pub actor: Option<&'a str>,
    pub action: Option<&'a str>,
    pub target: Option<&'a str>,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub limit: Option<&'a str>,
    pub cursor: Option<&'a str>,
}

fn time(field: &'static str, text: &str) -> Result<DateTime<Utc>, QueryError> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    // A date alone (what a date field sends) means its start, in UTC.
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc())
        .map_err(|_| bad(field, "an RFC 3339 time or a YYYY-MM-DD date"))
}

/// Parses and checks the parameters; `actor` is a username, a user id or `system`.
pub async fn parse<C: ConnectionTrait>(conn: &C, input: QueryInput<'_>) -> Result<Result<AuditQuery, QueryError>, DbErr> {
    let set = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let mut query = AuditQuery { limit: DEFAULT_LIMIT, ..Default::default() };
    if let Some(actor) = set(input.actor) {
        query.actor = Some(if actor == "system" {
            ActorFilter::System
        } else if let Ok(id) = Uuid::parse_str(&actor) {
            ActorFilter::User(id)
        } else {
            match app_user::Entity::find().filter(app_user::Column::Username.eq(actor.as_str())).one(conn).await? {
                Some(user) => ActorFilter::User(user.id),
                None => return Ok(Err(bad("actor", format!("no user '{actor}'")))),
            }
        });
    }
    if let Some(action) = set(input.action) {
        if action.len() > 64 || !action.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '.') {
            return Ok(Err(bad("action", "an action such as join_request.approved, or a family such as join_request.")));
        }
        query.action = Some(action);
    }
    if let Some(target) = set(input.target) {
        let (kind, id) = match target.split_once(':') {
            Some((kind, id)) => (Some(kind.to_owned()), id.to_owned()),
            None => (None, target),
        };
        if id.is_empty() || id.len() > 64 || kind.as_ref().is_some_and(|k| k.is_empty() || k.len() > 32) {
            return Ok(Err(bad("target", "an id, or type:id such as join_request:<uuid>")));
        }
        query.target_type = kind;
        query.target_id = Some(id);
    }
    if let Some(from) = set(input.from) {
        query.from = Some(match time("from", &from) {
            Ok(at) => at,
            Err(e) => return Ok(Err(e)),
        });
    }
    if let Some(to) = set(input.to) {
        query.to = Some(match time("to", &to) {
            Ok(at) => at,
            Err(e) => return Ok(Err(e)),
        });
    }
    if let Some(limit) = set(input.limit) {
        match limit.parse::<u64>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => query.limit = n,
            _ => return Ok(Err(bad("limit", format!("1 to {MAX_LIMIT}")))),
        }
    }
    if let Some(cursor) = set(input.cursor) {
        match Cursor::decode(&cursor) {
            Some(c) => query.cursor = Some(c),
            None => return Ok(Err(bad("cursor", "not a cursor this portal gave out"))),
        }
    }
    Ok(Ok(query))
}

/// One page, newest first, and the cursor of the next (older) page if there is one.
#[derive(Debug, Clone)]
pub struct AuditPage {
    pub events: Vec<audit_event::Model>,
    pub next: Option<Cursor>,
}

fn condition(query: &AuditQuery) -> Condition {
    use audit_event::Column as C;
    let mut all = Condition::all();
    match query.actor {
        Some(ActorFilter::User(id)) => all = all.add(C::ActorUserId.eq(id)),
        Some(ActorFilter::System) => all = all.add(C::ActorUserId.is_null()),
        None => {}
    }
    if let Some(action) = &query.action {
        all = all.add(if action.ends_with('.') { C::Action.starts_with(action) } else { C::Action.eq(action.as_str()) });
    }
    if let Some(kind) = &query.target_type {
        all = all.add(C::TargetType.eq(kind.as_str()));
    }
    if let Some(id) = &query.target_id {
        all = all.add(C::TargetId.eq(id.as_str()));
    }
    if let Some(from) = query.from {
        all = all.add(C::CreatedAt.gte(from));
    }
    if let Some(to) = query.to {
        all = all.add(C::CreatedAt.lt(to));
    }
    if let Some(cursor) = query.cursor {
        all = all.add(
            Condition::any()
                .add(C::CreatedAt.lt(cursor.created_at))
                .add(Condition::all().add(C::CreatedAt.eq(cursor.created_at)).add(C::Id.lt(cursor.id))),
        );
    }
    all
}

pub async fn search<C: ConnectionTrait>(conn: &C, query: &AuditQuery) -> Result<AuditPage, DbErr> {
    let mut events = audit_event::Entity::find()
        .filter(condition(query))
        .order_by_desc(audit_event::Column::CreatedAt)
        .order_by_desc(audit_event::Column::Id)
        .limit(query.limit + 1)
        .all(conn)
        .await?;
    let next = if events.len() as u64 > query.limit {
        events.truncate(query.limit as usize);
        events.last().map(|e| Cursor { created_at: e.created_at, id: e.id })
    } else {
        None
    };
    Ok(AuditPage { events, next })
}

/// The events as CSV (RFC 4180), with a header row.
pub fn csv(events: &[audit_event::Model]) -> String {
    fn field(value: &str) -> String {
        // A leading = + - @ is neutralised so a spreadsheet does not run it as a formula.
        let value = if value.starts_with(['=', '+', '-', '@']) { format!("'{value}") } else { value.to_owned() };
        if value.contains([',', '"', '\n', '\r']) { format!("\"{}\"", value.replace('"', "\"\"")) } else { value }
    }
    let mut out = String::from("id,created_at,actor_user_id,action,target_type,target_id,metadata\r\n");
    for e in events {
        let row = [
            e.id.to_string(),
            e.created_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            e.actor_user_id.map(|a| a.to_string()).unwrap_or_default(),
            e.action.clone(),
            e.target_type.clone(),
            e.target_id.clone(),
            e.metadata.to_string(),
        ];
        out.push_str(&row.iter().map(|v| field(v)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_foreign_ones_are_refused() {
        let cursor = Cursor { created_at: Utc::now(), id: Uuid::new_v4() };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(Cursor::decode("bm90IGEgY3Vyc29y"), None);
        assert_eq!(Cursor::decode("!!"), None);
    }

    #[test]
    fn csv_quotes_and_neutralises_formulas() {
        let event = audit_event::Model {
            id: Uuid::nil(),
            actor_user_id: None,
            action: "join_request.rejected".into(),
            target_type: "join_request".into(),
            target_id: "=HYPERLINK(\"x\")".into(),
            metadata: serde_json::json!({"reject_reason": "a, \"b\"\nc"}),
            created_at: DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z").unwrap().with_timezone(&Utc),
        };
        let text = csv(&[event]);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], "id,created_at,actor_user_id,action,target_type,target_id,metadata");
        assert!(lines[1].starts_with("00000000-0000-0000-0000-000000000000,2026-12-01T10:00:00.000Z,,join_request.rejected,join_request,\"'=HYPERLINK(\"\"x\"\")\","), "{text}");
        assert!(text.contains(r#""{""reject_reason"":""a, \""b\""\nc""}""#), "{text}");
    }
}
