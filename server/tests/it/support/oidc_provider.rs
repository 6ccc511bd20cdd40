//! An OpenID provider shaped like PeeringDB's (`/oauth2/authorize/`, `/oauth2/token/`,
//! `/oauth2/.well-known/jwks.json`, `/profile/v1`), signing real RS256 ID tokens, with
//! faults that can be switched on per test.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use chrono::{Duration, Utc};
use openidconnect::core::{
    CoreHmacKey, CoreIdToken, CoreIdTokenClaims, CoreJsonWebKeySet, CoreJwsSigningAlgorithm, CoreRsaPrivateSigningKey,
};
use openidconnect::{
    AccessToken, Audience, AuthorizationCode, EmptyAdditionalClaims, IssuerUrl, JsonWebKeyId, Nonce, PrivateSigningKey,
    StandardClaims, SubjectIdentifier,
};
use rsa::pkcs1::EncodeRsaPrivateKey;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub const CLIENT_ID: &str = "zt-ix-test-client";
pub const CLIENT_SECRET: &str = "zt-ix-test-secret";
const KID: &str = "test-key-1";

/// What to break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fault {
    #[default]
    None,
    TokenEndpointDown,
    TokenInvalidGrant,
    NoIdToken,
    WrongAudience,
    WrongIssuer,
    Expired,
    WrongNonce,
    /// Signed with another key that claims the provider's key id.
    ForgedSignature,
    /// Signed with a key id the JWKS never lists.
    UnknownKey,
    /// HMAC-signed with the client secret.
    Hs256,
    ProfileForbidden,
    ProfileGarbage,
    /// The profile's id is not the token's subject.
    SubjectMismatch,
}

/// How the token endpoint expects the client to authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExpectAuth {
    #[default]
    Post,
    Basic,
}

struct Issued {
    nonce: Option<String>,
    challenge: Option<String>,
    redirect_uri: String,
}

#[derive(Default)]
struct Sim {
    base: String,
    codes: HashMap<String, Issued>,
    tokens: HashMap<String, Value>,
    profile: Value,
    fault: Fault,
    expect_auth: ExpectAuth,
    token_calls: usize,
    jwks_calls: usize,
}

#[derive(Clone)]
pub struct OidcProvider {
    pub base: String,
    sim: Arc<Mutex<Sim>>,
}

fn keys() -> &'static (String, String) {
    static KEYS: OnceLock<(String, String)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut rng = rand::rngs::OsRng;
        let mut pem = || {
            rsa::RsaPrivateKey::new(&mut rng, 2048)
                .expect("RSA key")
                .to_pkcs1_pem(rsa::pkcs1::LineEnding::LF)
                .expect("PEM")
                .to_string()
        };
        (pem(), pem())
    })
}

fn signing_key(kid: &str, rogue: bool) -> CoreRsaPrivateSigningKey {
    let (main, other) = keys();
    CoreRsaPrivateSigningKey::from_pem(if rogue { other } else { main }, Some(JsonWebKeyId::new(kid.into()))).expect("key")
}

/// A verified PeeringDB user with one network of each interesting permission.
pub fn default_profile() -> Value {
    json!({
        "id": 3, "given_name": "Jane", "family_name": "Doe", "name": "Jane Doe",
        "verified_user": true, "email": "jane@example.net", "verified_email": true,
        "networks": [
            {"id": 20, "name": "Example Net", "asn": 64500, "perms": 15, "manage_peering_sessions": 15},
            {"id": 7889, "name": "Read Only Net", "asn": 64501, "perms": 1, "manage_peering_sessions": 0},
            {"id": 7890, "name": "Create Only Net", "asn": 64502, "perms": 4, "manage_peering_sessions": 4}
        ]
    })
}

impl OidcProvider {
    pub async fn start() -> Self {
        // RSA key generation is slow; do it once, off the async threads, before serving.
        tokio::task::spawn_blocking(keys).await.expect("keys");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let sim = Arc::new(Mutex::new(Sim { base: base.clone(), profile: default_profile(), ..Sim::default() }));
        let app = Router::new()
            .route("/oauth2/authorize/", get(authorize))
            .route("/oauth2/token/", post(token))
            .route("/oauth2/.well-known/jwks.json", get(jwks))
            .route("/profile/v1", get(profile))
            .with_state(sim.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { base, sim }
    }

    pub fn issuer(&self) -> String {
        format!("{}/oauth2", self.base)
    }

    /// The portal's `PEERINGDB_*` variables for this provider.
    pub fn env(&self, redirect_uri: &str) -> Vec<(String, String)> {
        vec![
            ("PEERINGDB_CLIENT_ID".into(), CLIENT_ID.into()),
            ("PEERINGDB_CLIENT_SECRET".into(), CLIENT_SECRET.into()),
            ("PEERINGDB_REDIRECT_URI".into(), redirect_uri.into()),
            ("PEERINGDB_AUTH_URL".into(), format!("{}/oauth2/authorize/", self.base)),
            ("PEERINGDB_TOKEN_URL".into(), format!("{}/oauth2/token/", self.base)),
            ("PEERINGDB_PROFILE_URL".into(), format!("{}/profile/v1", self.base)),
            ("PEERINGDB_JWKS_URL".into(), format!("{}/oauth2/.well-known/jwks.json", self.base)),
            ("PEERINGDB_ISSUER".into(), self.issuer()),
        ]
    }

    pub fn set_fault(&self, fault: Fault) {
        self.sim.lock().unwrap().fault = fault;
    }

    pub fn set_profile(&self, profile: Value) {
        self.sim.lock().unwrap().profile = profile;
    }

    pub fn expect_auth(&self, auth: ExpectAuth) {
        self.sim.lock().unwrap().expect_auth = auth;
    }

    pub fn token_calls(&self) -> usize {
        self.sim.lock().unwrap().token_calls
    }

    pub fn jwks_calls(&self) -> usize {
        self.sim.lock().unwrap().jwks_calls
    }

    /// Plays the user approving the login at the provider: follows `authorization_url`
    /// and returns the `(code, state)` sent back to the redirect URI.
    pub async fn approve(&self, authorization_url: &str) -> (String, String) {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .unwrap();
        let response = client.get(authorization_url).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "authorize must redirect");
        let location = url::Url::parse(response.headers()[header::LOCATION].to_str().unwrap()).unwrap();
        let pairs: HashMap<_, _> = location.query_pairs().into_owned().collect();
        (pairs["code"].clone(), pairs["state"].clone())
    }
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    response_type: String,
    client_id: String,
    redirect_uri: String,
    scope: String,
    state: String,
    nonce: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
}

async fn authorize(State(sim): State<Arc<Mutex<Sim>>>, Query(q): Query<AuthorizeQuery>) -> Response {
    if q.response_type != "code" || q.client_id != CLIENT_ID || !q.scope.split(' ').any(|s| s == "openid") {
        return (StatusCode::BAD_REQUEST, "invalid authorization request").into_response();
    }
    if q.code_challenge.is_some() && q.code_challenge_method.as_deref() != Some("S256") {
        return (StatusCode::BAD_REQUEST, "only S256").into_response();
    }
    let code = uuid::Uuid::new_v4().simple().to_string();
    sim.lock().unwrap().codes.insert(
        code.clone(),
        Issued { nonce: q.nonce, challenge: q.code_challenge, redirect_uri: q.redirect_uri.clone() },
    );
    let mut target = url::Url::parse(&q.redirect_uri).unwrap();
    target.query_pairs_mut().append_pair("code", &code).append_pair("state", &q.state);
    Redirect::to(target.as_str()).into_response()
}

fn oauth_error(status: StatusCode, error: &str) -> Response {
    (status, Json(json!({"error": error}))).into_response()
}

async fn token(State(sim): State<Arc<Mutex<Sim>>>, headers: HeaderMap, Form(form): Form<HashMap<String, String>>) -> Response {
    let mut sim = sim.lock().unwrap();
    sim.token_calls += 1;
    match sim.fault {
        Fault::TokenEndpointDown => return (StatusCode::INTERNAL_SERVER_ERROR, "upstream exploded").into_response(),
        Fault::TokenInvalidGrant => return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant"),
        _ => {}
    }
    let authenticated = match sim.expect_auth {
        ExpectAuth::Post => {
            form.get("client_id").map(String::as_str) == Some(CLIENT_ID)
                && form.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET)
                && !headers.contains_key(header::AUTHORIZATION)
        }
        ExpectAuth::Basic => {
            let expected = format!("Basic {}", STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}")));
            headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) == Some(expected.as_str())
                && !form.contains_key("client_secret")
        }
    };
    if !authenticated {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    let Some(issued) = form.get("code").and_then(|c| sim.codes.remove(c)) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
    };
    if form.get("redirect_uri") != Some(&issued.redirect_uri) {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
    }
    if let Some(challenge) = &issued.challenge {
        let verifier = form.get("code_verifier").cloned().unwrap_or_default();
        if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != *challenge {
            return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
        }
    }

    let access_token = uuid::Uuid::new_v4().simple().to_string();
    let mut profile = sim.profile.clone();
    let subject = profile["id"].to_string();
    if sim.fault == Fault::SubjectMismatch {
        profile["id"] = json!(profile["id"].as_i64().unwrap_or(0) + 1000);
    }
    sim.tokens.insert(access_token.clone(), profile);

    let now = Utc::now();
    let issuer = match sim.fault {
        Fault::WrongIssuer => "https://evil.example/oauth2".to_owned(),
        _ => format!("{}/oauth2", sim.base),
    };
    let audience = match sim.fault {
        Fault::WrongAudience => "someone-else",
        _ => CLIENT_ID,
    };
    let (issued_at, expires) = match sim.fault {
        Fault::Expired => (now - Duration::hours(2), now - Duration::hours(1)),
        _ => (now, now + Duration::hours(10)),
    };
    let nonce = match sim.fault {
        Fault::WrongNonce => Some("not-the-nonce-you-sent".to_owned()),
        _ => issued.nonce.clone(),
    };
    let claims = CoreIdTokenClaims::new(
        IssuerUrl::new(issuer).unwrap(),
        vec![Audience::new(audience.into())],
        expires,
        issued_at,
        StandardClaims::new(SubjectIdentifier::new(subject)),
        EmptyAdditionalClaims {},
    )
    .set_nonce(nonce.map(Nonce::new));
    let at = AccessToken::new(access_token.clone());
    let code = AuthorizationCode::new(form["code"].clone());
    let id_token = match sim.fault {
        Fault::Hs256 => CoreIdToken::new(
            claims,
            &CoreHmacKey::new(CLIENT_SECRET.as_bytes().to_vec()),
            CoreJwsSigningAlgorithm::HmacSha256,
            Some(&at),
            Some(&code),
        ),
        Fault::ForgedSignature => {
            CoreIdToken::new(claims, &signing_key(KID, true), CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256, Some(&at), Some(&code))
        }
        Fault::UnknownKey => CoreIdToken::new(
            claims,
            &signing_key("rotated-key-9", true),
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            Some(&at),
            Some(&code),
        ),
        _ => CoreIdToken::new(claims, &signing_key(KID, false), CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256, Some(&at), Some(&code)),
    }
    .expect("sign ID token");
    let mut body = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": 36000,
        "scope": "openid profile email networks",
        "refresh_token": uuid::Uuid::new_v4().simple().to_string(),
        "id_token": id_token.to_string(),
    });
    if sim.fault == Fault::NoIdToken {
        body.as_object_mut().unwrap().remove("id_token");
    }
    Json(body).into_response()
}

async fn jwks(State(sim): State<Arc<Mutex<Sim>>>) -> Response {
    sim.lock().unwrap().jwks_calls += 1;
    let set = CoreJsonWebKeySet::new(vec![signing_key(KID, false).as_verification_key()]);
    ([(header::CACHE_CONTROL, "public, max-age=3600")], Json(set)).into_response()
}

async fn profile(State(sim): State<Arc<Mutex<Sim>>>, headers: HeaderMap) -> Response {
    let sim = sim.lock().unwrap();
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match (sim.fault, token.and_then(|t| sim.tokens.get(t))) {
        (Fault::ProfileForbidden, _) | (_, None) => StatusCode::FORBIDDEN.into_response(),
        (Fault::ProfileGarbage, _) => ([(header::CONTENT_TYPE, "application/json")], "{not json").into_response(),
        (_, Some(profile)) => Json(profile.clone()).into_response(),
    }
}
