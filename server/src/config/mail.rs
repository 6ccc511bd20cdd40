use std::path::PathBuf;

use domain::notify::email::{Security, SmtpUrl};

use super::{AppEnv, EnvSource};

/// E-mail: `SMTP_URL`, `SMTP_FROM` and the optional `SMTP_CA_FILE`. `None`: e-mail off.
#[derive(Debug, Clone)]
pub struct MailConfig {
    pub url: SmtpUrl,
    pub from: String,
    /// A PEM certificate authority to trust besides the public ones (a private relay).
    pub ca_file: Option<PathBuf>,
}

impl MailConfig {
    pub(super) fn read(env: &mut EnvSource, app_env: AppEnv) -> Option<Self> {
        let raw = env.get("SMTP_URL").filter(|v| !v.trim().is_empty())?;
        let url = match SmtpUrl::parse(&raw) {
            Ok(url) => url,
            Err(e) => {
                env.issue("SMTP_URL", e);
                return None;
            }
        };
        if url.security == Security::Plain && app_env.is_production() {
            env.issue("SMTP_URL", "?tls=off (no TLS) is refused in production; use smtps:// or smtp:// with STARTTLS");
        }
        let Some(from) = env.get("SMTP_FROM").filter(|v| !v.trim().is_empty()) else {
            env.issue("SMTP_FROM", "is required with SMTP_URL (the sender, e.g. \"ZT-IX <noc@ix.example.net>\")");
            return None;
        };
        if let Err(e) = domain::notify::email::check_from(&from) {
            env.issue("SMTP_FROM", e);
        }
        let ca_file = env.get("SMTP_CA_FILE").map(PathBuf::from);
        if let Some(path) = &ca_file {
            if std::fs::metadata(path).is_err() {
                env.issue("SMTP_CA_FILE", format!("{} cannot be read", path.display()));
            }
        }
        Some(Self { url, from: from.trim().to_owned(), ca_file })
    }
}
