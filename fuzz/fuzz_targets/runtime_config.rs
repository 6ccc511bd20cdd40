//! The TOML runtime configuration: any text is either refused with a message or gives
//! settings; it never panics.
#![no_main]

use domain::RuntimeSettings;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match RuntimeSettings::from_toml(text, "fuzz input") {
        Ok(settings) => {
            let _ = format!("{settings:?}");
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
});
