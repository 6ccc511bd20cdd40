//! The exchange's name, logo and links, fixed at build time from `branding/branding.toml`
//! (or the file named by `ZTIX_BRANDING_FILE`); `build.rs` validates it.

/// What the portal calls itself and where it sends people for help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Brand {
    /// Header, page titles and footer.
    pub name: &'static str,
    /// Where space is short (the header on phones, the installed-app name).
    pub short_name: &'static str,
    /// The logo as an SVG document, inlined into the header.
    pub logo_svg: &'static str,
    /// `mailto:` or `https:` address for support.
    pub support_url: &'static str,
    pub footer_label: &'static str,
    pub footer_url: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/branding.rs"));
