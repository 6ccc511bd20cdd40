//! The two halves of a PeeringDB login: `start` (authorization URL, state stored) and
//! `complete` (state consumed, code exchanged, ID token verified, profile read, user and
//! ASNs stored, session opened).

use chrono::{DateTime, Duration, Utc};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreIdToken};
use openidconnect::{
    AuthType, AuthUrl, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, IssuerUrl,
    Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, SignatureVerificationError,
    TokenResponse, TokenUrl,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, Set,
};
use secrecy::ExposeSecret;
use contract::ErrorCode;
use uuid::Uuid;

use super::profile::{EligibleAsn, Profile};
use super::state::{self, Consumed};
use super::{ClientAuth, PeeringDb, SCOPES};
use crate::audit::{self, Actor, AuditAction, AuditEntry, SystemActor};
use crate::entities::user_asn::AsnSource;
use crate::entities::app_user;
use crate::identity::local::LoggedIn;
use crate::identity::sessions::{self, AuthMethod};
use crate::identity::users;
use crate::Services;

/// Why a PeeringDB login failed. Each maps to one API error code.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("PeeringDB login is not configured")]
    Unavailable,
    /// As many logins are in progress as the portal keeps (`auth.max_pending_logins`).
    #[error("too many PeeringDB logins are in progress; try again in a minute")]
    TooManyPending,
    #[error("the callback needs both code and state")]
    MissingCodeOrState,
    #[error("PeeringDB returned an error: {0}")]
    Provider(String),
    #[error("unknown or already used login state")]
    InvalidState,
    #[error("the login took too long; start again")]
    ExpiredState,
    #[error("the ID token nonce does not match this login")]
    InvalidNonce,
    /// `detail_code` names the check or step that failed.
    #[error("PeeringDB login failed at {detail_code}: {message}")]
    Upstream { detail_code: &'static str, message: String },
    #[error("the PeeringDB account (or its e-mail address) is not verified")]
    UnverifiedAccount,
    #[error(transparent)]
    Database(#[from] DbErr),
}

impl LoginError {
    /// The public error code (SPEC §5) of this refusal.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Unavailable => ErrorCode::AuthProviderUnavailable,
            Self::TooManyPending => ErrorCode::RateLimited,
            Self::MissingCodeOrState => ErrorCode::MissingCodeOrState,
            Self::Provider(_) => ErrorCode::OauthError,
            Self::InvalidState => ErrorCode::InvalidState,
            Self::ExpiredState => ErrorCode::ExpiredState,
            Self::InvalidNonce => ErrorCode::InvalidNonce,
            Self::Upstream { .. } => ErrorCode::UpstreamAuthFailure,
            Self::UnverifiedAccount => ErrorCode::UnverifiedAccount,
            Self::Database(_) => ErrorCode::InternalError,
        }
    }
}

fn upstream(detail_code: &'static str, message: impl ToString) -> LoginError {
    LoginError::Upstream { detail_code, message: message.to_string() }
}

/// A login that has been sent to PeeringDB.
#[derive(Debug, Clone)]
pub struct Started {
    pub authorization_url: String,
    pub state: String,
    pub expires_at: DateTime<Utc>,
    pub redirect_uri: String,
    pub scope: String,
}

/// What PeeringDB sent back to the redirect URI.
#[derive(Debug, Clone, Default)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub client_addr: String,
    /// The session cookie the browser already had; it is ended.
    pub previous_token: Option<String>,
    /// Browser logins: the `state` kept in the browser's login-state cookie, which must
    /// equal `state` (a callback link sent to someone else's browser is refused).
    /// `None` for API clients, which hold the state themselves.
    pub browser_state: Option<Option<String>>,
}

fn provider(services: &Services) -> Result<&PeeringDb, LoginError> {
    services.identity.peeringdb.as_ref().ok_or(LoginError::Unavailable)
}

/// Creates the authorization URL and stores its state, nonce and PKCE verifier.
pub async fn start(services: &Services) -> Result<Started, LoginError> {
    let pdb = provider(services)?;
    if state::pending(&services.db).await? >= u64::from(services.settings.auth.max_pending_logins) {
        return Err(LoginError::TooManyPending);
    }
    let s = pdb.settings();
    let client = CoreClient::new(
        ClientId::new(s.client_id.clone()),
        IssuerUrl::new(s.issuer.clone()).map_err(|e| upstream("configuration", e))?,
        Default::default(),
    )
    .set_auth_uri(AuthUrl::from_url(s.auth_url.clone()))
    .set_redirect_uri(RedirectUrl::from_url(s.redirect_uri.clone()));
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client.authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random);
    for scope in SCOPES {
        request = request.add_scope(Scope::new(scope.to_owned()));
    }
    let (url, csrf, nonce) = request.set_pkce_challenge(challenge).url();
    let ttl = Duration::seconds(services.settings.auth.oauth_state_ttl_seconds.into());
    let expires_at = Utc::now() + ttl;
    state::store(&services.db, csrf.secret(), nonce.secret(), verifier.secret(), s.redirect_uri.as_str(), expires_at).await?;
    Ok(Started {
        authorization_url: url.to_string(),
        state: csrf.secret().clone(),
        expires_at,
        redirect_uri: s.redirect_uri.to_string(),
        scope: std::iter::once("openid").chain(SCOPES).collect::<Vec<_>>().join(" "),
    })
}

async fn refused(services: &Services, callback: &Callback, error: &LoginError) {
    if matches!(error, LoginError::Unavailable | LoginError::Database(_)) {
        return;
    }
    let reason = error.code().as_str();
    let detail = match error {
        LoginError::Upstream { detail_code, .. } => Some(*detail_code),
        _ => None,
    };
    let mut entry = AuditEntry::new(Actor::System(SystemActor::Web), AuditAction::AuthLoginFailed, "login", "peeringdb")
        .with("method", "peeringdb")
        .with("reason", reason)
        .with("client_addr", callback.client_addr.as_str());
    if let Some(detail) = detail {
        entry = entry.with("detail_code", detail);
    }
    if let Err(e) = audit::record(&services.db, entry).await {
        tracing::error!(error = %e, "could not audit a refused PeeringDB login");
    }
}

/// Finishes a login from PeeringDB's redirect. The state is consumed before anything
/// is sent to PeeringDB, so a replayed or expired state never reaches the token endpoint.
#[tracing::instrument(skip_all)]
pub async fn complete(services: &Services, callback: Callback) -> Result<LoggedIn, LoginError> {
    let result = complete_inner(services, &callback).await;
    crate::metrics::auth_attempt("peeringdb", result.as_ref().map_or_else(|e| e.code().as_str(), |_| "success"));
    if let Err(error) = &result {
        refused(services, &callback, error).await;
    }
    result
}

async fn complete_inner(services: &Services, callback: &Callback) -> Result<LoggedIn, LoginError> {
    let pdb = provider(services)?;
    if let Some(error) = &callback.error {
        if let Some(state) = &callback.state {
            state::consume(&services.db, state).await?;
        }
        return Err(LoginError::Provider(error.chars().take(200).collect()));
    }
    let (Some(code), Some(state)) = (
        callback.code.as_deref().filter(|c| !c.is_empty()),
        callback.state.as_deref().filter(|s| !s.is_empty()),
    ) else {
        return Err(LoginError::MissingCodeOrState);
    };
    if let Some(bound) = &callback.browser_state {
        if bound.as_deref() != Some(state) {
            return Err(LoginError::InvalidState);
        }
    }
    let pending = match state::consume(&services.db, state).await? {
        Consumed::Fresh(row) => row,
        Consumed::Unknown | Consumed::Replayed => return Err(LoginError::InvalidState),
        Consumed::Expired => return Err(LoginError::ExpiredState),
    };

    let profile = exchange_and_verify(pdb, code, &pending.nonce, &pending.pkce_verifier).await?;
    if !profile.is_verified() {
        return Err(LoginError::UnverifiedAccount);
    }
    let eligible = profile.eligible_asns(services.settings.peeringdb.require_manage_peering_sessions);
    store_login(services, &profile, &eligible, callback).await
}

/// Code → tokens → verified ID token → profile (whose id must be the token's subject).
async fn exchange_and_verify(pdb: &PeeringDb, code: &str, nonce: &str, verifier: &str) -> Result<Profile, LoginError> {
    let s = pdb.settings();
    let issuer = IssuerUrl::new(s.issuer.clone()).map_err(|e| upstream("configuration", e))?;
    let client = CoreClient::new(ClientId::new(s.client_id.clone()), issuer.clone(), Default::default())
        .set_client_secret(ClientSecret::new(s.client_secret.expose_secret().to_owned()))
        .set_token_uri(TokenUrl::from_url(s.token_url.clone()))
        .set_redirect_uri(RedirectUrl::from_url(s.redirect_uri.clone()))
        .set_auth_type(match s.client_auth {
            ClientAuth::Post => AuthType::RequestBody,
            ClientAuth::Basic => AuthType::BasicAuth,
        });
    let tokens = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_owned()))
        .request_async(&pdb.client())
        .await
        .map_err(|e| upstream("token_endpoint", describe(&e)))?;
    let id_token = tokens.id_token().ok_or_else(|| upstream("missing_id_token", "the token response has no id_token"))?;

    let subject = verify_id_token(pdb, issuer, id_token, nonce).await?;
    let profile = fetch_profile(pdb, tokens.access_token().secret()).await?;
    if profile.id.to_string() != subject {
        return Err(upstream("subject_mismatch", format!("profile id {} is not the token subject {subject}", profile.id)));
    }
    Ok(profile)
}

/// Verifies signature (RS256 only), issuer, audience, expiry and nonce; returns `sub`.
async fn verify_id_token(
    pdb: &PeeringDb,
    issuer: IssuerUrl,
    id_token: &CoreIdToken,
    nonce: &str,
) -> Result<String, LoginError> {
    let client_id = ClientId::new(pdb.settings().client_id.clone());
    let nonce = Nonce::new(nonce.to_owned());
    let mut refreshed = false;
    loop {
        let keys = pdb.signing_keys(refreshed).await.map_err(|e| upstream("jwks_unavailable", e))?;
        let verifier = openidconnect::core::CoreIdTokenVerifier::new_public_client(client_id.clone(), issuer.clone(), keys);
        match id_token.claims(&verifier, &nonce) {
            Ok(claims) => return Ok(claims.subject().as_str().to_owned()),
            Err(ClaimsVerificationError::SignatureVerification(SignatureVerificationError::NoMatchingKey)) if !refreshed => {
                refreshed = true;
            }
            Err(e) => return Err(classify(e)),
        }
    }
}

fn classify(error: ClaimsVerificationError) -> LoginError {
    use ClaimsVerificationError as E;
    let message = error.to_string();
    match error {
        E::InvalidNonce(_) => LoginError::InvalidNonce,
        E::Expired(_) => upstream("expired", message),
        E::InvalidAudience(_) => upstream("audience", message),
        E::InvalidIssuer(_) => upstream("issuer", message),
        E::SignatureVerification(SignatureVerificationError::DisallowedAlg(_) | SignatureVerificationError::UnsupportedAlg(_)) => {
            upstream("algorithm", message)
        }
        E::SignatureVerification(_) => upstream("signature", message),
        _ => upstream("claims", message),
    }
}

fn describe(error: &dyn std::error::Error) -> String {
    crate::error_chain(error)
}

async fn fetch_profile(pdb: &PeeringDb, access_token: &str) -> Result<Profile, LoginError> {
    let response = pdb
        .client()
        .get(pdb.settings().profile_url.clone())
        .bearer_auth(access_token)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| upstream("profile_endpoint", describe(&e)))?;
    let status = response.status();
    crate::correlation::record_upstream("peeringdb", "profile", status.as_u16(), response.headers());
    if !status.is_success() {
        return Err(upstream("profile_endpoint", format!("the profile endpoint answered {status}")));
    }
    response.json::<Profile>().await.map_err(|e| upstream("profile_invalid", describe(&e)))
}

/// Upserts the user by PeeringDB id, replaces their PeeringDB ASNs and opens a session,
/// in one transaction.
async fn store_login(
    services: &Services,
    profile: &Profile,
    eligible: &[EligibleAsn],
    callback: &Callback,
) -> Result<LoggedIn, LoginError> {
    let txn = crate::db::begin_write(&services.db).await?;
    let now = Utc::now();
    let existing = app_user::Entity::find()
        .filter(app_user::Column::PeeringdbUserId.eq(profile.id))
        .one(&txn)
        .await?;
    let user = match existing {
        Some(user) => {
            let mut active = user.into_active_model();
            active.full_name = Set(profile.display_name());
            active.email = Set(profile.email.clone());
            active.updated_at = Set(now);
            active.update(&txn).await?
        }
        None => {
            app_user::ActiveModel {
                id: Set(Uuid::new_v4()),
                peeringdb_user_id: Set(Some(profile.id)),
                username: Set(format!("peeringdb-{}", profile.id)),
                full_name: Set(profile.display_name()),
                email: Set(profile.email.clone()),
                is_admin: Set(false),
                locale: Set(None),
                notifications_off: Set("[]".into()),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?
        }
    };
    replace_peeringdb_asns(&txn, user.id, eligible).await?;
    if let Some(previous) = &callback.previous_token {
        sessions::end_by_token(&txn, &services.identity.session_key, previous).await?;
    }
    let (token, _) =
        sessions::create(&txn, &services.identity.session_key, &services.settings.auth, user.id, AuthMethod::Peeringdb).await?;
    audit::record(
        &txn,
        AuditEntry::new(Actor::User(user.id), AuditAction::AuthLoginSucceeded, "app_user", user.id)
            .with("method", "peeringdb")
            .with("peeringdb_user_id", profile.id)
            .with("eligible_asns", eligible.iter().map(|e| e.asn.as_i64()).collect::<Vec<_>>())
            .with("client_addr", callback.client_addr.as_str()),
    )
    .await?;
    let asns = users::asns(&txn, user.id).await?;
    txn.commit().await?;
    Ok(LoggedIn { user, asns, token, method: AuthMethod::Peeringdb })
}

/// PeeringDB is the source of truth for its ASNs: rows it no longer grants go away.
/// ASNs granted locally by an admin are left alone.
async fn replace_peeringdb_asns<C: ConnectionTrait>(conn: &C, user_id: Uuid, eligible: &[EligibleAsn]) -> Result<(), DbErr> {
    let grants: Vec<users::AsnGrant> = eligible
        .iter()
        .map(|e| users::AsnGrant { asn: e.asn, net_id: Some(e.net_id), net_name: e.net_name.clone() })
        .collect();
    users::replace_asns(conn, user_id, AsnSource::Peeringdb, &grants).await
}
