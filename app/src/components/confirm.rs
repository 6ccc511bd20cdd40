use leptos::prelude::*;

/// A change that takes a second step: `label` opens the panel (a `<summary>`, so Enter
/// and Space work and screen readers announce it as expandable), and the form in the
/// panel commits. Closing the panel cancels. No browser dialog is involved.
#[component]
pub fn Confirm<L>(label: L, children: Children) -> impl IntoView
where
    L: Fn() -> &'static str + Send + Sync + Copy + 'static,
{
    view! {
        <details class="confirm">
            <summary class="button secondary">{label}</summary>
            <div class="confirm-panel">
                {children()}
                <p class="caption">{tr!(request.cancel_hint)}</p>
            </div>
        </details>
    }
}
