use leptos::prelude::*;
use leptos_i18n::Locale as _;
use leptos_router::hooks::use_location;

use crate::components::urlencode;
use crate::i18n::{use_i18n, Locale};

/// Flags are drawn here rather than taken from emoji fonts, which some systems lack
/// (Windows shows letters instead of flags).
const FLAG_US: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 19 10"><rect width="19" height="10" fill="#b22234"/><path d="M0 .769h19v.769H0zM0 2.308h19v.769H0zM0 3.846h19v.769H0zM0 5.385h19v.769H0zM0 6.923h19v.769H0zM0 8.462h19v.769H0z" fill="#fff"/><rect width="7.6" height="5.385" fill="#3c3b6e"/></svg>"##;
const FLAG_CN: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 30 20"><rect width="30" height="20" fill="#de2910"/><g fill="#ffde00"><polygon points="5,2 5.67,4.07 7.85,4.07 6.09,5.35 6.76,7.43 5,6.15 3.24,7.43 3.91,5.35 2.15,4.07 4.33,4.07"/><polygon points="9.14,2.51 9.62,1.97 9.25,1.34 9.91,1.63 10.39,1.08 10.33,1.8 11,2.09 10.29,2.25 10.22,2.97 9.85,2.35"/><polygon points="11.01,4.14 11.66,3.82 11.56,3.1 12.07,3.62 12.72,3.3 12.38,3.95 12.88,4.47 12.17,4.34 11.83,4.99 11.73,4.27"/><polygon points="11.04,6.73 11.76,6.7 11.96,6 12.21,6.68 12.94,6.66 12.37,7.1 12.62,7.79 12.01,7.38 11.44,7.83 11.64,7.13"/><polygon points="9.22,8.38 9.9,8.63 10.35,8.06 10.32,8.79 11,9.05 10.3,9.24 10.26,9.96 9.87,9.36 9.16,9.55 9.62,8.98"/></g></svg>"##;
const FLAG_IL: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 22 16"><rect width="22" height="16" fill="#fff"/><path d="M0 1.5h22V4H0zM0 12h22v2.5H0z" fill="#0038b8"/><g fill="none" stroke="#0038b8" stroke-width=".55"><polygon points="11,5.1 13.51,9.45 8.49,9.45"/><polygon points="11,10.9 8.49,6.55 13.51,6.55"/></g></svg>"##;

/// Each language with its flag and its own name (a reader looks for their language in
/// their script).
const LANGUAGES: [(Locale, &str, &str); 3] =
    [(Locale::en_US, FLAG_US, "English"), (Locale::zh_CN, FLAG_CN, "简体中文"), (Locale::he, FLAG_IL, "עברית")];

fn language(locale: Locale) -> (Locale, &'static str, &'static str) {
    LANGUAGES.into_iter().find(|(l, ..)| *l == locale).unwrap_or(LANGUAGES[0])
}

/// The language menu in the header. Its entries are links to `/locale/{code}`, which
/// sets the cookie and comes back, rendered by the server in the new language (and
/// direction); the same before and after hydration.
#[component]
pub fn LocaleSwitcher() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let details = NodeRef::<leptos::html::Details>::new();
    let close = move || {
        if let Some(details) = details.get_untracked() {
            details.set_open(false);
        }
    };
    let here = move || {
        let search = location.search.get();
        let path = location.pathname.get();
        if search.is_empty() { path } else { format!("{path}?{search}") }
    };

    view! {
        <details
            class="locale-switcher"
            node_ref=details
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    close();
                }
            }
        >
            <summary title=tr!(shell.language)>
                <span class="visually-hidden">{tr!(shell.language)} ": "</span>
                <span class="flag" aria-hidden="true" inner_html=move || language(i18n.get_locale()).1></span>
                <span class="locale-name">{move || language(i18n.get_locale()).2}</span>
            </summary>
            <ul class="locale-menu">
                {LANGUAGES
                    .into_iter()
                    .map(|(locale, flag, name)| {
                        let code = locale.as_str();
                        view! {
                            <li>
                                <a
                                    href=move || format!("/locale/{code}?next={}", urlencode(&here()))
                                    hreflang=code
                                    lang=code
                                    data-locale=code
                                    aria-current=move || (i18n.get_locale() == locale).then_some("true")
                                    // A full page load, not a client-side route.
                                    rel="external"
                                >
                                    <span class="flag" aria-hidden="true" inner_html=flag></span>
                                    <span>{name}</span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </details>
    }
}
