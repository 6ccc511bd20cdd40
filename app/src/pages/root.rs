use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::viewer::use_viewer;

/// `/` sends people where they belong: the login page, or their own start page.
#[component]
pub fn RootPage() -> impl IntoView {
    let state = use_viewer();
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let target = match state.viewer.await {
                    Ok(Some(viewer)) if viewer.is_admin => "/admin/requests",
                    Ok(Some(_)) => "/dashboard",
                    _ => "/login",
                };
                view! { <Redirect path=target/> }
            })}
        </Suspense>
    }
}
