//! Reading typed values out of the environment, naming the variable in every error.

use std::collections::HashMap;
use std::fmt::Display;
use std::str::FromStr;

use secrecy::SecretString;

/// One refused variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigIssue {
    pub variable: &'static str,
    pub message: String,
}

impl Display for ConfigIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.variable, self.message)
    }
}

/// The process environment (after `.env`), or a map in tests. Collects every problem so
/// one start reports all of them.
pub struct EnvSource {
    vars: HashMap<String, String>,
    issues: Vec<ConfigIssue>,
}

impl EnvSource {
    pub fn new(vars: HashMap<String, String>) -> Self {
        Self { vars, issues: Vec::new() }
    }

    pub fn from_process() -> Self {
        Self::new(std::env::vars().collect())
    }

    pub fn issue(&mut self, variable: &'static str, message: impl Into<String>) {
        self.issues.push(ConfigIssue { variable, message: message.into() });
    }

    pub fn into_issues(self) -> Vec<ConfigIssue> {
        self.issues
    }

    /// The trimmed value; empty counts as unset.
    pub fn get(&self, variable: &str) -> Option<String> {
        self.vars
            .get(variable)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    pub fn is_set(&self, variable: &str) -> bool {
        self.get(variable).is_some()
    }

    pub fn string_or(&self, variable: &str, default: &str) -> String {
        self.get(variable).unwrap_or_else(|| default.to_owned())
    }

    pub fn secret(&self, variable: &str) -> Option<SecretString> {
        self.get(variable).map(SecretString::from)
    }

    /// Parses the variable with `FromStr`, falling back to `default` when unset.
    pub fn parse_or<T>(&mut self, variable: &'static str, default: T) -> T
    where
        T: FromStr,
        T::Err: Display,
    {
        self.parse(variable).unwrap_or(default)
    }

    pub fn parse<T>(&mut self, variable: &'static str) -> Option<T>
    where
        T: FromStr,
        T::Err: Display,
    {
        let raw = self.get(variable)?;
        match raw.parse() {
            Ok(value) => Some(value),
            Err(e) => {
                self.issue(variable, format!("'{raw}' is invalid: {e}"));
                None
            }
        }
    }

    /// `true`/`false`, also `1`/`0`, `yes`/`no`, `on`/`off`.
    pub fn flag_or(&mut self, variable: &'static str, default: bool) -> bool {
        let Some(raw) = self.get(variable) else { return default };
        match raw.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => true,
            "false" | "0" | "no" | "off" => false,
            _ => {
                self.issue(variable, format!("'{raw}' is not a boolean (use true or false)"));
                default
            }
        }
    }

    /// One of `choices` (case-insensitive), or `default` when unset.
    pub fn choice_or<T: Copy>(&mut self, variable: &'static str, choices: &[(&str, T)], default: T) -> T {
        let Some(raw) = self.get(variable) else { return default };
        match choices.iter().find(|(name, _)| name.eq_ignore_ascii_case(&raw)) {
            Some((_, value)) => *value,
            None => {
                let names: Vec<_> = choices.iter().map(|(n, _)| *n).collect();
                self.issue(variable, format!("'{raw}' is not one of {}", names.join(", ")));
                default
            }
        }
    }
}
