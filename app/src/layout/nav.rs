use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::session::Viewer;
use crate::viewer::use_viewer;

/// One entry of the primary navigation.
struct NavItem {
    href: &'static str,
    label: &'static str,
}

const VISITOR: &[NavItem] = &[NavItem { href: "/login", label: "Log in" }];
const OPERATOR: &[NavItem] = &[
    NavItem { href: "/dashboard", label: "My requests" },
    NavItem { href: "/onboarding", label: "New request" },
];
const ADMIN: &[NavItem] = &[
    NavItem { href: "/admin/requests", label: "Admin queue" },
    NavItem { href: "/dashboard", label: "My requests" },
    NavItem { href: "/onboarding", label: "New request" },
];

fn items_for(viewer: Option<&Viewer>) -> &'static [NavItem] {
    match viewer {
        None => VISITOR,
        Some(v) if v.is_admin => ADMIN,
        Some(_) => OPERATOR,
    }
}

/// The primary navigation: a fixed column on desktop, a slide-over panel on mobile.
#[component]
pub fn PrimaryNav(open: RwSignal<bool>) -> impl IntoView {
    let state = use_viewer();
    view! {
        <nav id="primary-nav" class="sidenav" class:open=move || open.get() aria-label="Main">
            <Transition>
                {move || Suspend::new(async move {
                    let viewer = state.viewer.await.ok().flatten();
                    view! {
                        <ul>
                            {items_for(viewer.as_ref())
                                .iter()
                                .map(|item| view! { <li><A href=item.href>{item.label}</A></li> })
                                .collect_view()}
                        </ul>
                    }
                })}
            </Transition>
        </nav>
    }
}
