//! What the portal tells people and machines when something happens: the kinds of
//! notification (each also a webhook event type), the channels, and a delivery's state.

use crate::spelled;

spelled! {
    /// One kind of notification; its spelling is the webhook event `type`.
    pub enum NotificationKind {
        /// A new join request (to admins).
        RequestCreated => "join_request.created",
        RequestApproved => "join_request.approved",
        /// With the reason.
        RequestRejected => "join_request.rejected",
        /// With the link to the router configuration.
        RequestActive => "join_request.active",
        /// Provisioning failed (to admins and the member).
        RequestFailed => "join_request.failed",
        RequestSuspended => "join_request.suspended",
        RequestResumed => "join_request.resumed",
        RequestRemoved => "join_request.removed",
        /// The requester no longer holds the ASN in PeeringDB (to admins).
        AffiliationLost => "join_request.affiliation_lost",
        /// Every route server has an established session with the member.
        SessionEstablished => "join_request.established",
        /// The members' PeeringDB entries disagree with the portal (to admins).
        NetixlanMismatch => "peeringdb.netixlan_mismatch",
        /// A test delivery to one webhook endpoint, from the admin screen.
        WebhookTest => "webhook.test",
    }
}

/// Who a kind of notification is e-mailed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Audience {
    pub admins: bool,
    pub members: bool,
}

impl NotificationKind {
    /// Who gets the e-mail.
    pub const fn audience(self) -> Audience {
        use NotificationKind::*;
        match self {
            RequestCreated | AffiliationLost | NetixlanMismatch => Audience { admins: true, members: false },
            RequestFailed => Audience { admins: true, members: true },
            RequestApproved | RequestRejected | RequestActive | RequestSuspended | RequestResumed | RequestRemoved | SessionEstablished => {
                Audience { admins: false, members: true }
            }
            WebhookTest => Audience { admins: false, members: false },
        }
    }

    /// A member cannot turn these off: they change or end the member's service.
    pub const fn is_security_relevant(self) -> bool {
        matches!(self, Self::RequestSuspended | Self::RequestRemoved)
    }

    /// The kinds a webhook endpoint can subscribe to (all but the test delivery).
    pub fn subscribable() -> impl Iterator<Item = Self> {
        Self::ALL.iter().copied().filter(|k| *k != Self::WebhookTest)
    }

    /// The kinds a user may choose to get by e-mail (what their role receives).
    pub fn for_recipient(is_admin: bool) -> impl Iterator<Item = Self> {
        Self::ALL.iter().copied().filter(move |k| {
            let audience = k.audience();
            audience.members || (is_admin && audience.admins)
        })
    }
}

spelled! {
    /// How a notification is delivered.
    pub enum Channel {
        Email => "email",
        Webhook => "webhook",
    }
}

spelled! {
    /// Where a delivery stands.
    pub enum DeliveryStatus {
        /// Waiting for its first or next attempt.
        Pending => "pending",
        Delivered => "delivered",
        /// Every attempt failed; an admin can send it again.
        Dead => "dead",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_but_the_test_reaches_someone_by_mail_or_webhook() {
        for kind in NotificationKind::subscribable() {
            assert_ne!(kind, NotificationKind::WebhookTest);
        }
        assert!(NotificationKind::for_recipient(false).all(|k| k.audience().members));
        assert!(NotificationKind::for_recipient(true).any(|k| k == NotificationKind::RequestCreated));
        assert!(!NotificationKind::for_recipient(false).any(|k| k == NotificationKind::RequestCreated));
    }
}
