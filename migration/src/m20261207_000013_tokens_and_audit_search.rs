//! Personal API tokens (`api_token`): the keyed hash of each token (never the token),
//! its owner, name, scope, expiry, last use and revocation; and the indexes the audit
//! log's search pages through (newest first by time and id, by actor, by action).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AuditEvent {
    Table,
    Id,
    ActorUserId,
    Action,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApiToken {
    Table,
    Id,
    UserId,
    Name,
    Scope,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    LastUsedAt,
    RevokedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ApiToken::Table)
                    .col(uuid(ApiToken::Id).primary_key())
                    .col(uuid(ApiToken::UserId))
                    .col(string_len(ApiToken::Name, 100))
                    .col(string_len(ApiToken::Scope, 16))
                    .col(string_len_uniq(ApiToken::TokenHash, 64))
                    .col(timestamp_with_time_zone(ApiToken::CreatedAt))
                    .col(timestamp_with_time_zone(ApiToken::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ApiToken::LastUsedAt))
                    .col(timestamp_with_time_zone_null(ApiToken::RevokedAt))
                    .foreign_key(ForeignKey::create().from(ApiToken::Table, ApiToken::UserId).to(AppUser::Table, AppUser::Id).on_delete(ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_api_token_user").table(ApiToken::Table).col(ApiToken::UserId).to_owned())
            .await?;
        let audit = [
            ("idx_audit_event_time", vec![AuditEvent::CreatedAt, AuditEvent::Id]),
            ("idx_audit_event_actor", vec![AuditEvent::ActorUserId, AuditEvent::CreatedAt, AuditEvent::Id]),
            ("idx_audit_event_action", vec![AuditEvent::Action, AuditEvent::CreatedAt, AuditEvent::Id]),
        ];
        for (name, columns) in audit {
            let mut index = Index::create();
            index.name(name).table(AuditEvent::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in ["idx_audit_event_time", "idx_audit_event_actor", "idx_audit_event_action"] {
            manager.drop_index(Index::drop().name(name).table(AuditEvent::Table).to_owned()).await?;
        }
        manager.drop_table(Table::drop().table(ApiToken::Table).to_owned()).await
    }
}
