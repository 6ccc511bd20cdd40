//! What a member can do with their own request, each behind a second step: withdraw a
//! pending or failed request, leave the exchange, or move the membership to a new
//! router. The panels are `<details>`: keyboard operable, and the forms in them post
//! without JavaScript too.

use contract::RequestStatus;
use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::lifecycle::{LeaveExchange, ReplaceNode, WithdrawRequest};
use crate::components::{Confirm, ErrorNotice};
use crate::error::AppError;

fn action_error(result: Option<Result<(), AppError>>) -> Option<impl IntoView> {
    result?.err().map(|error| view! { <ErrorNotice error/> })
}

/// The member's choices for a request in `status`; `changed` runs after each change.
#[component]
pub fn MemberActions(id: String, #[prop(into)] status: Signal<RequestStatus>, changed: Callback<()>) -> impl IntoView {
    let withdraw = ServerAction::<WithdrawRequest>::new();
    let leave = ServerAction::<LeaveExchange>::new();
    let replace = ServerAction::<ReplaceNode>::new();
    Effect::new(move |first: Option<()>| {
        withdraw.version().get();
        leave.version().get();
        replace.version().get();
        if first.is_some() {
            changed.run(());
        }
    });
    let id = StoredValue::new(id);
    view! {
        {move || {
            let choices = match status.get() {
                RequestStatus::Pending | RequestStatus::Failed => view! {
                    <Confirm label=tr!(request.withdraw)>
                        <p>{tr!(request.withdraw_explain)}</p>
                        <ActionForm action=withdraw>
                            <input type="hidden" name="id" value=id.get_value()/>
                            <button type="submit" class="button danger">{tr!(request.withdraw_confirm)}</button>
                        </ActionForm>
                    </Confirm>
                }
                .into_any(),
                RequestStatus::Active => view! {
                    <Confirm label=tr!(request.replace)>
                        <p>{tr!(request.replace_explain)}</p>
                        <ActionForm action=replace>
                            <input type="hidden" name="id" value=id.get_value()/>
                            <div class="field">
                                <label for="replace-node">{tr!(request.replace_node)}</label>
                                <input id="replace-node" name="node_id" class="mono" dir="ltr" required=true minlength="10" maxlength="10" pattern="[0-9a-fA-F]{10}" autocomplete="off"/>
                            </div>
                            <button type="submit" class="button">{tr!(request.replace_confirm)}</button>
                        </ActionForm>
                    </Confirm>
                    <Confirm label=tr!(request.leave)>
                        <p>{tr!(request.leave_explain)}</p>
                        <ActionForm action=leave>
                            <input type="hidden" name="id" value=id.get_value()/>
                            <div class="field">
                                <label for="leave-note">{tr!(request.leave_note)}</label>
                                <textarea id="leave-note" name="note" rows="2" maxlength="2000"></textarea>
                            </div>
                            <button type="submit" class="button danger">{tr!(request.leave_confirm)}</button>
                        </ActionForm>
                    </Confirm>
                }
                .into_any(),
                _ => return None,
            };
            Some(view! {
                <div class="card actions">
                    <h2>{tr!(request.actions)}</h2>
                    {choices}
                    {move || action_error(withdraw.value().get())}
                    {move || action_error(leave.value().get())}
                    {move || action_error(replace.value().get())}
                </div>
            })
        }}
    }
}
