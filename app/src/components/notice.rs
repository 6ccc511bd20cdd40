use leptos::prelude::*;

use crate::error::{AppError, Detail};
use crate::i18n::{t, use_i18n};
use crate::text::{error_message, ineligible_message, status_label};

/// An error from the server in plain words, with its short code for support requests.
/// A duplicate request (or a node the operator already uses) links to the existing one; a stale transition names the status
/// the request has now; a throttled login says how long to wait.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let code = error.code().as_str();
    let data_code = code;
    let message = {
        let error = error.clone();
        move || error_message(i18n.get_locale(), &error)
    };
    let extra = match error {
        AppError::Refused { detail: Some(Detail::ExistingRequest(existing)), .. } => {
            Some(view! { " " <a href=format!("/requests/{existing}")>{tr!(onboarding.see_existing)}</a> }.into_any())
        }
        AppError::Refused { detail: Some(Detail::CurrentStatus(current)), .. } => Some(
            view! { " " {tr!(admin.current_status)} " " {move || status_label(i18n.get_locale(), current)} }.into_any(),
        ),
        AppError::Refused { detail: Some(Detail::Ineligible(why)), .. } => {
            Some(view! { " " {move || ineligible_message(i18n.get_locale(), why)} }.into_any())
        }
        AppError::Refused { retry_after: Some(seconds), .. } => {
            let minutes = seconds.div_ceil(60);
            Some(view! { " " {t!(i18n, errors.wait_minutes, minutes)} }.into_any())
        }
        AppError::Refused { detail: Some(Detail::Field { field, message }), .. } => {
            Some(view! { " " <span class="detail">"(" {field} ": " {message} ")"</span> }.into_any())
        }
        AppError::Validation { message } => Some(view! { " " <span class="detail">"(" {message} ")"</span> }.into_any()),
        _ => None,
    };
    view! {
        <p class="error" role="alert" data-code=data_code>
            {message} {extra} " " <code class="mono">{code}</code>
        </p>
    }
}
