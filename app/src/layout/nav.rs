use leptos::prelude::*;
use leptos_router::components::A;

/// One entry of the primary navigation.
struct NavItem {
    href: &'static str,
    label: &'static str,
}

const ITEMS: &[NavItem] = &[NavItem { href: "/", label: "Overview" }];

/// The primary navigation: a fixed column on desktop, a slide-over panel on mobile.
#[component]
pub fn PrimaryNav(open: RwSignal<bool>) -> impl IntoView {
    view! {
        <nav id="primary-nav" class="sidenav" class:open=move || open.get() aria-label="Main">
            <ul>
                {ITEMS
                    .iter()
                    .map(|item| view! { <li><A href=item.href exact=true>{item.label}</A></li> })
                    .collect_view()}
            </ul>
        </nav>
    }
}
