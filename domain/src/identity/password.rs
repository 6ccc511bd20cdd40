//! Password hashing (argon2id, PHC strings) and constant-time verification.
//!
//! Hashing is deliberately slow, so it runs on the blocking pool, at most one hash per CPU
//! at a time: a burst of logins queues instead of taking one memory block per request
//! (unbounded, 64 concurrent logins once took gigabytes). The queue is bounded too: a
//! login that would wait behind more than [`QUEUE_PER_SLOT`] others per slot is refused
//! at once ([`Busy`]), so a burst cannot grow memory or make real logins wait minutes. An unknown username is checked
//! against a dummy hash made with the same parameters, so it costs the same time as a
//! wrong password.
//!
//! Parameters: argon2id, 9 MiB, 4 passes, 1 lane: one of OWASP's equivalent
//! recommendations, chosen for its small memory block. Hashes made with other parameters
//! (they are in the PHC string) keep verifying.

use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;

/// Longer inputs are refused before hashing, so they cannot be used to burn CPU.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Memory of one hash, in KiB.
const MEMORY_KIB: u32 = 9 * 1024;
/// Passes over the memory.
const PASSES: u32 = 4;

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, 1, None).expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Logins that may wait for each hashing slot (about a second's worth of hashes).
pub const QUEUE_PER_SLOT: usize = 16;

/// The password check was refused: too many are waiting already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

/// How many hashes may run at the same time: one per CPU.
fn slot_count() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn slots() -> &'static Semaphore {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| Semaphore::new(slot_count()))
}

/// Places in the queue (running hashes included).
fn queue() -> &'static Semaphore {
    static QUEUE: OnceLock<Semaphore> = OnceLock::new();
    QUEUE.get_or_init(|| Semaphore::new(slot_count() * (QUEUE_PER_SLOT + 1)))
}

/// Runs `work` on the blocking pool once a hashing slot is free; `Err(Busy)` at once
/// when the queue is full.
async fn in_slot<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<Option<T>, Busy> {
    let Ok(_place) = queue().try_acquire() else { return Err(Busy) };
    let Ok(_slot) = slots().acquire().await else { return Ok(None) };
    Ok(tokio::task::spawn_blocking(work).await.ok())
}

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
    match in_slot(move || hash_blocking(password.expose_secret())).await {
        Ok(Some(hashed)) => hashed,
        Ok(None) => Err(PasswordError::Hashing("the hashing task ended early".to_owned())),
        Err(Busy) => Err(PasswordError::Hashing("too many passwords are being hashed; try again in a moment".to_owned())),
    }
}

fn hash_blocking(plain: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
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
/// there is no account, in constant time. Returns whether it matched a real account, or
/// `Busy` when too many checks are waiting already.
pub async fn verify(password: &SecretString, stored: Option<String>) -> Result<bool, Busy> {
    if password.expose_secret().len() > MAX_PASSWORD_BYTES {
        return Ok(false);
    }
    let password = password.clone();
    in_slot(move || {
        let real = stored.is_some();
        let phc = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let matched = PasswordHash::new(&phc)
            .map(|parsed| argon2().verify_password(password.expose_secret().as_bytes(), &parsed).is_ok())
            .unwrap_or(false);
        real && matched
    })
    .await
    .map(|matched| matched.unwrap_or(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    /// The slots and the queue are process-wide: tests that fill them run alone.
    async fn alone() -> tokio::sync::MutexGuard<'static, ()> {
        static LOCK: OnceLock<tokio::sync::Mutex<()>> = OnceLock::new();
        LOCK.get_or_init(|| tokio::sync::Mutex::new(())).lock().await
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let _alone = alone().await;
        let phc = hash(&secret("correct horse battery"), 12).await.unwrap();
        assert!(phc.starts_with("$argon2id$"), "{phc}");
        assert_eq!(verify(&secret("correct horse battery"), Some(phc.clone())).await, Ok(true));
        assert_eq!(verify(&secret("correct horse batterY"), Some(phc)).await, Ok(false));
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        let _alone = alone().await;
        assert_eq!(verify(&secret("not-a-real-password-only-for-timing"), None).await, Ok(false));
    }

    #[tokio::test]
    async fn length_rules_are_enforced() {
        let _alone = alone().await;
        assert_eq!(hash(&secret("short"), 12).await, Err(PasswordError::TooShort(12)));
        assert_eq!(hash(&secret(&"x".repeat(MAX_PASSWORD_BYTES + 1)), 12).await, Err(PasswordError::TooLong));
        assert_eq!(verify(&secret(&"x".repeat(MAX_PASSWORD_BYTES + 1)), None).await, Ok(false));
    }

    #[tokio::test]
    async fn hashes_use_the_chosen_parameters_and_older_ones_still_verify() {
        let _alone = alone().await;
        let phc = hash(&secret("correct horse battery"), 12).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=9216,t=4,p=1$"), "{phc}");
        let salt = SaltString::generate(&mut OsRng);
        let older = Argon2::default().hash_password(b"correct horse battery", &salt).unwrap().to_string();
        assert!(older.contains("m=19456,t=2"), "{older}");
        assert_eq!(verify(&secret("correct horse battery"), Some(older)).await, Ok(true));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hashing_waits_for_a_free_slot() {
        let _alone = alone().await;
        let phc = hash(&secret("correct horse battery"), 12).await.unwrap();
        let slots = slots();
        let all = slots.acquire_many(slot_count() as u32).await.unwrap();
        let waiting = tokio::spawn(async move { verify(&secret("correct horse battery"), Some(phc)).await });
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(!waiting.is_finished(), "no hash may start while every slot is taken");
        drop(all);
        assert_eq!(waiting.await.unwrap(), Ok(true), "it runs once a slot is free");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_queue_refuses_at_once_instead_of_growing() {
        let _alone = alone().await;
        let phc = hash(&secret("correct horse battery"), 12).await.unwrap();
        // Every place but one taken: one more check may queue, the next is refused.
        let places = queue().available_permits();
        let taken = queue().acquire_many(places as u32 - 1).await.unwrap();
        let slots = slots().acquire_many(slot_count() as u32).await.unwrap();
        let queued = tokio::spawn({
            let phc = phc.clone();
            async move { verify(&secret("correct horse battery"), Some(phc)).await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let started = std::time::Instant::now();
        assert_eq!(verify(&secret("correct horse battery"), Some(phc)).await, Err(Busy));
        assert!(started.elapsed() < std::time::Duration::from_millis(50), "refused without waiting");
        drop(slots);
        drop(taken);
        assert_eq!(queued.await.unwrap(), Ok(true), "the queued check still runs");
    }
}
