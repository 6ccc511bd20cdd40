//! The browser entry point: hydrates the server-rendered page.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Panics show in the console during development; release bundles abort on a panic and
    // leave the formatting machinery out.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    // Lazy: the pages split out of the bundle are fetched before they hydrate.
    leptos::mount::hydrate_lazy(app::App);
}
