use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::locale_switcher::LocaleSwitcher;
use super::nav::PrimaryNav;
use super::user_menu::UserMenu;
use crate::branding::BRAND;
use crate::i18n::{t_string, use_i18n};
use leptos_i18n::Locale as _;

/// Desktop: a 240 px navigation column beside a top bar and the content.
/// Mobile: a top bar whose menu button slides the navigation over the content.
#[component]
pub fn Shell(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let menu_open = RwSignal::new(false);
    // Following a link closes the slide-over menu.
    let location = use_location();
    Effect::new(move |_| {
        location.pathname.track();
        menu_open.set(false);
    });

    view! {
        <div
            class="app"
            class:menu-open=move || menu_open.get()
            on:keydown=move |ev| {
                if ev.key() == "Escape" && menu_open.get_untracked() {
                    menu_open.set(false);
                }
            }
        >
            <a class="skip-link" href="#main">{tr!(shell.skip_to_content)}</a>
            <header class="topbar">
                <button
                    type="button"
                    class="menu-toggle"
                    aria-controls="primary-nav"
                    aria-expanded=move || menu_open.get().to_string()
                    aria-label=move || {
                        if menu_open.get() { t_string!(i18n, shell.close_menu) } else { t_string!(i18n, shell.open_menu) }
                    }
                    on:click=move |_| menu_open.update(|open| *open = !*open)
                >
                    <span class="menu-icon" aria-hidden="true"></span>
                </button>
                <a class="brand" href="/">
                    <span class="brand-logo" aria-hidden="true" inner_html=BRAND.logo_svg></span>
                    <span class="brand-name">{BRAND.name}</span>
                    <span class="brand-short">{BRAND.short_name}</span>
                </a>
                <div class="topbar-spacer"></div>
                <LocaleSwitcher/>
                <UserMenu/>
            </header>
            <div class="scrim" aria-hidden="true" on:click=move |_| menu_open.set(false)></div>
            <PrimaryNav open=menu_open/>
            <main id="main" class="content" tabindex="-1">
                {crate::is_demo().then(|| view! { <p class="demo-banner" role="note">{tr!(shell.demo_banner)}</p> })}
                {children()}
            </main>
            <footer class="footer">
                <span>{BRAND.name} " · " {tr!(shell.tagline)}</span>
                <a href=BRAND.footer_url>{move || BRAND.footer_label_in(i18n.get_locale().as_str())}</a>
                <a href=BRAND.support_url>{tr!(shell.support)}</a>
            </footer>
        </div>
    }
}
