//! How a page's data travels from the server's render into the browser.
//!
//! The server renders each page with its data and writes that data into the page as
//! JSON; the browser reads it back when it hydrates, and reads the same types again
//! whenever a server function answers. Both reads go through one JSON reader here, so the
//! browser bundle carries one decoder per page type instead of two (one for text, one
//! for bytes).

use std::future::Future;

use codee::{Decoder, Encoder};
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// JSON in the page, read the way server function answers are read.
pub struct PageJson;

impl<T: Serialize> Encoder<T> for PageJson {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for PageJson {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(text: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(text.as_bytes())
    }
}

/// Data a page loads on the server and the browser takes over.
pub type PageResource<T> = Resource<T, PageJson>;

/// A page's data: rendered in place when the route renders in full, streamed otherwise.
#[track_caller]
pub fn load<T, S, Fut>(source: impl Fn() -> S + Send + Sync + 'static, fetch: impl Fn(S) -> Fut + Send + Sync + 'static) -> PageResource<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: Send + Sync + Clone + PartialEq + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetch, false)
}

/// Data the whole response waits for (the viewer, the outcome of a login).
#[track_caller]
pub fn load_blocking<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetch: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> PageResource<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: Send + Sync + Clone + PartialEq + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetch, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, serde::Deserialize)]
    struct Sample {
        name: String,
        count: u32,
    }

    #[test]
    fn what_is_written_reads_back() {
        let sample = Sample { name: "AS64500 — ünïcode".into(), count: 3 };
        let text = <PageJson as Encoder<Sample>>::encode(&sample).unwrap();
        assert_eq!(<PageJson as Decoder<Sample>>::decode(&text).unwrap(), sample);
        assert!(<PageJson as Decoder<Sample>>::decode("{\"name\":1}").is_err());
    }
}
