//! E-mail messages: a plain-text and an HTML part from one pair of templates, with the
//! copy of each kind from the recipient's language's catalog
//! (`domain/templates/email/<locale>.toml`).

use std::collections::BTreeMap;

use minijinja::Environment;
use serde::Deserialize;
use serde_json::{json, Value};

use super::NotificationKind;

/// The languages e-mail is written in; the first is the default.
pub const LOCALES: [&str; 3] = ["en-US", "zh-CN", "he"];

const CATALOGS: [(&str, &str); 3] = [
    ("en-US", include_str!("../../templates/email/en-US.toml")),
    ("zh-CN", include_str!("../../templates/email/zh-CN.toml")),
    ("he", include_str!("../../templates/email/he.toml")),
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Copy {
    greeting: String,
    open: String,
    footer: String,
    preferences: String,
    kinds: BTreeMap<String, KindCopy>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct KindCopy {
    subject: String,
    lead: String,
    detail: Option<String>,
}

/// A message ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The templates and every language's copy, parsed once.
pub struct Catalog {
    env: Environment<'static>,
    copy: BTreeMap<&'static str, Copy>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog").field("locales", &self.copy.keys().collect::<Vec<_>>()).finish()
    }
}

/// What a message is about.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub exchange: String,
    pub asn: Option<i64>,
    pub network: Option<String>,
    pub node: Option<String>,
    pub reason: Option<String>,
    pub error: Option<String>,
    pub count: Option<u64>,
    /// The request's page (or the admin page) the message links to.
    pub url: String,
    pub preferences_url: String,
}

impl Default for Catalog {
    fn default() -> Self {
        Self::new()
    }
}

impl Catalog {
    /// # Panics
    /// If a built-in template or catalog does not parse (a test keeps them valid).
    pub fn new() -> Self {
        let mut env = Environment::new();
        env.add_template("message.txt", include_str!("../../templates/email/message.txt")).expect("message.txt");
        env.add_template("message.html", include_str!("../../templates/email/message.html")).expect("message.html");
        let copy = CATALOGS.iter().map(|(locale, text)| (*locale, toml::from_str::<Copy>(text).unwrap_or_else(|e| panic!("{locale}.toml: {e}")))).collect();
        Self { env, copy }
    }

    /// The supported locale closest to `locale` (its language), else the default.
    pub fn locale(locale: Option<&str>) -> &'static str {
        let Some(wanted) = locale else { return LOCALES[0] };
        LOCALES
            .iter()
            .find(|l| l.eq_ignore_ascii_case(wanted))
            .or_else(|| LOCALES.iter().find(|l| l.split('-').next() == wanted.split('-').next()))
            .copied()
            .unwrap_or(LOCALES[0])
    }

    /// The message about `kind` in `locale`; `None` if the kind has no e-mail copy.
    pub fn render(&self, kind: NotificationKind, locale: Option<&str>, facts: &Facts) -> Option<Rendered> {
        let locale = Self::locale(locale);
        let copy = &self.copy[locale];
        let kind_copy = copy.kinds.get(kind.as_str())?;
        let vars = json!({
            "exchange": facts.exchange,
            "asn": facts.asn,
            "network": facts.network.as_deref().unwrap_or("-"),
            "node": facts.node.as_deref().unwrap_or("-"),
            "reason": facts.reason.as_deref().unwrap_or("-"),
            "error": facts.error.as_deref().unwrap_or("-"),
            "count": facts.count.unwrap_or(0),
        });
        let vars = minijinja::Value::from(minijinja::value::Serde(vars));
        let fill = |s: &str| self.env.render_str(s, vars.clone()).ok();
        let detail = match &kind_copy.detail {
            Some(d) if facts.reason.is_some() || facts.error.is_some() => Some(fill(d)?),
            _ => None,
        };
        let subject = fill(&kind_copy.subject)?.replace(['\r', '\n'], " ");
        let context: Value = json!({
            "lang": locale,
            "dir": if locale == "he" { "rtl" } else { "ltr" },
            "subject": subject,
            "exchange": facts.exchange,
            "greeting": copy.greeting,
            "lead": fill(&kind_copy.lead)?,
            "detail": detail,
            "open": copy.open,
            "url": facts.url,
            "footer": fill(&copy.footer)?,
            "preferences": copy.preferences,
            "preferences_url": facts.preferences_url,
        });
        let context = minijinja::Value::from(minijinja::value::Serde(context));
        let text = self.env.get_template("message.txt").ok()?.render(context.clone()).ok()?;
        let html = self.env.get_template("message.html").ok()?.render(context).ok()?;
        Some(Rendered { subject, text, html })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        Facts {
            exchange: "ZT-IX".into(),
            asn: Some(64500),
            network: Some("8056c2e21c000001".into()),
            node: Some("aabbccddee".into()),
            reason: Some("<script>not a member</script>".into()),
            error: None,
            count: None,
            url: "https://ix.example.net/requests/1".into(),
            preferences_url: "https://ix.example.net/account#notifications".into(),
        }
    }

    #[test]
    fn every_kind_a_person_gets_has_copy_in_every_language() {
        let catalog = Catalog::new();
        for locale in LOCALES {
            for kind in NotificationKind::for_recipient(true) {
                let message = catalog.render(kind, Some(locale), &facts()).unwrap_or_else(|| panic!("{kind} in {locale}"));
                assert!(message.subject.contains("64500") || kind == NotificationKind::NetixlanMismatch, "{kind} {locale}: {}", message.subject);
                assert!(message.text.contains("https://ix.example.net/requests/1"), "{kind} {locale}");
                assert!(message.html.contains(r#"href="https://ix.example.net/requests/1""#), "{kind} {locale}");
            }
            // Copy differs between languages.
            let en = catalog.render(NotificationKind::RequestApproved, Some("en-US"), &facts()).unwrap();
            let other = catalog.render(NotificationKind::RequestApproved, Some(locale), &facts()).unwrap();
            assert_eq!(locale == "en-US", en.subject == other.subject, "{locale}");
        }
    }

    #[test]
    fn html_escapes_what_people_typed_and_text_keeps_it() {
        let message = Catalog::new().render(NotificationKind::RequestRejected, Some("en-US"), &facts()).unwrap();
        assert!(message.html.contains("&lt;script&gt;not a member&lt;&#x2f;script&gt;") || message.html.contains("&lt;script&gt;"), "{}", message.html);
        assert!(!message.html.contains("<script>"));
        assert!(message.text.contains("The reason given: <script>not a member</script>"), "{}", message.text);
    }

    #[test]
    fn hebrew_is_right_to_left_and_unknown_languages_fall_back() {
        let message = Catalog::new().render(NotificationKind::RequestActive, Some("he"), &facts()).unwrap();
        assert!(message.html.contains(r#"lang="he" dir="rtl""#));
        assert_eq!(Catalog::locale(Some("zh")), "zh-CN");
        assert_eq!(Catalog::locale(Some("fr-FR")), "en-US");
        assert_eq!(Catalog::locale(None), "en-US");
    }
}
