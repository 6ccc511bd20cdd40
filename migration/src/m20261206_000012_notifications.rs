//! Notifications, from one durable outbox:
//!
//! - `app_user.locale` (the language the person last used, for their e-mail) and
//!   `app_user.notifications_off` (JSON list of the kinds they turned off);
//! - `notification_event`: one row per event worth telling, written in the transaction
//!   of the change itself; `dispatched_at` is set once its deliveries exist;
//! - `notification_delivery`: one row per event, channel and recipient (unique: the
//!   idempotency key), with its attempts, backoff and outcome;
//! - `webhook_endpoint`: the admins' receivers (URL, subscribed events, signing secret).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Locale,
    NotificationsOff,
}

#[derive(DeriveIden)]
enum NotificationEvent {
    Table,
    Id,
    Kind,
    RequestId,
    Payload,
    CreatedAt,
    DispatchedAt,
}

#[derive(DeriveIden)]
enum NotificationDelivery {
    Table,
    Id,
    EventId,
    Channel,
    Target,
    Recipient,
    Status,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    LastError,
    ResponseStatus,
    LatencyMs,
    CreatedAt,
    DeliveredAt,
}

#[derive(DeriveIden)]
enum WebhookEndpoint {
    Table,
    Id,
    Url,
    Events,
    Secret,
    Enabled,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(AppUser::Table).add_column(string_len_null(AppUser::Locale, 16)).to_owned()).await?;
        manager
            .alter_table(Table::alter().table(AppUser::Table).add_column(text(AppUser::NotificationsOff).default("[]")).to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NotificationEvent::Table)
                    .col(uuid(NotificationEvent::Id).primary_key())
                    .col(string_len(NotificationEvent::Kind, 48))
                    .col(uuid_null(NotificationEvent::RequestId))
                    .col(text(NotificationEvent::Payload))
                    .col(timestamp_with_time_zone(NotificationEvent::CreatedAt))
                    .col(timestamp_with_time_zone_null(NotificationEvent::DispatchedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_notification_event_undispatched")
                    .table(NotificationEvent::Table)
                    .col(NotificationEvent::DispatchedAt)
                    .col(NotificationEvent::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NotificationDelivery::Table)
                    .col(uuid(NotificationDelivery::Id).primary_key())
                    .col(uuid(NotificationDelivery::EventId))
                    .col(string_len(NotificationDelivery::Channel, 16))
                    .col(string_len(NotificationDelivery::Target, 64))
                    .col(text(NotificationDelivery::Recipient))
                    .col(string_len(NotificationDelivery::Status, 16))
                    .col(integer(NotificationDelivery::Attempts).default(0))
                    .col(timestamp_with_time_zone(NotificationDelivery::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(NotificationDelivery::ClaimedUntil))
                    .col(text_null(NotificationDelivery::LastError))
                    .col(integer_null(NotificationDelivery::ResponseStatus))
                    .col(big_integer_null(NotificationDelivery::LatencyMs))
                    .col(timestamp_with_time_zone(NotificationDelivery::CreatedAt))
                    .col(timestamp_with_time_zone_null(NotificationDelivery::DeliveredAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(NotificationDelivery::Table, NotificationDelivery::EventId)
                            .to(NotificationEvent::Table, NotificationEvent::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_notification_delivery_once")
                    .table(NotificationDelivery::Table)
                    .col(NotificationDelivery::EventId)
                    .col(NotificationDelivery::Channel)
                    .col(NotificationDelivery::Target)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_notification_delivery_due")
                    .table(NotificationDelivery::Table)
                    .col(NotificationDelivery::Status)
                    .col(NotificationDelivery::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_notification_delivery_created")
                    .table(NotificationDelivery::Table)
                    .col(NotificationDelivery::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookEndpoint::Table)
                    .col(uuid(WebhookEndpoint::Id).primary_key())
                    .col(text(WebhookEndpoint::Url))
                    .col(text(WebhookEndpoint::Events))
                    .col(text(WebhookEndpoint::Secret))
                    .col(boolean(WebhookEndpoint::Enabled).default(true))
                    .col(timestamp_with_time_zone(WebhookEndpoint::CreatedAt))
                    .col(timestamp_with_time_zone(WebhookEndpoint::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(WebhookEndpoint::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(NotificationDelivery::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(NotificationEvent::Table).to_owned()).await?;
        manager.alter_table(Table::alter().table(AppUser::Table).drop_column(AppUser::NotificationsOff).to_owned()).await?;
        manager.alter_table(Table::alter().table(AppUser::Table).drop_column(AppUser::Locale).to_owned()).await
    }
}
