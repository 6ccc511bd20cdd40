//! What the ZT-IX server and its pages agree on, compiled for both: the status of a
//! join request, the public error codes with their HTTP status, the audit actions, the
//! small vocabularies the screens show (why a request failed, why onboarding is
//! blocked, …) and the data the pages read from server functions.
//!
//! Every value here has one spelling (its `as_str`, which is also its JSON form), and
//! the interface turns each into words with an exhaustive `match`: a new variant does not
//! compile until it has copy.

mod audit;
mod codes;
mod error;
mod notify;
mod status;
pub mod view;

pub use audit::{AuditAction, DecisionSource, SystemActor};
pub use codes::{AffiliationDecision, AsnSource, AuthMethod, BlockedReason, FailureCode, Ineligible, PolicySource, TokenScope};
pub use error::ErrorCode;
pub use notify::{Audience, Channel, DeliveryStatus, NotificationKind};
pub use status::RequestStatus;

/// Implements `as_str`, `parse`, `ALL`, `Display` and string serde for a fieldless enum
/// from one list of `Variant => "spelling"` pairs.
macro_rules! spelled {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The one spelling of this value (JSON, database, logs).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The value spelled `text`, if any.
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                $name::parse(&text).ok_or_else(|| {
                    let all: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                    serde::de::Error::custom(format!("unknown {} '{text}' (one of {})", stringify!($name), all.join(", ")))
                })
            }
        }
    };
}
pub(crate) use spelled;
