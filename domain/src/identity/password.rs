//! Password hashing (argon2id, PHC strings) and constant-time verification.
//!
//! Hashing is deliberately slow, so it runs on the blocking pool. An unknown username is
//! checked against a dummy hash made with the same parameters, so it costs the same time
//! as a wrong password.

use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use secrecy::{ExposeSecret, SecretString};

/// Longer inputs are refused before hashing, so they cannot be used to burn CPU.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Why a new password was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("the password must be at least {0} characters long")]
    TooShort(u32),
    #[error("the password must be at most {MAX_PASSWORD_BYTES} bytes long")]
    TooLong,
    #[error("the password could not be hashed: {0}")]
    Hashing(String),
}

/// Checks the length rules and returns the argon2id PHC string of `password`.
pub async fn hash(password: &SecretString, min_length: u32) -> Result<String, PasswordError> {
    let plain = password.expose_secret();
    if (plain.chars().count() as u32) < min_length {
        return Err(PasswordError::TooShort(min_length));
    }
    if plain.len() > MAX_PASSWORD_BYTES {
        return Err(PasswordError::TooLong);
    }
    let password = password.clone();
    tokio::task::spawn_blocking(move || hash_blocking(password.expose_secret()))
        .await
        .map_err(|e| PasswordError::Hashing(e.to_string()))?
}

fn hash_blocking(plain: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(plain.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hashing(e.to_string()))
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("not-a-real-password-only-for-timing").expect("argon2 hashes a constant"))
}

/// Prepares the dummy hash ahead of the first login, so that login is not slower.
pub fn warm_up() {
    let _ = dummy_hash();
}

/// Verifies `password` against `stored` (a PHC string), or against the dummy hash when
/// there is no account, in constant time. Returns whether it matched a real account.
pub async fn verify(password: &SecretString, stored: Option<String>) -> bool {
    if password.expose_secret().len() > MAX_PASSWORD_BYTES {
        return false;
    }
    let password = password.clone();
    tokio::task::spawn_blocking(move || {
        let real = stored.is_some();
        let phc = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let matched = PasswordHash::new(&phc)
            .map(|parsed| Argon2::default().verify_password(password.expose_secret().as_bytes(), &parsed).is_ok())
            .unwrap_or(false);
        real && matched
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let phc = hash(&secret("correct horse battery"), 12).await.unwrap();
        assert!(phc.starts_with("$argon2id$"), "{phc}");
        assert!(verify(&secret("correct horse battery"), Some(phc.clone())).await);
        assert!(!verify(&secret("correct horse batterY"), Some(phc)).await);
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        assert!(!verify(&secret("not-a-real-password-only-for-timing"), None).await);
    }

    #[tokio::test]
    async fn length_rules_are_enforced() {
        assert_eq!(hash(&secret("short"), 12).await, Err(PasswordError::TooShort(12)));
        assert_eq!(hash(&secret(&"x".repeat(MAX_PASSWORD_BYTES + 1)), 12).await, Err(PasswordError::TooLong));
        assert!(!verify(&secret(&"x".repeat(MAX_PASSWORD_BYTES + 1)), None).await);
    }
}
