use leptos::prelude::*;

/// The language of the interface. English only for now; the header keeps its place.
#[component]
pub fn LocaleSwitcher() -> impl IntoView {
    view! {
        <div class="locale-switcher" title="Language">
            <span aria-hidden="true">"🇺🇸"</span>
            <span class="locale-name">"English"</span>
        </div>
    }
}
