//! The audit trail: who did what to which object. A status change writes its event in
//! the transaction of the change; other events (logins, route-server outcomes, CLI
//! commands) are appended as they happen. There is deliberately no update or delete.

use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};
use sea_orm::ColumnTrait;
use serde_json::{Map, Value};
use uuid::Uuid;

pub use contract::{AuditAction, SystemActor};

use crate::entities::audit_event;

/// Who caused an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A logged-in person (operator or admin), or the person running the CLI as them.
    User(Uuid),
    /// The portal itself: the worker, automatic approval, startup tasks, the CLI.
    System(SystemActor),
}

impl Actor {
    pub fn user_id(self) -> Option<Uuid> {
        match self {
            Self::User(id) => Some(id),
            Self::System(_) => None,
        }
    }
}

/// One event to append.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub actor: Actor,
    pub action: AuditAction,
    pub target_type: &'static str,
    pub target_id: String,
    pub metadata: Map<String, Value>,
}

impl AuditEntry {
    pub fn new(actor: Actor, action: AuditAction, target_type: &'static str, target_id: impl ToString) -> Self {
        Self {
            actor,
            action,
            target_type,
            target_id: target_id.to_string(),
            metadata: Map::new(),
        }
    }

    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.metadata.insert(key.to_owned(), value.into());
        self
    }
}

/// Metadata keys whose values are never stored, whoever passes them.
const SECRET_MARKERS: &[&str] = &["password", "secret", "token", "verifier", "cookie", "session_id"];

fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    SECRET_MARKERS.iter().any(|marker| key.contains(marker))
}

fn scrub(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if is_secret_key(key) {
                    *v = Value::String("[redacted]".into());
                } else {
                    scrub(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(scrub),
        _ => {}
    }
}

/// Appends `entry` using `conn` (pass the transaction of the change it describes).
pub async fn record<C: ConnectionTrait>(conn: &C, entry: AuditEntry) -> Result<audit_event::Model, DbErr> {
    let mut metadata = Value::Object(entry.metadata);
    if let (Actor::System(system), Value::Object(map)) = (entry.actor, &mut metadata) {
        map.entry("system_actor")
            .or_insert_with(|| Value::String(system.as_str().into()));
    }
    scrub(&mut metadata);
    let event = audit_event::ActiveModel {
        id: Set(Uuid::new_v4()),
        actor_user_id: Set(entry.actor.user_id()),
        action: Set(entry.action.as_str().to_owned()),
        target_type: Set(entry.target_type.to_owned()),
        target_id: Set(entry.target_id),
        metadata: Set(metadata),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(conn)
    .await?;
    // What is worth telling is written with it, in the same transaction.
    crate::notify::capture(conn, &event).await?;
    Ok(event)
}

/// The events about one object, oldest first.
pub async fn for_target<C: ConnectionTrait>(
    conn: &C,
    target_type: &str,
    target_id: &str,
) -> Result<Vec<audit_event::Model>, DbErr> {
    audit_event::Entity::find()
        .filter(audit_event::Column::TargetType.eq(target_type))
        .filter(audit_event::Column::TargetId.eq(target_id))
        .order_by_asc(audit_event::Column::CreatedAt)
        .order_by_asc(audit_event::Column::Id)
        .all(conn)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_looking_keys_are_redacted_at_any_depth() {
        let mut v = serde_json::json!({
            "username": "alice",
            "password": "hunter2hunter2",
            "nested": {"access_token": "abc", "items": [{"client_secret": "x"}]}
        });
        scrub(&mut v);
        assert_eq!(v["username"], "alice");
        assert_eq!(v["password"], "[redacted]");
        assert_eq!(v["nested"]["access_token"], "[redacted]");
        assert_eq!(v["nested"]["items"][0]["client_secret"], "[redacted]");
    }
}
