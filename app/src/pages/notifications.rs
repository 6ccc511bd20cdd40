//! The dashboard's card for e-mail notifications: what the person gets, one box per
//! kind (security-relevant kinds always on). A plain form (works before hydration); the
//! choice is audited.

use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::notify::{form_key, my_notifications, ChooseNotifications};
use crate::components::ErrorNotice;
use crate::i18n::{t_string, use_i18n};
use crate::text::notification_kind_label;

#[component]
pub fn NotificationsCard() -> impl IntoView {
    let choose = ServerAction::<ChooseNotifications>::new();
    let choices = Resource::new(move || choose.version().get(), |_| my_notifications());
    let i18n = use_i18n();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(choices) = choices.await else { return ().into_any() };
                let address = choices.address.clone();
                view! {
                    <section class="card" id="notifications" aria-labelledby="notifications-title">
                        <h2 id="notifications-title">{tr!(notifications.title)}</h2>
                        {match (choices.email_enabled, address) {
                            (false, _) => view! { <p class="caption">{tr!(notifications.email_off)}</p> }.into_any(),
                            (true, None) => view! { <p class="caption">{tr!(notifications.no_address)}</p> }.into_any(),
                            (true, Some(address)) => view! {
                                <p class="caption">{move || t_string!(i18n, notifications.sent_to, address = address.clone()).to_string()}</p>
                            }.into_any(),
                        }}
                        <ActionForm action=choose attr:class="notifications-form">
                            <input type="hidden" name="on[form]" value="on"/>
                            <fieldset class="check-list">
                                <legend class="visually-hidden">{tr!(notifications.title)}</legend>
                                {choices.kinds.into_iter().map(|choice| {
                                    let key = form_key(choice.kind);
                                    let id = format!("notify-{key}");
                                    let kind = choice.kind;
                                    view! {
                                        <div class="check-row" data-kind=kind.as_str()>
                                            <input type="checkbox" id=id.clone() name=format!("on[{key}]") value="on"
                                                checked=choice.on disabled=choice.locked/>
                                            <label for=id>
                                                {move || notification_kind_label(i18n.get_locale(), kind)}
                                                {choice.locked.then(|| view! { " " <span class="badge">{tr!(notifications.always)}</span> })}
                                            </label>
                                        </div>
                                    }
                                }).collect_view()}
                            </fieldset>
                            <button class="button secondary" type="submit">{tr!(notifications.save)}</button>
                        </ActionForm>
                        {move || choose.value().get().and_then(|r| r.err()).map(|error| view! { <ErrorNotice error/> })}
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}
