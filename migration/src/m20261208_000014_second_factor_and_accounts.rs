//! Two-factor login and account administration: the TOTP secret of a local account
//! (pending while it is being set up, then confirmed) with the last time step a code was
//! accepted for (a code is taken once); single-use recovery codes, stored as hashes; and
//! set-password links an admin hands to a new or locked-out user, stored as hashes; and
//! whether an account still waits for its first password (such an admin does not count
//! as the one who remains).

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
enum LocalCredential {
    Table,
    TotpSecret,
    TotpPendingSecret,
    TotpEnabledAt,
    TotpLastStep,
    AwaitingPassword,
}

#[derive(DeriveIden)]
enum RecoveryCode {
    Table,
    Id,
    UserId,
    CodeHash,
    CreatedAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum PasswordLink {
    Table,
    Id,
    UserId,
    TokenHash,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

fn owned_by_user(table: impl IntoIden + 'static, column: impl IntoIden + 'static) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(table, column).to(AppUser::Table, AppUser::Id).on_delete(ForeignKeyAction::Cascade).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        let columns = [
            string_len_null(LocalCredential::TotpSecret, 64),
            string_len_null(LocalCredential::TotpPendingSecret, 64),
            timestamp_with_time_zone_null(LocalCredential::TotpEnabledAt),
            big_integer_null(LocalCredential::TotpLastStep),
            boolean(LocalCredential::AwaitingPassword).default(false).to_owned(),
        ];
        for mut column in columns {
            manager.alter_table(Table::alter().table(LocalCredential::Table).add_column(&mut column).to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(RecoveryCode::Table)
                    .col(uuid(RecoveryCode::Id).primary_key())
                    .col(uuid(RecoveryCode::UserId))
                    .col(string_len_uniq(RecoveryCode::CodeHash, 64))
                    .col(timestamp_with_time_zone(RecoveryCode::CreatedAt))
                    .col(timestamp_with_time_zone_null(RecoveryCode::UsedAt))
                    .foreign_key(&mut owned_by_user(RecoveryCode::Table, RecoveryCode::UserId))
                    .to_owned(),
            )
            .await?;
        manager.create_index(Index::create().name("idx_recovery_code_user").table(RecoveryCode::Table).col(RecoveryCode::UserId).to_owned()).await?;
        manager
            .create_table(
                Table::create()
                    .table(PasswordLink::Table)
                    .col(uuid(PasswordLink::Id).primary_key())
                    .col(uuid(PasswordLink::UserId))
                    .col(string_len_uniq(PasswordLink::TokenHash, 64))
                    .col(uuid_null(PasswordLink::CreatedBy))
                    .col(timestamp_with_time_zone(PasswordLink::CreatedAt))
                    .col(timestamp_with_time_zone(PasswordLink::ExpiresAt))
                    .col(timestamp_with_time_zone_null(PasswordLink::UsedAt))
                    .foreign_key(&mut owned_by_user(PasswordLink::Table, PasswordLink::UserId))
                    .to_owned(),
            )
            .await?;
        manager.create_index(Index::create().name("idx_password_link_user").table(PasswordLink::Table).col(PasswordLink::UserId).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(PasswordLink::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(RecoveryCode::Table).to_owned()).await?;
        for column in [LocalCredential::AwaitingPassword, LocalCredential::TotpLastStep, LocalCredential::TotpEnabledAt, LocalCredential::TotpPendingSecret, LocalCredential::TotpSecret] {
            manager.alter_table(Table::alter().table(LocalCredential::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
