//! `/api/v1/admin/users`: the admins' account screens as JSON. The same code as
//! `zt-ix users …` (rules, one transaction per change, audit), with the admin as actor.

use axum::extract::{Path, Query, State};
use contract::view::{Account, PasswordLinkView};
use domain::audit::Actor;
use domain::identity::accounts::{self, AccountChanges, AccountError, NewAccount, Who};
use domain::types::Asn;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::api::json::{ApiJson, Data, DataWithStatus};
use crate::api::session::Admin;
use crate::http::AppState;

impl From<AccountError> for ApiError {
    fn from(error: AccountError) -> Self {
        if let AccountError::Database(e) = error {
            return e.into();
        }
        let (code, field) = error.code();
        let api = ApiError::new(code, error.to_string());
        match field {
            Some(field) => api.detail("field", field),
            None => api,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Part of a username, name or e-mail address, or an ASN.
    q: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct UsersBody {
    #[schema(value_type = Vec<Object>)]
    pub users: Vec<Account>,
}

#[derive(Serialize, ToSchema)]
pub struct UserBody {
    #[schema(value_type = Object)]
    pub user: Account,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    username: String,
    #[serde(default)]
    full_name: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    is_admin: bool,
    #[serde(default)]
    #[schema(value_type = Vec<u32>)]
    asns: Vec<Asn>,
    /// 16-hex ids or configured 6-hex suffixes; empty: any network.
    #[serde(default)]
    networks: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChangesBody {
    #[serde(default)]
    is_admin: Option<bool>,
    /// Replaces the locally granted ASNs (PeeringDB's stay PeeringDB's).
    #[serde(default)]
    #[schema(value_type = Option<Vec<u32>>)]
    asns: Option<Vec<Asn>>,
    #[serde(default)]
    networks: Option<Vec<String>>,
    #[serde(default)]
    full_name: Option<String>,
    #[serde(default)]
    email: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedUserBody {
    #[schema(value_type = Object)]
    pub user: Account,
    /// Hand it to the user: it sets their first password (72 hours, once).
    #[schema(value_type = Object)]
    pub password_link: PasswordLinkView,
}

#[derive(Serialize, ToSchema)]
pub struct LinkBody {
    #[schema(value_type = Object)]
    pub password_link: PasswordLinkView,
}

#[derive(Serialize, ToSchema)]
pub struct EndedBody {
    pub sessions_ended: u64,
}

fn id_of(text: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text).map_err(|_| ApiError::not_found().with_message("There is no such user."))
}

async fn shown(state: &AppState, id: Uuid) -> ApiResult<Data<UserBody>> {
    let user = accounts::find(&state.services.db, id).await?.ok_or_else(|| ApiError::not_found().with_message("There is no such user."))?;
    Ok(Data::new(UserBody { user: user.view() }))
}

fn actor(admin: &Admin) -> Actor {
    Actor::User(admin.0.session.user.id)
}

/// Every account, local and PeeringDB, by username; `q` narrows the list.
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin", params(ListQuery),
    responses((status = 200, body = Data<UsersBody>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
pub async fn list(
    State(state): State<AppState>,
    _admin: Admin,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Data<UsersBody>> {
    let Query(query) = query.map_err(|e| ApiError::validation(format!("invalid query string: {e}")))?;
    let users = accounts::list(&state.services.db, query.q.as_deref()).await?;
    Ok(Data::new(UsersBody { users: users.iter().map(|a| a.view()).collect() }))
}

/// One account.
#[utoipa::path(get, path = "/api/v1/admin/users/{id}", tag = "admin", params(("id" = String, Path)),
    responses((status = 200, body = Data<UserBody>), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn show(State(state): State<AppState>, _admin: Admin, Path(id): Path<String>) -> ApiResult<Data<UserBody>> {
    shown(&state, id_of(&id)?).await
}

/// Creates a local account without a password; the answer's set-password link (shown
/// once) lets the user choose one.
#[utoipa::path(post, path = "/api/v1/admin/users", tag = "admin", request_body = NewUserBody,
    responses((status = 201, body = Data<CreatedUserBody>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
pub async fn create(State(state): State<AppState>, admin: Admin, ApiJson(body): ApiJson<NewUserBody>) -> ApiResult<DataWithStatus<CreatedUserBody>> {
    let new = NewAccount {
        username: body.username,
        password: None,
        is_admin: body.is_admin,
        asns: body.asns,
        networks: body.networks,
        full_name: body.full_name,
        email: body.email,
    };
    let services = &state.services;
    let (user, link) = accounts::create(&services.db, &services.settings.auth, actor(&admin), new).await?;
    let link = link.ok_or_else(|| ApiError::internal(sea_orm::DbErr::Custom("no set-password link".into())))?;
    let created = accounts::find(&services.db, user.id).await?.ok_or_else(ApiError::not_found)?;
    Ok(DataWithStatus(StatusCode::CREATED, CreatedUserBody { user: created.view(), password_link: link.view(&services.notify.base_url) }))
}

/// Changes an account: admin flag, local ASN grants, network restrictions, name, e-mail.
/// Taking the last enabled admin's flag away is `409 last_admin`.
#[utoipa::path(patch, path = "/api/v1/admin/users/{id}", tag = "admin", params(("id" = String, Path)), request_body = UserChangesBody,
    responses((status = 200, body = Data<UserBody>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
pub async fn update(State(state): State<AppState>, admin: Admin, Path(id): Path<String>, ApiJson(body): ApiJson<UserChangesBody>) -> ApiResult<Data<UserBody>> {
    let id = id_of(&id)?;
    let changes =
        AccountChanges { password: None, is_admin: body.is_admin, asns: body.asns, networks: body.networks, full_name: body.full_name, email: body.email };
    accounts::update(&state.services.db, &state.services.settings.auth, actor(&admin), Who::Id(id), changes).await?;
    shown(&state, id).await
}

/// Stops a local account from logging in: its sessions end and its API tokens stop
/// working. The last enabled admin cannot be disabled.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/disable", tag = "admin", params(("id" = String, Path)),
    responses((status = 200, body = Data<UserBody>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
pub async fn disable(State(state): State<AppState>, admin: Admin, Path(id): Path<String>) -> ApiResult<Data<UserBody>> {
    let id = id_of(&id)?;
    accounts::set_enabled(&state.services.db, actor(&admin), Who::Id(id), false).await?;
    shown(&state, id).await
}

/// Lets a disabled local account log in again.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/enable", tag = "admin", params(("id" = String, Path)),
    responses((status = 200, body = Data<UserBody>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn enable(State(state): State<AppState>, admin: Admin, Path(id): Path<String>) -> ApiResult<Data<UserBody>> {
    let id = id_of(&id)?;
    accounts::set_enabled(&state.services.db, actor(&admin), Who::Id(id), true).await?;
    shown(&state, id).await
}

/// Ends every session of an account (it logs in again).
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/end-sessions", tag = "admin", params(("id" = String, Path)),
    responses((status = 200, body = Data<EndedBody>), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn end_sessions(State(state): State<AppState>, admin: Admin, Path(id): Path<String>) -> ApiResult<Data<EndedBody>> {
    let ended = accounts::end_sessions(&state.services.db, actor(&admin), Who::Id(id_of(&id)?)).await?;
    Ok(Data::new(EndedBody { sessions_ended: ended }))
}

/// A new set-password link for a local account (earlier links stop working).
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/password-link", tag = "admin", params(("id" = String, Path)),
    responses((status = 200, body = Data<LinkBody>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn password_link(State(state): State<AppState>, admin: Admin, Path(id): Path<String>) -> ApiResult<Data<LinkBody>> {
    let link = accounts::issue_password_link(&state.services.db, actor(&admin), Who::Id(id_of(&id)?)).await?;
    Ok(Data::new(LinkBody { password_link: link.view(&state.services.notify.base_url) }))
}

/// Turns off an account's two-factor login (a lost authenticator); its sessions end.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/reset-two-factor", tag = "admin", params(("id" = String, Path)),
    responses((status = 200, body = Data<UserBody>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn reset_two_factor(State(state): State<AppState>, admin: Admin, Path(id): Path<String>) -> ApiResult<Data<UserBody>> {
    let id = id_of(&id)?;
    shown(&state, id).await?;
    let txn = domain::db::begin_write(&state.services.db).await?;
    domain::identity::second_factor::reset(&txn, actor(&admin), id).await?;
    txn.commit().await?;
    shown(&state, id).await
}
