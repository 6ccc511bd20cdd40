//! The audit trail. Append-only: triggers refuse UPDATE and DELETE on both backends.

use sea_orm_migration::sea_orm::DatabaseBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditEvent {
    Table,
    Id,
    ActorUserId,
    Action,
    TargetType,
    TargetId,
    Metadata,
    CreatedAt,
}

const POSTGRES_GUARD: &[&str] = &[
    "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
     BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$",
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event \
     FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
];

const SQLITE_GUARD: &[&str] = &[
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event \
     BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event \
     BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditEvent::Table)
                    .col(pk_uuid(AuditEvent::Id))
                    .col(uuid_null(AuditEvent::ActorUserId))
                    .col(string_len(AuditEvent::Action, 64))
                    .col(string_len(AuditEvent::TargetType, 32))
                    .col(string_len(AuditEvent::TargetId, 64))
                    .col(json_binary(AuditEvent::Metadata))
                    .col(timestamp_with_time_zone(AuditEvent::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_audit_event_target")
                    .table(AuditEvent::Table)
                    .col(AuditEvent::TargetType)
                    .col(AuditEvent::TargetId)
                    .col(AuditEvent::CreatedAt)
                    .to_owned(),
            )
            .await?;
        let guard = match manager.get_database_backend() {
            DatabaseBackend::Postgres => POSTGRES_GUARD,
            _ => SQLITE_GUARD,
        };
        for sql in guard {
            manager.get_connection().execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditEvent::Table).to_owned())
            .await?;
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP FUNCTION audit_event_append_only()")
                .await?;
        }
        Ok(())
    }
}
