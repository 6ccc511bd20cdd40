use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::session::Logout;
use crate::viewer::use_viewer;

/// The logged-in person's name and the logout button (a form: works without JavaScript).
#[component]
pub fn UserMenu() -> impl IntoView {
    let state = use_viewer();
    let logout = ServerAction::<Logout>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            state.refresh();
        }
    });
    view! {
        <Transition>
            {move || Suspend::new(async move {
                state.viewer.await.ok().flatten().map(|viewer| view! {
                    <div class="user-menu">
                        <span class="user-name" title=viewer.username.clone()>{viewer.display_name.clone()}</span>
                        {viewer.is_admin.then(|| view! { <span class="badge">{tr!(shell.admin_badge)}</span> })}
                        <ActionForm action=logout>
                            <button type="submit" class="button secondary small">{tr!(shell.log_out)}</button>
                        </ActionForm>
                    </div>
                })
            })}
        </Transition>
    }
}
