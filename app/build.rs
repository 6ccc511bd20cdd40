//! Build-time inputs of the interface:
//! - the typed translation module from `locales/*.json` (leptos_i18n), en-US the default;
//! - the exchange's branding from `branding/branding.toml` (or `ZTIX_BRANDING_FILE`).

use std::path::{Path, PathBuf};

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use serde::Deserialize;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    translations(&out.join("i18n"));
    if let Err(message) = branding(&out.join("branding.rs")) {
        // A clear build error beats a portal with a broken header.
        panic!("branding: {message}");
    }
}

/// Every key of a catalog with the `{{ variables }}` its sentence uses.
fn catalog_entries(path: &Path) -> Result<std::collections::BTreeMap<String, Vec<String>>, String> {
    fn walk(prefix: &str, value: &serde_json::Value, out: &mut std::collections::BTreeMap<String, Vec<String>>) -> Result<(), String> {
        match value {
            serde_json::Value::Object(map) => map.iter().try_for_each(|(key, inner)| walk(&format!("{prefix}{key}."), inner, out)),
            serde_json::Value::String(text) if !text.trim().is_empty() => {
                let mut vars: Vec<String> =
                    text.split("{{").skip(1).filter_map(|s| s.split_once("}}")).map(|(v, _)| v.trim().to_owned()).collect();
                vars.sort();
                out.insert(prefix.trim_end_matches('.').to_owned(), vars);
                Ok(())
            }
            _ => Err(format!("{} is not a sentence", prefix.trim_end_matches('.'))),
        }
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = std::collections::BTreeMap::new();
    walk("", &json, &mut out).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(out)
}

/// A key missing in one catalog would show English there (leptos_i18n only warns), and a
/// renamed variable a hole: both stop the build.
fn check_catalogs(dir: &Path) -> Result<(), String> {
    let english = catalog_entries(&dir.join("en-US.json"))?;
    for locale in ["zh-CN", "he"] {
        let other = catalog_entries(&dir.join(format!("{locale}.json")))?;
        for (key, vars) in &english {
            match other.get(key) {
                None => return Err(format!("{locale} has no text for `{key}`")),
                Some(v) if v != vars => return Err(format!("{locale}: `{key}` uses {v:?}, en-US {vars:?}")),
                Some(_) => {}
            }
        }
        if let Some(extra) = other.keys().find(|k| !english.contains_key(*k)) {
            return Err(format!("{locale} has `{extra}`, which en-US lacks"));
        }
    }
    Ok(())
}

fn translations(out: &Path) {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    if let Err(message) = check_catalogs(&manifest_dir.join("locales")) {
        panic!("locales: {message}");
    }
    let config = Config::new("en-US")
        .and_then(|c| c.add_locale("zh-CN"))
        .and_then(|c| c.add_locale("he"))
        .expect("valid locale names")
        // Interpolated sentences are also needed as plain strings (titles, attributes).
        .parse_options(ParseOptions::new().interpolate_display(true));
    let translations = TranslationsInfos::parse(config).expect("locales/*.json parse");
    translations.emit_diagnostics();
    translations.rerun_if_locales_changed();
    translations.generate_i18n_module(out.to_path_buf()).expect("the i18n module is written");
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Branding {
    name: String,
    short_name: String,
    logo: PathBuf,
    support_url: String,
    footer_link: FooterLink,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FooterLink {
    label: String,
    url: String,
    /// The label in other languages, by locale (`zh-CN`, `he`); `label` where missing.
    #[serde(default)]
    translations: std::collections::BTreeMap<String, String>,
}

/// The locales the interface speaks besides the default.
const OTHER_LOCALES: [&str; 2] = ["zh-CN", "he"];

fn branding(out: &Path) -> Result<(), String> {
    println!("cargo::rerun-if-env-changed=ZTIX_BRANDING_FILE");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let file = match std::env::var_os("ZTIX_BRANDING_FILE") {
        Some(path) => PathBuf::from(path),
        None => manifest_dir.join("../branding/branding.toml"),
    };
    println!("cargo::rerun-if-changed={}", file.display());
    let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let brand: Branding = toml::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;

    check_text("name", &brand.name, 40)?;
    check_text("short_name", &brand.short_name, 12)?;
    check_text("footer_link.label", &brand.footer_link.label, 60)?;
    for (locale, label) in &brand.footer_link.translations {
        if !OTHER_LOCALES.contains(&locale.as_str()) {
            return Err(format!("`footer_link.translations.{locale}`: the locales are {}", OTHER_LOCALES.join(", ")));
        }
        check_text(&format!("footer_link.translations.{locale}"), label, 60)?;
    }
    let footer_labels: Vec<(String, String)> =
        brand.footer_link.translations.iter().map(|(l, t)| (l.clone(), t.trim().to_owned())).collect();
    check_url("support_url", &brand.support_url, &["mailto:", "https://", "http://"])?;
    check_url("footer_link.url", &brand.footer_link.url, &["https://", "http://"])?;

    let logo = file.parent().unwrap_or(Path::new(".")).join(&brand.logo);
    println!("cargo::rerun-if-changed={}", logo.display());
    let svg = std::fs::read_to_string(&logo).map_err(|e| format!("logo {}: {e}", logo.display()))?;
    let body = svg.trim_start().trim_start_matches(|c| c == '\u{feff}');
    let body = match body.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map(|(_, r)| r.trim_start()).unwrap_or(""),
        None => body,
    };
    if !body.starts_with("<svg") {
        return Err(format!("logo {} must be an SVG document", logo.display()));
    }
    let lower = body.to_ascii_lowercase();
    if lower.contains("<script") || lower.contains("javascript:") || has_event_handler(&lower) {
        return Err(format!("logo {} must not contain scripts or event handlers", logo.display()));
    }
    if body.len() > 16 * 1024 {
        return Err(format!("logo {} is over 16 KiB; it is inlined into every page", logo.display()));
    }

    let code = format!(
        "/// The exchange's branding, from `{}` at build time.\n\
         pub const BRAND: Brand = Brand {{ name: {:?}, short_name: {:?}, logo_svg: {:?}, support_url: {:?}, footer_label: {:?}, footer_labels: &{:?}, footer_url: {:?} }};\n",
        file.display(),
        brand.name.trim(),
        brand.short_name.trim(),
        body.trim_end(),
        brand.support_url.trim(),
        brand.footer_link.label.trim(),
        footer_labels,
        brand.footer_link.url.trim(),
    );
    std::fs::write(out, code).map_err(|e| format!("cannot write {}: {e}", out.display()))
}

fn check_text(field: &str, value: &str, max_chars: usize) -> Result<(), String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max_chars || value.chars().any(char::is_control) {
        return Err(format!("`{field}` must be 1 to {max_chars} characters of plain text"));
    }
    Ok(())
}

fn check_url(field: &str, value: &str, schemes: &[&str]) -> Result<(), String> {
    let value = value.trim();
    let known = schemes.iter().any(|s| value.len() > s.len() && value.to_ascii_lowercase().starts_with(s));
    if !known || value.chars().any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>') {
        return Err(format!("`{field}` must be a {} URL", schemes.join(" or ")));
    }
    Ok(())
}

/// `onload=`, `onclick=`, … anywhere in the markup.
fn has_event_handler(lower: &str) -> bool {
    lower.match_indices(" on").any(|(i, _)| {
        let rest = &lower[i + 3..];
        let name_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        name_len > 0 && rest[name_len..].trim_start().starts_with('=')
    })
}
