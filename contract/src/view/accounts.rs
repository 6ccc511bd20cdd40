//! Accounts as the admins' screens and API show them, and the person's two-factor login.

use serde::{Deserialize, Serialize};

/// One account: local (password) or PeeringDB.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    pub username: String,
    /// `local` or `peeringdb`.
    pub kind: String,
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub is_admin: bool,
    /// PeeringDB accounts are always enabled here (PeeringDB decides who logs in).
    pub is_enabled: bool,
    pub asns: Vec<i64>,
    /// Networks the account is restricted to; empty means any.
    pub networks: Vec<String>,
    /// Two-factor login is on.
    pub totp: bool,
    pub last_login_at: Option<String>,
    pub created_at: String,
}

/// A set-password link, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordLinkView {
    pub url: String,
    pub expires_at: String,
}

/// A new account, and its set-password link when it was created without a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedAccount {
    pub account: Account,
    pub password_link: Option<PasswordLinkView>,
}

/// Where the person's two-factor login stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorStatus {
    /// `false` for PeeringDB accounts, which use PeeringDB's second factor.
    pub available: bool,
    pub enabled: bool,
    pub enabled_at: Option<String>,
    pub recovery_codes_left: u64,
    /// The exchange asks admins to turn it on before admin work.
    pub required: bool,
    /// A set-up begun and not yet confirmed (so a page without JavaScript can show it).
    pub pending: Option<TwoFactorSetup>,
}

/// The set-up's secret, URI and QR code (an SVG document drawn by the server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorSetup {
    pub secret: String,
    pub otpauth_uri: String,
    pub qr_svg: String,
}
