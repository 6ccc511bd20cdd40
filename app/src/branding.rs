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
    /// The footer link's label in the default language.
    pub footer_label: &'static str,
    /// The label in other languages: (locale, label).
    pub footer_labels: &'static [(&'static str, &'static str)],
    pub footer_url: &'static str,
}

impl Brand {
    /// The footer link's label in `locale` (as `zh-CN`), else in the default language.
    pub fn footer_label_in(&self, locale: &str) -> &'static str {
        self.footer_labels.iter().find(|(l, _)| *l == locale).map_or(self.footer_label, |(_, label)| label)
    }
}

include!(concat!(env!("OUT_DIR"), "/branding.rs"));
