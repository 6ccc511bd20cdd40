//! Two-factor login on the account page (set up with a QR code drawn by the server and
//! shown until a first code confirms it, recovery codes shown once, turn off with a
//! code), and the
//! pages around a local login: the code step (`/login/code`) and setting a password
//! with an admin's link (`/set-password`). Plain forms, so they work before hydration.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::accounts::{my_two_factor, BeginTwoFactor, ConfirmTwoFactor, DisableTwoFactor, SetPassword};
use crate::api::session::LoginCode;
use crate::components::ErrorNotice;
use crate::error::AppError;
use crate::i18n::{t_string, use_i18n};

/// The refusal of the action's last call, if it was refused.
pub(crate) fn error_of<A>(action: ServerAction<A>) -> impl IntoView
where
    A: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    A::Output: Clone + Send + Sync + 'static,
{
    move || action.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })
}

#[component]
fn CodeField(id: &'static str) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{tr!(two_factor.code)}</label>
            <input id=id name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required maxlength="20" class="mono" placeholder="123456"/>
        </div>
    }
}

/// The account page's two-factor card.
#[component]
pub fn TwoFactorCard() -> impl IntoView {
    let begin = ServerAction::<BeginTwoFactor>::new();
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    let disable = ServerAction::<DisableTwoFactor>::new();
    let status = Resource::new(move || (begin.version().get(), confirm.version().get(), disable.version().get()), |_| my_two_factor());
    let i18n = use_i18n();
    view! {
        <section class="card" aria-labelledby="two-factor-title" data-testid="two-factor">
            <h2 id="two-factor-title">{tr!(two_factor.title)}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match status.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(s) if !s.available => view! { <p class="caption">{tr!(two_factor.peeringdb)}</p> }.into_any(),
                        Ok(s) if s.enabled => view! {
                            <p><span class="status status-active">{tr!(two_factor.on)}</span></p>
                            <p class="caption">{move || t_string!(i18n, two_factor.codes_left, count = s.recovery_codes_left.to_string()).to_string()}</p>
                            <ActionForm action=disable>
                                <h3>{tr!(two_factor.turn_off)}</h3>
                                <CodeField id="two-factor-off-code"/>
                                <button type="submit" class="button danger">{tr!(two_factor.turn_off)}</button>
                                {error_of(disable)}
                            </ActionForm>
                        }.into_any(),
                        Ok(s) => view! {
                            {s.required.then(|| view! { <p class="notice warning" role="status">{tr!(two_factor.required)}</p> })}
                            <p class="caption">{tr!(two_factor.text)}</p>
                            {match s.pending {
                                Some(setup) => view! {
                                    <div class="two-factor-setup">
                                        <p>{tr!(two_factor.scan)}</p>
                                        <div class="qr" role="img" aria-label=tr!(two_factor.qr_label) inner_html=setup.qr_svg></div>
                                        <p class="caption">{tr!(two_factor.or_type)} " " <code class="mono secret" data-testid="totp-secret">{setup.secret}</code></p>
                                        <ActionForm action=confirm>
                                            <CodeField id="two-factor-confirm-code"/>
                                            <button type="submit" class="button">{tr!(two_factor.confirm)}</button>
                                            {error_of(confirm)}
                                        </ActionForm>
                                    </div>
                                }.into_any(),
                                None => view! {
                                    <ActionForm action=begin>
                                        <button type="submit" class="button">{tr!(two_factor.set_up)}</button>
                                    </ActionForm>
                                    {error_of(begin)}
                                }.into_any(),
                            }}
                        }.into_any(),
                    }
                })}
            </Suspense>
            {move || confirm.value().get().and_then(Result::ok).map(|codes| view! {
                <div class="notice success" role="status">
                    <p>{tr!(two_factor.enabled)}</p>
                    <p>{tr!(two_factor.save_codes)}</p>
                    <ul class="recovery-codes mono" data-testid="recovery-codes">{codes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
                </div>
            })}
        </section>
    }
}

fn redirected() -> impl Fn() -> Option<AppError> + Copy {
    let query = use_query_map();
    move || query.with(|q| q.get("error")).and_then(|code| contract::ErrorCode::parse(&code)).map(AppError::refused)
}

/// `/login/code`: the second step of a login with two-factor login.
#[component]
pub fn LoginCodePage() -> impl IntoView {
    let login = ServerAction::<LoginCode>::new();
    let state = crate::viewer::use_viewer();
    Effect::new(move |_| {
        if let Some(Ok(())) = login.value().get() {
            state.refresh();
        }
    });
    let redirected = redirected();
    view! {
        <Title text=title!(two_factor.login_title)/>
        <section class="page login-page">
            <div class="login-panel card">
                <h1>{tr!(two_factor.login_title)}</h1>
                <p class="lead">{tr!(two_factor.login_lead)}</p>
                {move || redirected().map(|error| view! { <ErrorNotice error/> })}
                <ActionForm action=login>
                    <CodeField id="login-code"/>
                    {error_of(login)}
                    <button type="submit" class="button">{tr!(two_factor.verify)}</button>
                </ActionForm>
                <p class="caption">{tr!(two_factor.recovery_hint)} " " <a href="/login">{tr!(two_factor.start_over)}</a></p>
            </div>
        </section>
    }
}

/// `/set-password?token=…`: a new or locked-out user sets their password.
#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let set = ServerAction::<SetPassword>::new();
    let query = use_query_map();
    let token = move || query.with(|q| q.get("token")).unwrap_or_default();
    let redirected = redirected();
    view! {
        <Title text=title!(set_password.title)/>
        <section class="page login-page">
            <div class="login-panel card">
                <h1>{tr!(set_password.title)}</h1>
                <p class="lead">{tr!(set_password.lead)}</p>
                {move || redirected().map(|error| view! { <ErrorNotice error/> })}
                <ActionForm action=set>
                    <input type="hidden" name="token" value=token/>
                    <div class="field">
                        <label for="new-password">{tr!(set_password.password)}</label>
                        <input id="new-password" name="password" type="password" autocomplete="new-password" required minlength="12" maxlength="1024"/>
                    </div>
                    {error_of(set)}
                    <button type="submit" class="button">{tr!(set_password.submit)}</button>
                </ActionForm>
            </div>
        </section>
    }
}
