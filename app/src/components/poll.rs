use leptos::prelude::*;

use crate::error::AppError;

/// Polls stop after this many refreshes (about 15 minutes).
const MAX_POLLS: u32 = 110;

/// Refetches `resource` until `settled` says the value will not change on its own:
/// every 2 s for the first minute, then every 10 s, for a bounded time. Browser only.
pub fn poll_until_settled<T>(resource: Resource<Result<T, AppError>>, settled: fn(&T) -> bool)
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
{
    #[cfg(feature = "hydrate")]
    {
        let polls = StoredValue::new(0u32);
        Effect::new(move |_| {
            let Some(value) = resource.get() else { return };
            if matches!(&value, Ok(v) if settled(v)) {
                return;
            }
            let count = polls.get_value();
            if count >= MAX_POLLS {
                return;
            }
            polls.set_value(count + 1);
            let delay = std::time::Duration::from_secs(if count < 30 { 2 } else { 10 });
            if let Ok(handle) = set_timeout_with_handle(move || resource.refetch(), delay) {
                on_cleanup(move || handle.clear());
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (resource, settled, MAX_POLLS);
}
