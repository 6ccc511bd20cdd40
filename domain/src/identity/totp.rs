//! The pieces of two-factor login that need no database: TOTP codes (RFC 6238 with
//! SHA-1, six digits, 30-second steps and one step of clock skew either way, what every
//! authenticator app speaks), the `otpauth://` URI and its QR code drawn as SVG here (no
//! outside service sees the secret), recovery codes, and the signed challenge that
//! carries a login from the password step to the code step.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use rand::Rng;
use totp_rs::{Algorithm, Builder, Secret, Totp};
use uuid::Uuid;

use super::sessions::SessionKey;

/// How many recovery codes a person gets when they turn two-factor login on.
pub const RECOVERY_CODES: usize = 10;

/// How long the code step of a login may follow its password step.
pub const CHALLENGE_SECONDS: i64 = 300;

/// What the set-up screen shows: the secret for typing in, its URI, and the URI as a QR
/// code.
#[derive(Debug, Clone)]
pub struct Setup {
    pub secret: String,
    pub uri: String,
    pub qr_svg: String,
}

fn build(secret: Secret, account: &str, issuer: &str) -> Option<Totp> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .with_account_name(account.replace(':', "_"))
        .with_issuer(Some(issuer.replace(':', "_")))
        .build()
        .ok()
}

/// A fresh 160-bit secret, base32 as authenticator apps take it.
pub fn new_secret() -> String {
    Secret::generate().to_base32()
}

/// The URI and QR code of `secret` for `account` at `issuer`.
pub fn setup(secret: &str, account: &str, issuer: &str) -> Option<Setup> {
    let totp = build(Secret::try_from_base32(secret).ok()?, account, issuer)?;
    let uri = totp.to_url().ok()?;
    let qr = qrcode::QrCode::with_error_correction_level(uri.as_bytes(), qrcode::EcLevel::M).ok()?;
    let qr_svg = qr
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build();
    Some(Setup { secret: secret.to_owned(), uri, qr_svg })
}

/// The time step `code` is valid for at `unix` seconds, if it is, and only if that step
/// is later than `last_step` (a code is taken once: RFC 6238 §5.2).
pub fn accepted_step(secret: &str, code: &str, unix: u64, last_step: Option<i64>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = build(Secret::try_from_base32(secret).ok()?, "", "x")?;
    let step = i64::try_from(totp.check(&code, unix)?).ok()?;
    last_step.is_none_or(|last| step > last).then_some(step)
}

/// The code of `secret` at `unix` seconds (tests and the demo's set-up script).
pub fn code_at(secret: &str, unix: u64) -> Option<String> {
    let totp = build(Secret::try_from_base32(secret).ok()?, "", "x")?;
    Some(totp.generate(unix).to_string())
}

const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A recovery code: three groups of four characters that cannot be confused with each
/// other (about 59 bits).
pub fn new_recovery_code() -> String {
    let mut rng = rand::thread_rng();
    let chars: Vec<char> = (0..12).map(|_| RECOVERY_ALPHABET[rng.gen_range(0..RECOVERY_ALPHABET.len())] as char).collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// The keyed hash a recovery code is stored as (spaces, dashes and case ignored).
pub fn recovery_hash(key: &SessionKey, code: &str) -> String {
    let normal: String = code.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    key.id_of(&format!("recovery-code:{normal}"))
}

/// Does `code` look like a recovery code rather than a TOTP code?
pub fn is_recovery_code(code: &str) -> bool {
    code.chars().filter(char::is_ascii_alphanumeric).count() == 12
}

/// The password step's proof, handed to the code step: the user, an expiry, and a stamp
/// of the account's login state (last login, last change, two-factor set-up), so the
/// challenge is spent once any login completes or the account changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub user_id: Uuid,
    pub expires_at: i64,
    pub stamp: i64,
}

fn mac(key: &SessionKey, payload: &str) -> String {
    key.id_of(&format!("login-challenge:{payload}"))
}

impl Challenge {
    pub fn new(user_id: Uuid, now: DateTime<Utc>, stamp: i64) -> Self {
        Self { user_id, expires_at: now.timestamp() + CHALLENGE_SECONDS, stamp }
    }

    /// The stamp of a login state: changes when any of these times does.
    pub fn stamp(times: &[Option<DateTime<Utc>>]) -> i64 {
        use sha2::{Digest, Sha256};
        let text: Vec<String> = times.iter().map(|t| t.map_or(0, |t| t.timestamp_micros()).to_string()).collect();
        let digest = Sha256::digest(text.join(":").as_bytes());
        i64::from_be_bytes(digest[..8].try_into().expect("eight bytes"))
    }

    /// `payload.mac`, both URL-safe.
    pub fn seal(&self, key: &SessionKey) -> String {
        let payload = URL_SAFE_NO_PAD.encode(format!("{}.{}.{}", self.user_id, self.expires_at, self.stamp));
        let mac = mac(key, &payload);
        format!("{payload}.{mac}")
    }

    /// The challenge `sealed` carries, if the key signed it and it has not expired.
    pub fn open(key: &SessionKey, sealed: &str, now: DateTime<Utc>) -> Option<Self> {
        let (payload, given) = sealed.split_once('.')?;
        if sealed.len() > 256 || !constant_time_eq(mac(key, payload).as_bytes(), given.as_bytes()) {
            return None;
        }
        let text = String::from_utf8(URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
        let mut parts = text.split('.');
        let challenge =
            Self { user_id: Uuid::parse_str(parts.next()?).ok()?, expires_at: parts.next()?.parse().ok()?, stamp: parts.next()?.parse().ok()? };
        (parts.next().is_none() && challenge.expires_at > now.timestamp()).then_some(challenge)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    /// RFC 6238 appendix B, SHA-1 (its secret is the ASCII "12345678901234567890"): the
    /// 8-digit values, of which a 6-digit code is the last six digits.
    #[test]
    fn rfc_6238_test_vectors() {
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        let vectors = [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        for (time, expected) in vectors {
            assert_eq!(code_at(&secret, time).unwrap(), expected[2..], "T = {time}");
            let step = accepted_step(&secret, &expected[2..], time, None).unwrap();
            assert_eq!(step, (time / 30) as i64);
        }
    }

    #[test]
    fn a_code_is_taken_once_and_only_near_its_time() {
        let secret = new_secret();
        let now = 1_800_000_000;
        let code = code_at(&secret, now).unwrap();
        let step = accepted_step(&secret, &code, now, None).unwrap();
        assert_eq!(accepted_step(&secret, &code, now, Some(step)), None, "replayed");
        assert_eq!(accepted_step(&secret, &code, now + 30, Some(step - 1)), Some(step), "one step of skew");
        assert_eq!(accepted_step(&secret, &code, now + 90, None), None, "too late");
        assert_eq!(accepted_step(&secret, "12345", now, None), None);
        assert_eq!(accepted_step(&secret, "abcdef", now, None), None);
    }

    #[test]
    fn setup_draws_a_qr_code_of_the_uri() {
        let s = setup(&new_secret(), "alice", "Example IX").unwrap();
        assert!(s.uri.starts_with("otpauth://totp/Example%20IX:alice?"), "{}", s.uri);
        assert!(s.uri.contains("secret="));
        assert!(s.qr_svg.contains("<svg") && s.qr_svg.contains("<path"));
    }

    #[test]
    fn challenges_are_signed_and_expire() {
        let key = SessionKey::new(SecretString::from("k".repeat(32)));
        let now = Utc::now();
        let c = Challenge::new(Uuid::new_v4(), now, Challenge::stamp(&[Some(now), None]));
        assert_ne!(c.stamp, Challenge::stamp(&[Some(now), Some(now)]), "any time changes the stamp");
        let sealed = c.seal(&key);
        assert_eq!(Challenge::open(&key, &sealed, now), Some(c.clone()));
        assert_eq!(Challenge::open(&key, &sealed, now + chrono::Duration::seconds(CHALLENGE_SECONDS)), None);
        let other = SessionKey::new(SecretString::from("o".repeat(32)));
        assert_eq!(Challenge::open(&other, &sealed, now), None);
        let (payload, mac) = sealed.split_once('.').unwrap();
        let forged = format!("{}.{mac}", URL_SAFE_NO_PAD.encode(format!("{}.{}.{}", Uuid::new_v4(), c.expires_at, c.stamp)));
        assert_ne!(payload, forged.split_once('.').unwrap().0);
        assert_eq!(Challenge::open(&key, &forged, now), None);
    }

    #[test]
    fn recovery_codes_are_distinct_and_hash_loosely() {
        let key = SessionKey::new(SecretString::from("k".repeat(32)));
        let code = new_recovery_code();
        assert!(is_recovery_code(&code) && !is_recovery_code("123456"));
        assert_eq!(recovery_hash(&key, &code), recovery_hash(&key, &code.to_uppercase().replace('-', " ")));
        assert_ne!(new_recovery_code(), code);
    }
}
