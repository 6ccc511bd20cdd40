//! Login with PeeringDB: OAuth 2 authorization code flow with PKCE, OpenID Connect ID
//! token verification (RS256 against the provider's JWKS), then the profile endpoint.

mod login;
pub mod profile;
pub mod state;

use std::sync::Arc;
use std::time::{Duration, Instant};

use openidconnect::core::CoreJsonWebKeySet;
use openidconnect::JsonWebKeySetUrl;
use secrecy::SecretString;
use tokio::sync::RwLock;
use url::Url;

pub use login::{complete, start, Callback, LoginError, Started};

/// The scopes asked for; `openid` is always included.
pub const SCOPES: [&str; 3] = ["profile", "email", "networks"];

/// How the portal authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// Client id and secret in the form body (what PeeringDB expects).
    Post,
    /// HTTP Basic.
    Basic,
}

/// The application registered at PeeringDB, and the endpoints to use.
#[derive(Debug, Clone)]
pub struct PeeringDbSettings {
    pub client_id: String,
    pub client_secret: SecretString,
    pub redirect_uri: Url,
    pub auth_url: Url,
    pub token_url: Url,
    pub profile_url: Url,
    pub jwks_url: Url,
    pub issuer: String,
    pub client_auth: ClientAuth,
}

/// How long fetched signing keys are trusted before they are fetched again.
const JWKS_TTL: Duration = Duration::from_secs(3600);

/// A configured PeeringDB login: settings, an HTTP client and the cached signing keys.
#[derive(Clone, Debug)]
pub struct PeeringDb {
    settings: Arc<PeeringDbSettings>,
    http: reqwest::Client,
    jwks: Arc<RwLock<Option<(CoreJsonWebKeySet, Instant)>>>,
}

impl PeeringDb {
    pub fn new(settings: PeeringDbSettings) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            // Never follow redirects from the provider (SSRF, token leaks).
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(10))
            .user_agent(concat!("zt-ix/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { settings: Arc::new(settings), http, jwks: Arc::new(RwLock::new(None)) })
    }

    pub fn settings(&self) -> &PeeringDbSettings {
        &self.settings
    }

    /// The client for `openidconnect`: every call carries our correlation id, and the
    /// provider's own id is logged with the answer.
    pub(crate) fn client(&self) -> Correlated {
        Correlated(self.http.clone())
    }

    /// The signing keys, from cache unless stale or `refresh` is asked for (a token
    /// signed with a key we do not know yet: the provider may have rotated its keys).
    async fn signing_keys(&self, refresh: bool) -> Result<CoreJsonWebKeySet, String> {
        if !refresh {
            if let Some((keys, fetched)) = self.jwks.read().await.as_ref() {
                if fetched.elapsed() < JWKS_TTL {
                    return Ok(keys.clone());
                }
            }
        }
        let url = JsonWebKeySetUrl::from_url(self.settings.jwks_url.clone());
        let keys = CoreJsonWebKeySet::fetch_async(&url, &self.client()).await.map_err(|e| crate::error_chain(&e))?;
        *self.jwks.write().await = Some((keys.clone(), Instant::now()));
        Ok(keys)
    }
}

impl PeeringDb {
    /// For `zt-ix doctor`: the hosts of the login endpoints resolve and the signing keys
    /// can be read. Returns how many keys were published.
    pub async fn check_endpoints(&self) -> Result<usize, String> {
        let settings = &self.settings;
        for url in [&settings.auth_url, &settings.token_url, &settings.profile_url] {
            let host = url.host_str().ok_or_else(|| format!("{url} has no host"))?;
            let port = url.port_or_known_default().unwrap_or(443);
            let mut addresses = tokio::net::lookup_host((host, port)).await.map_err(|e| format!("{host} (from {url}) does not resolve: {e}"))?;
            if addresses.next().is_none() {
                return Err(format!("{host} (from {url}) has no address"));
            }
        }
        let keys = self.signing_keys(true).await.map_err(|e| format!("the signing keys at {} cannot be read: {e}", settings.jwks_url))?;
        match keys.keys().len() {
            0 => Err(format!("{} publishes no signing keys", settings.jwks_url)),
            n => Ok(n),
        }
    }
}

/// An HTTP client that sends `x-request-id` and logs the upstream's id (see
/// [`crate::correlation`]).
pub(crate) struct Correlated(pub(crate) reqwest::Client);

impl Correlated {
    /// A request to `url`, already carrying the correlation id.
    pub(crate) fn get(&self, url: Url) -> reqwest::RequestBuilder {
        let request = self.0.get(url);
        match crate::correlation::current() {
            Some(id) => request.header(crate::correlation::HEADER, id),
            None => request,
        }
    }
}

impl<'c> openidconnect::AsyncHttpClient<'c> for Correlated {
    type Error = <reqwest::Client as openidconnect::AsyncHttpClient<'c>>::Error;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<openidconnect::HttpResponse, Self::Error>> + Send + Sync + 'c>,
    >;

    fn call(&'c self, mut request: openidconnect::HttpRequest) -> Self::Future {
        if let Some(value) = crate::correlation::current().and_then(|id| openidconnect::http::HeaderValue::from_str(&id).ok()) {
            request.headers_mut().insert(crate::correlation::HEADER, value);
        }
        let operation = request.uri().path().to_owned();
        let call = self.0.call(request);
        Box::pin(async move {
            let response = call.await?;
            crate::correlation::record_upstream("peeringdb", &operation, response.status().as_u16(), response.headers());
            Ok(response)
        })
    }
}
