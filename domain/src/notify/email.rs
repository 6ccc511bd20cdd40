//! E-mail over SMTP (lettre), configured by `SMTP_URL` and `SMTP_FROM`.
//!
//! - `smtps://[user:pass@]host[:port]`: implicit TLS (port 465 by default);
//! - `smtp://[user:pass@]host[:port]`: STARTTLS, required (port 587);
//! - `smtp://host[:port]?tls=off`: no TLS at all (port 25), for a relay on the same
//!   host; refused in production.

use std::time::Duration;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};

use super::Rendered;

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    ImplicitTls,
    StartTls,
    Plain,
}

/// A parsed `SMTP_URL`.
#[derive(Debug, Clone)]
pub struct SmtpUrl {
    pub security: Security,
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
    pub password: Option<SecretString>,
}

impl SmtpUrl {
    /// Parses `SMTP_URL`; the error says what is wrong without repeating a password.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let url = url::Url::parse(raw.trim()).map_err(|_| "must be smtps://[user:pass@]host[:port] or smtp://[user:pass@]host[:port][?tls=off]".to_owned())?;
        let mut security = match url.scheme() {
            "smtps" => Security::ImplicitTls,
            "smtp" => Security::StartTls,
            other => return Err(format!("scheme '{other}' is not smtps or smtp")),
        };
        for (key, value) in url.query_pairs() {
            match (key.as_ref(), value.as_ref(), security) {
                ("tls", "off", Security::StartTls) => security = Security::Plain,
                ("tls", "required", Security::StartTls) => {}
                ("tls", _, _) => return Err(format!("tls={value} is not understood here (smtp://…?tls=off turns TLS off; smtps:// is always TLS)")),
                _ => return Err(format!("unknown parameter '{key}'")),
            }
        }
        let host = url.host_str().filter(|h| !h.is_empty()).ok_or("names no host")?.trim_start_matches('[').trim_end_matches(']').to_owned();
        if url.path() != "" && url.path() != "/" {
            return Err("must not have a path".into());
        }
        let port = url.port().unwrap_or(match security {
            Security::ImplicitTls => 465,
            Security::StartTls => 587,
            Security::Plain => 25,
        });
        let user = (!url.username().is_empty()).then(|| percent_decode(url.username()));
        let password = url.password().map(|p| SecretString::from(percent_decode(p)));
        if user.is_some() != password.is_some() {
            return Err("give both a user and a password, or neither".into());
        }
        Ok(Self { security, host, port, user, password })
    }
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Whether `from` is a sender address (`noc@ix.example.net` or `Name <noc@…>`).
pub fn check_from(from: &str) -> Result<(), String> {
    from.trim().parse::<Mailbox>().map(|_| ()).map_err(|e| format!("'{from}' is not an address: {e}"))
}

/// Sends the portal's e-mail.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The domain of Message-IDs.
    domain: String,
    timeout: Duration,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

/// Why the mailer could not be built.
#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    #[error("SMTP_FROM: {0}")]
    From(String),
    #[error("SMTP_CA_FILE: {0}")]
    Ca(String),
    #[error("SMTP_URL: {0}")]
    Tls(String),
}

impl Mailer {
    /// `ca_pem`: an extra certificate authority to trust (a private mail relay).
    pub fn new(url: &SmtpUrl, from: &str, ca_pem: Option<&[u8]>, timeout: Duration) -> Result<Self, MailerError> {
        let from: Mailbox = from.parse().map_err(|e| MailerError::From(format!("'{from}' is not an address: {e}")))?;
        let tls = || -> Result<TlsParameters, MailerError> {
            let mut builder = TlsParameters::builder(url.host.clone());
            if let Some(pem) = ca_pem {
                builder = builder.add_root_certificate(Certificate::from_pem(pem).map_err(|e| MailerError::Ca(e.to_string()))?);
            }
            builder.build_rustls().map_err(|e| MailerError::Tls(e.to_string()))
        };
        let tls = match url.security {
            Security::ImplicitTls => Tls::Wrapper(tls()?),
            Security::StartTls => Tls::Required(tls()?),
            Security::Plain => Tls::None,
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(url.host.as_str()).port(url.port).tls(tls).timeout(Some(timeout));
        if let (Some(user), Some(password)) = (&url.user, &url.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.expose_secret().to_owned()));
        }
        let domain = from.email.domain().to_owned();
        Ok(Self { transport: builder.build(), from, domain, timeout })
    }

    /// Sends one message to `to`. `id` becomes its Message-ID (`<id@from-domain>`), the
    /// same on every attempt, so a receiver can tell a repeat.
    pub async fn send(&self, to: &str, id: &str, message: &Rendered) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e| format!("'{to}' is not an address: {e}"))?;
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone())
            .message_id(Some(format!("<{id}@{}>", self.domain)))
            .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("Auto-Submitted"), "auto-generated".into()))
            .multipart(MultiPart::alternative_plain_html(message.text.clone(), message.html.clone()))
            .map_err(|e| e.to_string())?;
        // lettre's own timeout covers only the connect; this covers the whole exchange.
        match tokio::time::timeout(self.timeout, self.transport.send(email)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("the mail server did not finish within {} s", self.timeout.as_secs())),
        }
    }

    /// Connects, greets and (with credentials) logs in: what `zt-ix doctor` checks.
    pub async fn check(&self) -> Result<(), String> {
        match tokio::time::timeout(self.timeout, self.transport.test_connection()).await {
            Ok(Ok(true)) => Ok(()),
            Ok(Ok(false)) => Err("the mail server refused NOOP".into()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err("timed out".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_forms_of_smtp_url() {
        let u = SmtpUrl::parse("smtps://noc%40ix:p%20w@mail.example.net").unwrap();
        assert_eq!((u.security, u.host.as_str(), u.port, u.user.as_deref()), (Security::ImplicitTls, "mail.example.net", 465, Some("noc@ix")));
        assert_eq!(u.password.unwrap().expose_secret(), "p w");
        let u = SmtpUrl::parse("smtp://mail.example.net:2525").unwrap();
        assert_eq!((u.security, u.port, u.user), (Security::StartTls, 2525, None));
        let u = SmtpUrl::parse("smtp://127.0.0.1?tls=off").unwrap();
        assert_eq!((u.security, u.port), (Security::Plain, 25));
        let u = SmtpUrl::parse("smtp://[::1]:1025?tls=off").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("::1", 1025));
    }

    #[test]
    fn bad_smtp_urls_are_refused_without_echoing_the_password() {
        for (raw, needle) in [
            ("http://mail.example.net", "scheme"),
            ("smtps://mail.example.net?tls=off", "tls=off"),
            ("smtp://mail.example.net?tls=maybe", "tls=maybe"),
            ("smtp://mail.example.net?debug=1", "debug"),
            ("smtp://user@mail.example.net", "both"),
            ("smtp://mail.example.net/x", "path"),
            ("not a url", "must be"),
        ] {
            let error = SmtpUrl::parse(raw).unwrap_err();
            assert!(error.contains(needle), "{raw}: {error}");
        }
        let error = SmtpUrl::parse("smtp://u:hunter2@mail.example.net?tls=x").unwrap_err();
        assert!(!error.contains("hunter2"), "{error}");
    }
}
