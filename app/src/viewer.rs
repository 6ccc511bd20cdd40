//! The logged-in person, loaded once per page and shared through context.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::session::{get_viewer, Viewer};
use crate::components::ErrorNotice;
use crate::error::AppError;
use crate::page_data::{self, PageResource};

/// The viewer resource; `refresh` reloads it after a login or logout.
#[derive(Clone, Copy)]
pub struct ViewerState {
    pub viewer: PageResource<Result<Option<Viewer>, AppError>>,
    version: RwSignal<u32>,
}

impl ViewerState {
    pub fn provide() -> Self {
        let version = RwSignal::new(0);
        let viewer = page_data::load_blocking(move || version.get(), |_| get_viewer());
        let state = Self { viewer, version };
        provide_context(state);
        state
    }

    pub fn refresh(&self) {
        self.version.update(|v| *v += 1);
    }
}

pub fn use_viewer() -> ViewerState {
    expect_context::<ViewerState>()
}

/// Renders `children` with the viewer in context, or sends visitors to `/login`.
/// With `admin`, operators get a "no access" message instead.
#[component]
pub fn RequireViewer(#[prop(optional)] admin: bool, children: ChildrenFn) -> impl IntoView {
    let state = use_viewer();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=move || view! { <p class="muted" role="status">{tr!(shell.loading)}</p> }>
            {move || Suspend::new(async move {
                match state.viewer.await {
                    Ok(Some(viewer)) if admin && !viewer.is_admin => view! {
                        <section class="page">
                            <h1>{tr!(admin.no_access_title)}</h1>
                            <p>{tr!(admin.no_access_text)}</p>
                        </section>
                    }
                    .into_any(),
                    Ok(Some(viewer)) => {
                        provide_context(viewer);
                        children.with_value(|c| c()).into_any()
                    }
                    Ok(None) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
