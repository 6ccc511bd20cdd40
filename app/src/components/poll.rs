use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use leptos::prelude::*;

use crate::error::AppError;

/// Polls stop after this many refreshes (about 15 minutes).
#[cfg(feature = "hydrate")]
const MAX_POLLS: u32 = 110;

type Fetch<T> = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<T, AppError>>>> + Send + Sync>;

/// A value shown on a page and kept fresh in place. The page renders once from the first
/// value; then every 2 s for the first minute, every 10 s after, for a bounded time, and
/// only until `settled` says it will not change on its own, the value is fetched again
/// and stored when it differs. Parts of the page that read it through memos update
/// alone: nothing is re-created, so focus, selection, what someone is typing and the
/// page's entrance stay as they are. Browser only; the server renders the first value.
pub struct Live<T: Send + Sync + 'static> {
    value: RwSignal<T>,
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fetch: StoredValue<Option<Fetch<T>>>,
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    polling: StoredValue<bool>,
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    settled: fn(&T) -> bool,
}

impl<T: Send + Sync + 'static> Clone for Live<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Live<T> {}

impl<T> Live<T>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    /// Starts from `first` and refreshes with `fetch` until `settled`.
    pub fn new<F, Fut>(first: T, settled: fn(&T) -> bool, fetch: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, AppError>> + 'static,
    {
        let fetch: Fetch<T> = Arc::new(move || Box::pin(fetch()));
        let live = Self {
            value: RwSignal::new(first),
            fetch: StoredValue::new(Some(fetch)),
            polling: StoredValue::new(false),
            settled,
        };
        live.start();
        live
    }

    /// The latest value (reactive).
    pub fn get(&self) -> T {
        self.value.get()
    }

    /// A part of the value that notifies only when it changes.
    pub fn part<U: Clone + PartialEq + Send + Sync + 'static>(&self, pick: impl Fn(&T) -> U + Send + Sync + 'static) -> Memo<U> {
        let value = self.value;
        Memo::new(move |_| value.with(&pick))
    }

    /// Fetches at once (after a decision on the page), and polls again if that made the
    /// value unsettled.
    pub fn refresh(&self) {
        #[cfg(feature = "hydrate")]
        {
            let live = *self;
            let Some(fetch) = self.fetch.get_value() else { return };
            leptos::task::spawn_local(async move {
                if let Ok(next) = fetch().await {
                    live.store(next);
                }
                live.start();
            });
        }
    }

    #[cfg(feature = "hydrate")]
    fn store(&self, next: T) {
        if self.value.try_with_untracked(|current| *current != next) == Some(true) {
            self.value.try_set(next);
        }
    }

    fn start(&self) {
        #[cfg(feature = "hydrate")]
        if !self.polling.get_value() {
            self.polling.set_value(true);
            self.schedule(0);
        }
    }

    #[cfg(feature = "hydrate")]
    fn schedule(self, count: u32) {
        let unsettled = self.value.try_with_untracked(|v| !(self.settled)(v)) == Some(true);
        if !unsettled || count >= MAX_POLLS {
            self.polling.try_set_value(false);
            return;
        }
        let delay = std::time::Duration::from_secs(if count < 30 { 2 } else { 10 });
        set_timeout(
            move || {
                let Some(Some(fetch)) = self.fetch.try_get_value() else { return };
                leptos::task::spawn_local(async move {
                    if let Ok(next) = fetch().await {
                        self.store(next);
                    }
                    self.schedule(count + 1);
                });
            },
            delay,
        );
    }
}
