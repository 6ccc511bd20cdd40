use leptos::prelude::*;
use leptos_meta::Title;


/// Shown for any path the portal does not know (with status 404).
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=title!(not_found.title)/>
        <section class="page">
            <h1>{tr!(not_found.title)}</h1>
            <p>{tr!(not_found.text)}</p>
            <p><a href="/">{tr!(not_found.home)}</a></p>
        </section>
    }
}
