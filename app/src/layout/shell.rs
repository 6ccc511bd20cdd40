use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::locale_switcher::LocaleSwitcher;
use super::nav::PrimaryNav;
use super::user_menu::UserMenu;
use crate::APP_NAME;

/// Desktop: a 240 px navigation column beside a top bar and the content.
/// Mobile: a top bar whose menu button slides the navigation over the content.
#[component]
pub fn Shell(children: Children) -> impl IntoView {
    let menu_open = RwSignal::new(false);
    // Following a link closes the slide-over menu.
    let location = use_location();
    Effect::new(move |_| {
        location.pathname.track();
        menu_open.set(false);
    });

    view! {
        <div class="app" class:menu-open=move || menu_open.get()>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <header class="topbar">
                <button
                    type="button"
                    class="menu-toggle"
                    aria-controls="primary-nav"
                    aria-expanded=move || menu_open.get().to_string()
                    aria-label=move || if menu_open.get() { "Close menu" } else { "Open menu" }
                    on:click=move |_| menu_open.update(|open| *open = !*open)
                >
                    <span class="menu-icon" aria-hidden="true"></span>
                </button>
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"ZT"</span>
                    <span class="brand-name">{APP_NAME}</span>
                </a>
                <div class="topbar-spacer"></div>
                <LocaleSwitcher/>
                <UserMenu/>
            </header>
            <div
                class="scrim"
                aria-hidden="true"
                on:click=move |_| menu_open.set(false)
            ></div>
            <PrimaryNav open=menu_open/>
            <main id="main" class="content" tabindex="-1">
                {children()}
            </main>
            <footer class="footer">
                <span>{APP_NAME}" · a virtual Internet Exchange on ZeroTier"</span>
            </footer>
        </div>
    }
}
