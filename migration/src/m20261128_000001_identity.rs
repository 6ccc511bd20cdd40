//! Users, their credentials and ASNs, PeeringDB login state, sessions and login attempts.

use sea_orm_migration::{prelude::*, schema::*};

use crate::constraints::{between, one_of};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum AppUser {
    Table,
    Id,
    PeeringdbUserId,
    Username,
    FullName,
    Email,
    IsAdmin,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum LocalCredential {
    Table,
    Id,
    UserId,
    LoginUsername,
    PasswordHash,
    IsEnabled,
    LastLoginAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum UserAsn {
    Table,
    Id,
    UserId,
    Asn,
    NetId,
    NetName,
    Source,
    VerifiedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OauthState {
    Table,
    Id,
    State,
    Nonce,
    PkceVerifier,
    RedirectUri,
    ExpiresAt,
    ConsumedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum UserSession {
    Table,
    Id,
    UserId,
    AuthMethod,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum LoginAttempt {
    Table,
    Id,
    UsernameKey,
    ClientAddr,
    Succeeded,
    CreatedAt,
}

fn user_fk(from: impl IntoIden + 'static, from_col: impl IntoIden + 'static) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from, from_col)
        .to(AppUser::Table, AppUser::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AppUser::Table)
                    .col(pk_uuid(AppUser::Id))
                    .col(big_integer_null(AppUser::PeeringdbUserId).unique_key())
                    .col(string_len(AppUser::Username, 255))
                    .col(string_len_null(AppUser::FullName, 255))
                    .col(string_len_null(AppUser::Email, 320))
                    .col(boolean(AppUser::IsAdmin).default(false))
                    .col(timestamp_with_time_zone(AppUser::CreatedAt))
                    .col(timestamp_with_time_zone(AppUser::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LocalCredential::Table)
                    .col(pk_uuid(LocalCredential::Id))
                    .col(uuid_uniq(LocalCredential::UserId))
                    .col(string_len_uniq(LocalCredential::LoginUsername, 255))
                    .col(text(LocalCredential::PasswordHash))
                    .col(boolean(LocalCredential::IsEnabled).default(true))
                    .col(timestamp_with_time_zone_null(LocalCredential::LastLoginAt))
                    .col(timestamp_with_time_zone(LocalCredential::CreatedAt))
                    .col(timestamp_with_time_zone(LocalCredential::UpdatedAt))
                    // Stored lower-cased and trimmed, so the unique key is case-insensitive.
                    .check(Expr::cust(
                        "login_username = lower(trim(login_username)) AND length(login_username) > 0",
                    ))
                    .foreign_key(&mut user_fk(LocalCredential::Table, LocalCredential::UserId))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(UserAsn::Table)
                    .col(pk_uuid(UserAsn::Id))
                    .col(uuid(UserAsn::UserId))
                    .col(big_integer(UserAsn::Asn))
                    .col(big_integer_null(UserAsn::NetId))
                    .col(string_len_null(UserAsn::NetName, 255))
                    .col(string_len(UserAsn::Source, 16))
                    .col(timestamp_with_time_zone_null(UserAsn::VerifiedAt))
                    .col(timestamp_with_time_zone(UserAsn::CreatedAt))
                    .col(timestamp_with_time_zone(UserAsn::UpdatedAt))
                    .check(between("asn", 1, 4_294_967_295))
                    .check(one_of("source", &["peeringdb", "local"]))
                    .foreign_key(&mut user_fk(UserAsn::Table, UserAsn::UserId))
                    .index(
                        Index::create()
                            .name("uq_user_asn_user_asn")
                            .col(UserAsn::UserId)
                            .col(UserAsn::Asn)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OauthState::Table)
                    .col(pk_uuid(OauthState::Id))
                    .col(string_len_uniq(OauthState::State, 128))
                    .col(string_len(OauthState::Nonce, 128))
                    .col(string_len(OauthState::PkceVerifier, 128))
                    .col(text(OauthState::RedirectUri))
                    .col(timestamp_with_time_zone(OauthState::ExpiresAt))
                    .col(timestamp_with_time_zone_null(OauthState::ConsumedAt))
                    .col(timestamp_with_time_zone(OauthState::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_oauth_state_expires_at")
                    .table(OauthState::Table)
                    .col(OauthState::ExpiresAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(UserSession::Table)
                    // SHA-256 of the cookie value: a copy of the table cannot be replayed.
                    .col(string_len(UserSession::Id, 64).primary_key())
                    .col(uuid(UserSession::UserId))
                    .col(string_len(UserSession::AuthMethod, 16))
                    .col(timestamp_with_time_zone(UserSession::CreatedAt))
                    .col(timestamp_with_time_zone(UserSession::LastSeenAt))
                    .col(timestamp_with_time_zone(UserSession::ExpiresAt))
                    .check(one_of("auth_method", &["peeringdb", "local"]))
                    .foreign_key(&mut user_fk(UserSession::Table, UserSession::UserId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_user_session_user_id")
                    .table(UserSession::Table)
                    .col(UserSession::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LoginAttempt::Table)
                    .col(pk_uuid(LoginAttempt::Id))
                    .col(string_len(LoginAttempt::UsernameKey, 255))
                    .col(string_len(LoginAttempt::ClientAddr, 64))
                    .col(boolean(LoginAttempt::Succeeded))
                    .col(timestamp_with_time_zone(LoginAttempt::CreatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("ix_login_attempt_username", LoginAttempt::UsernameKey),
            ("ix_login_attempt_client", LoginAttempt::ClientAddr),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(LoginAttempt::Table)
                        .col(col)
                        .col(LoginAttempt::CreatedAt)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            LoginAttempt::Table.into_iden(),
            UserSession::Table.into_iden(),
            OauthState::Table.into_iden(),
            UserAsn::Table.into_iden(),
            LocalCredential::Table.into_iden(),
            AppUser::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
