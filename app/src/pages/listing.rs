//! The dashboard's card for the public member list: per ASN, whether its details are
//! listed. A plain form (works before hydration); the choice is audited.

use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::exchange::{my_listings, ChooseListing};
use crate::components::ErrorNotice;
use crate::i18n::{t_string, use_i18n};

#[component]
pub fn ListingCard() -> impl IntoView {
    let choose = ServerAction::<ChooseListing>::new();
    let listings = Resource::new(move || choose.version().get(), |_| my_listings());
    let i18n = use_i18n();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match listings.await {
                    Ok(rows) if rows.is_empty() => ().into_any(),
                    Ok(rows) => view! {
                        <section class="card" aria-labelledby="listing-title">
                            <h2 id="listing-title">{tr!(listing.title)}</h2>
                            <p class="caption">{tr!(listing.text)} " " <a href="/members">{tr!(listing.see_list)}</a></p>
                            {rows.into_iter().map(|l| {
                                let id = format!("listing-details-{}", l.asn);
                                let asn = l.asn.to_string();
                                view! {
                                    <ActionForm action=choose attr:class="listing-form" attr:data-asn=l.asn.to_string()>
                                        <input type="hidden" name="asn" value=l.asn.to_string()/>
                                        <div class="check-row">
                                            <input type="checkbox" id=id.clone() name="details" value="on" checked=l.details/>
                                            <label for=id>{move || t_string!(i18n, listing.details, asn = asn.clone()).to_string()}</label>
                                        </div>
                                        {(!l.chosen).then(|| view! { <p class="caption">{tr!(listing.default_note)}</p> })}
                                        <button class="button secondary" type="submit">{tr!(listing.save)}</button>
                                    </ActionForm>
                                }
                            }).collect_view()}
                            {move || choose.value().get().and_then(|r| r.err()).map(|error| view! { <ErrorNotice error/> })}
                        </section>
                    }.into_any(),
                    Err(_) => ().into_any(),
                }
            })}
        </Suspense>
    }
}
