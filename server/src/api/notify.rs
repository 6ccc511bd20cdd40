//! Notifications: a person's e-mail choices (`GET | PUT /api/v1/me/notifications`), the
//! admins' webhook endpoints (`/api/v1/admin/webhooks…`) and the outbox with its
//! delivery log and dead letters (`/api/v1/admin/notifications…`).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use contract::view::{CreatedWebhook, NotificationChoices, Outbox, WebhookEndpoint};
use contract::{DeliveryStatus, ErrorCode, NotificationKind};
use domain::audit::Actor;
use domain::notify::endpoints::{self, EndpointError, NewEndpoint};
use http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::error::{ApiError, ApiResult, ErrorEnvelope};
use super::json::{ApiJson, Data, DataWithStatus};
use super::session::{Admin, Authenticated};
use crate::http::AppState;

/// Deliveries listed at most.
const MAX_LIMIT: u64 = 500;

impl From<EndpointError> for ApiError {
    fn from(error: EndpointError) -> Self {
        match error {
            EndpointError::Url(e) => ApiError::validation(format!("webhook URL refused: {e}")).detail("field", "url"),
            EndpointError::NoEvents => ApiError::validation("Choose at least one event.").detail("field", "events"),
            EndpointError::Secret => ApiError::validation(EndpointError::Secret.to_string()).detail("field", "secret"),
            EndpointError::TooMany => ApiError::validation(EndpointError::TooMany.to_string()),
            EndpointError::NotFound => ApiError::not_found(),
            EndpointError::Database(e) => e.into(),
        }
    }
}

fn id(text: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(text).map_err(|_| ApiError::not_found())
}

fn kinds(names: &[String], field: &str) -> ApiResult<Vec<NotificationKind>> {
    names
        .iter()
        .map(|n| NotificationKind::parse(n).ok_or_else(|| ApiError::validation(format!("unknown event '{n}'")).detail("field", field)))
        .collect()
}

/// What the caller gets by e-mail.
#[derive(Serialize, ToSchema)]
pub struct ChoicesBody {
    #[schema(value_type = Object)]
    pub notifications: NotificationChoices,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetChoicesBody {
    /// The kinds (`join_request.approved`, …) to receive no e-mail for; the
    /// security-relevant ones (`join_request.suspended`, `join_request.removed`) stay on.
    off: Vec<String>,
}

/// The caller's e-mail choices.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "identity",
    responses((status = 200, body = Data<ChoicesBody>), (status = 401, body = ErrorEnvelope)))]
pub async fn my_choices(State(state): State<AppState>, auth: Authenticated) -> ApiResult<Data<ChoicesBody>> {
    let notifications = domain::notify::choices::of(&auth.session.user, state.services.notify.mailer.is_some());
    Ok(Data::new(ChoicesBody { notifications }))
}

/// Chooses which e-mails the caller gets (audited).
#[utoipa::path(put, path = "/api/v1/me/notifications", tag = "identity", request_body = SetChoicesBody,
    responses((status = 200, body = Data<ChoicesBody>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope)))]
pub async fn set_my_choices(State(state): State<AppState>, auth: Authenticated, ApiJson(body): ApiJson<SetChoicesBody>) -> ApiResult<Data<ChoicesBody>> {
    let off = kinds(&body.off, "off")?;
    let user = domain::notify::choices::set(&state.services.db, auth.session.user.id, &off).await?.ok_or_else(ApiError::not_found)?;
    Ok(Data::new(ChoicesBody { notifications: domain::notify::choices::of(&user, state.services.notify.mailer.is_some()) }))
}

#[derive(Serialize, ToSchema)]
pub struct WebhooksBody {
    #[schema(value_type = Vec<Object>)]
    pub webhooks: Vec<WebhookEndpoint>,
}

#[derive(Serialize, ToSchema)]
pub struct WebhookBody {
    #[schema(value_type = Object)]
    pub webhook: WebhookEndpoint,
}

/// A new endpoint and its signing secret, shown this once.
#[derive(Serialize, ToSchema)]
pub struct CreatedWebhookBody {
    #[schema(value_type = Object)]
    pub webhook: WebhookEndpoint,
    pub secret: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhookBody {
    /// `https://…` (or `http://…`); loopback, link-local and private addresses are
    /// refused unless `[webhooks] allowed_networks` lets them in.
    url: String,
    /// Event types (`join_request.active`, `peeringdb.netixlan_mismatch`, …).
    events: Vec<String>,
    /// `whsec_` + base64 of 24 to 64 bytes; omitted: one is generated.
    #[serde(default)]
    secret: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhookBody {
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    events: Option<Vec<String>>,
}

/// Every webhook endpoint.
#[utoipa::path(get, path = "/api/v1/admin/webhooks", tag = "admin",
    responses((status = 200, body = Data<WebhooksBody>), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
pub async fn list_webhooks(State(state): State<AppState>, _admin: Admin) -> ApiResult<Data<WebhooksBody>> {
    Ok(Data::new(WebhooksBody { webhooks: endpoints::list(&state.services.db).await? }))
}

/// Adds an endpoint (audited); the secret is in this answer only.
#[utoipa::path(post, path = "/api/v1/admin/webhooks", tag = "admin", request_body = NewWebhookBody,
    responses((status = 201, body = Data<CreatedWebhookBody>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope)))]
pub async fn create_webhook(State(state): State<AppState>, admin: Admin, ApiJson(body): ApiJson<NewWebhookBody>) -> ApiResult<DataWithStatus<CreatedWebhookBody>> {
    let new = NewEndpoint { url: body.url, events: kinds(&body.events, "events")?, secret: body.secret };
    let CreatedWebhook { endpoint, secret } = endpoints::create(&state.services.db, &state.services.notify.guard, Actor::User(admin.0.session.user.id), new).await?;
    Ok(DataWithStatus(StatusCode::CREATED, CreatedWebhookBody { webhook: endpoint, secret }))
}

/// Turns an endpoint on or off, or changes its events (audited).
#[utoipa::path(patch, path = "/api/v1/admin/webhooks/{id}", tag = "admin", params(("id" = String, Path)), request_body = UpdateWebhookBody,
    responses((status = 200, body = Data<WebhookBody>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn update_webhook(
    State(state): State<AppState>,
    admin: Admin,
    Path(text): Path<String>,
    ApiJson(body): ApiJson<UpdateWebhookBody>,
) -> ApiResult<Data<WebhookBody>> {
    let events = body.events.as_deref().map(|e| kinds(e, "events")).transpose()?;
    let webhook = endpoints::update(&state.services.db, Actor::User(admin.0.session.user.id), id(&text)?, body.enabled, events).await?;
    Ok(Data::new(WebhookBody { webhook }))
}

#[derive(Serialize, ToSchema)]
pub struct DeletedBody {
    pub deleted: String,
}

/// Removes an endpoint (audited); its pending deliveries fail as "deleted".
#[utoipa::path(delete, path = "/api/v1/admin/webhooks/{id}", tag = "admin", params(("id" = String, Path)),
    responses((status = 200, body = Data<DeletedBody>), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope)))]
pub async fn delete_webhook(State(state): State<AppState>, admin: Admin, Path(text): Path<String>) -> ApiResult<Data<DeletedBody>> {
    let id = id(&text)?;
    endpoints::delete(&state.services.db, Actor::User(admin.0.session.user.id), id).await?;
    Ok(Data::new(DeletedBody { deleted: id.to_string() }))
}

#[derive(Serialize, ToSchema)]
pub struct TestBody {
    /// The test event; its delivery shows in the log.
    pub event_id: String,
}

/// Queues a signed `webhook.test` delivery to the endpoint (audited).
#[utoipa::path(post, path = "/api/v1/admin/webhooks/{id}/test", tag = "admin", params(("id" = String, Path)),
    responses((status = 202, body = Data<TestBody>), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope)))]
pub async fn test_webhook(State(state): State<AppState>, admin: Admin, Path(text): Path<String>) -> ApiResult<DataWithStatus<TestBody>> {
    let event = endpoints::test(&state.services.db, Actor::User(admin.0.session.user.id), id(&text)?).await?;
    Ok(DataWithStatus(StatusCode::ACCEPTED, TestBody { event_id: event.to_string() }))
}

#[derive(Serialize, ToSchema)]
pub struct OutboxBody {
    #[schema(value_type = Object)]
    pub outbox: Outbox,
}

/// The outbox: pending and dead counts, the oldest pending age, and the latest
/// deliveries (`status`: `pending`, `delivered` or `dead`; `endpoint`: one webhook's).
#[utoipa::path(get, path = "/api/v1/admin/notifications", tag = "admin",
    params(("status" = Option<String>, Query), ("endpoint" = Option<String>, Query), ("limit" = Option<u64>, Query, minimum = 1, maximum = 500)),
    responses((status = 200, body = Data<OutboxBody>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope)))]
pub async fn outbox(
    State(state): State<AppState>,
    _admin: Admin,
    query: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Data<OutboxBody>> {
    let Query(query) = query.map_err(|e| ApiError::validation(format!("invalid query string: {e}")))?;
    let mut status = None;
    let mut endpoint = None;
    let mut limit = 100;
    for (key, value) in &query {
        let bad = |what: &str| ApiError::validation(format!("{key}: {what}")).detail("field", key.as_str());
        match key.as_str() {
            "status" if value.is_empty() => {}
            "status" => status = Some(DeliveryStatus::parse(value).ok_or_else(|| bad("one of pending, delivered, dead"))?),
            "endpoint" if value.is_empty() => {}
            "endpoint" => endpoint = Some(Uuid::parse_str(value).map_err(|_| bad("an endpoint id"))?),
            "limit" => limit = value.parse::<u64>().ok().filter(|l| (1..=MAX_LIMIT).contains(l)).ok_or_else(|| bad("1 to 500"))?,
            _ => return Err(bad("unknown parameter")),
        }
    }
    Ok(Data::new(OutboxBody { outbox: endpoints::outbox(&state.services.db, status, endpoint, limit).await? }))
}

#[derive(Serialize, ToSchema)]
pub struct RetriedBody {
    pub retried: String,
}

/// Sends a dead letter again (audited); `409` unless it is dead.
#[utoipa::path(post, path = "/api/v1/admin/notifications/{id}/retry", tag = "admin", params(("id" = String, Path)),
    responses((status = 200, body = Data<RetriedBody>), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
pub async fn retry(State(state): State<AppState>, admin: Admin, Path(text): Path<String>) -> ApiResult<Data<RetriedBody>> {
    let id = id(&text)?;
    if !endpoints::retry(&state.services.db, Actor::User(admin.0.session.user.id), id).await? {
        return Err(ApiError::new(ErrorCode::InvalidStatusTransition, "Only a dead letter can be sent again.").detail("delivery_id", id.to_string()));
    }
    Ok(Data::new(RetriedBody { retried: id.to_string() }))
}
