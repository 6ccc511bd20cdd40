//! Where the built site (wasm, JS, CSS, static files) is served from.

use std::path::{Path, PathBuf};

use leptos::prelude::LeptosOptions;

use crate::config::HttpConfig;

/// The output name cargo-leptos gives the bundle (`[[workspace.metadata.leptos]] name`).
pub const OUTPUT_NAME: &str = "zt-ix";

/// `LEPTOS_SITE_ROOT` when set; otherwise `target/site` under the working directory, or
/// next to the binary when it runs from `target/<profile>/`.
pub fn site_root(config: &HttpConfig) -> PathBuf {
    if let Some(root) = &config.site_root {
        return PathBuf::from(root);
    }
    let in_checkout = PathBuf::from("target/site");
    if in_checkout.is_dir() {
        return in_checkout;
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().and_then(Path::parent).map(|target| target.join("site")))
        .filter(|p| p.is_dir())
        .unwrap_or(in_checkout)
}

pub fn leptos_options(config: &HttpConfig) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(site_root(config).to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
        .build()
}
