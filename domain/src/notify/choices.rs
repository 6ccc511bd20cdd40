//! A person's e-mail choices and the language their e-mail is written in.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, TransactionTrait};
use uuid::Uuid;

use contract::view::{KindChoice, NotificationChoices};

use super::NotificationKind;
use super::messages::LOCALES;
use crate::audit::{self, Actor, AuditAction, AuditEntry};
use crate::entities::app_user;

/// What `user` gets, as the screens show it.
pub fn of(user: &app_user::Model, email_enabled: bool) -> NotificationChoices {
    let off = super::outbox::turned_off(user);
    NotificationChoices {
        email_enabled,
        address: user.email.clone().filter(|e| !e.trim().is_empty()),
        kinds: NotificationKind::for_recipient(user.is_admin)
            .map(|kind| KindChoice { kind, on: kind.is_security_relevant() || !off.contains(&kind), locked: kind.is_security_relevant() })
            .collect(),
    }
}

/// Keeps what `user` turned off (of the kinds they may choose; security-relevant kinds
/// stay on). Returns the user as stored.
pub async fn set<C: TransactionTrait>(db: &C, user_id: Uuid, off: &[NotificationKind]) -> Result<Option<app_user::Model>, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let Some(user) = app_user::Entity::find_by_id(user_id).one(&txn).await? else { return Ok(None) };
    let mut kept: Vec<&str> = NotificationKind::for_recipient(user.is_admin)
        .filter(|k| !k.is_security_relevant() && off.contains(k))
        .map(NotificationKind::as_str)
        .collect();
    kept.sort_unstable();
    let value = serde_json::to_string(&kept).expect("strings serialize");
    app_user::Entity::update_many()
        .col_expr(app_user::Column::NotificationsOff, Expr::value(value))
        .col_expr(app_user::Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(app_user::Column::Id.eq(user_id))
        .exec(&txn)
        .await?;
    audit::record(&txn, AuditEntry::new(Actor::User(user_id), AuditAction::NotificationsChosen, "app_user", user_id).with("off", kept)).await?;
    let user = app_user::Entity::find_by_id(user_id).one(&txn).await?;
    txn.commit().await?;
    Ok(user)
}

/// Remembers the language `user_id` uses (one of the portal's), for their e-mail; a
/// write only when it changed.
pub async fn remember_locale<C: ConnectionTrait>(conn: &C, user_id: Uuid, locale: &str) -> Result<(), DbErr> {
    let Some(locale) = LOCALES.iter().find(|l| **l == locale) else { return Ok(()) };
    app_user::Entity::update_many()
        .col_expr(app_user::Column::Locale, Expr::value(*locale))
        .filter(app_user::Column::Id.eq(user_id))
        .filter(sea_orm::Condition::any().add(app_user::Column::Locale.is_null()).add(app_user::Column::Locale.ne(*locale)))
        .exec(conn)
        .await?;
    Ok(())
}
