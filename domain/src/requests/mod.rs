//! Join requests: creating them under every rule, reading them (an operator sees only
//! their own), and the admin decisions that drive the status machine.

pub(crate) mod affiliation;
mod create;
mod decide;
mod eligibility;
mod error;
mod lifecycle;
mod onboarding;
mod query;

pub use create::{create, NewRequest};
pub use decide::{approve, reject, retry};
pub use error::{Ineligible, RequestError};
pub use lifecycle::{keep, leave, offboard, replace_node, resume, suspend, withdraw};
pub use onboarding::{onboarding_context, BlockedReason, OnboardingContext};
pub use query::{
    admin_detail, admin_list, admin_page_ids, count_by_status, find_for_user, list_for_user, AdminFilters, AdminPage, AdminQuery,
    FilterError, FilterInput, RequestRecord, DEFAULT_PAGE_SIZE,
    MAX_MIN_AGE_MINUTES, MAX_OFFSET, MAX_PAGE_SIZE,
};

/// Longest `notes` accepted, in characters.
pub const MAX_NOTES_CHARS: usize = 2000;
