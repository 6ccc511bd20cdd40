use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::session::Viewer;
use crate::i18n::{td_string, use_i18n, Locale};
use crate::viewer::use_viewer;

/// One entry of the primary navigation.
struct NavItem {
    href: &'static str,
    label: fn(Locale) -> &'static str,
}

const LOG_IN: NavItem = NavItem { href: "/login", label: |l| td_string!(l, nav.log_in) };
const MY_REQUESTS: NavItem = NavItem { href: "/dashboard", label: |l| td_string!(l, nav.my_requests) };
const NEW_REQUEST: NavItem = NavItem { href: "/onboarding", label: |l| td_string!(l, nav.new_request) };
const AUDIT: NavItem = NavItem { href: "/admin/audit", label: |l| td_string!(l, nav.audit) };
const USERS: NavItem = NavItem { href: "/admin/users", label: |l| td_string!(l, nav.users) };
const ACCOUNT: NavItem = NavItem { href: "/account", label: |l| td_string!(l, nav.account) };
const MEMBERS: NavItem = NavItem { href: "/members", label: |l| td_string!(l, nav.members) };
const PEERINGDB: NavItem = NavItem { href: "/admin/peeringdb", label: |l| td_string!(l, nav.peeringdb) };
const NOTIFICATIONS: NavItem = NavItem { href: "/admin/notifications", label: |l| td_string!(l, nav.notifications) };
const ADMIN_QUEUE: NavItem = NavItem { href: "/admin/requests", label: |l| td_string!(l, nav.admin_queue) };

const VISITOR: &[NavItem] = &[LOG_IN, MEMBERS];
const OPERATOR: &[NavItem] = &[MY_REQUESTS, NEW_REQUEST, MEMBERS, ACCOUNT];
const ADMIN: &[NavItem] = &[ADMIN_QUEUE, USERS, PEERINGDB, NOTIFICATIONS, AUDIT, MY_REQUESTS, NEW_REQUEST, MEMBERS, ACCOUNT];

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
    let i18n = use_i18n();
    let state = use_viewer();
    view! {
        <nav
            id="primary-nav"
            class="sidenav"
            class:open=move || open.get()
            aria-label=move || td_string!(i18n.get_locale(), shell.main_navigation)
        >
            <Transition>
                {move || Suspend::new(async move {
                    let viewer = state.viewer.await.ok().flatten();
                    view! {
                        <ul>
                            {items_for(viewer.as_ref())
                                .iter()
                                .map(|item| {
                                    let label = item.label;
                                    view! { <li><A href=item.href>{move || label(i18n.get_locale())}</A></li> }
                                })
                                .collect_view()}
                        </ul>
                    }
                })}
            </Transition>
        </nav>
    }
}
