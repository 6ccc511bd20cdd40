//! A request to join an exchange network with one ASN and (usually) one node.

use sea_orm::entity::prelude::*;

pub use crate::workflow::RequestStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "join_request")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub asn: i64,
    pub zt_network_id: String,
    pub status: RequestStatus,
    pub node_id: Option<String>,
    pub notes: Option<String>,
    pub reject_reason: Option<String>,
    /// Full text for admins: what failed, where, and what to do.
    pub last_error: Option<String>,
    /// The kind of failure, which decides what members are told (`provisioning::failure`).
    pub last_error_code: Option<String>,
    pub last_error_at: Option<DateTimeUtc>,
    /// Failed provisioning attempts so far.
    pub retry_count: i32,
    /// The worker holding this request while it is `provisioning`, and until when.
    pub lease_owner: Option<String>,
    pub lease_expires_at: Option<DateTimeUtc>,
    pub requested_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
    pub provisioned_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When the worker should next converge the controller and the route servers on
    /// this request's status; `None` when they are believed to match.
    pub sync_due_at: Option<DateTimeUtc>,
    /// Failed convergence attempts in a row (the backoff grows with them).
    pub sync_attempts: i32,
    /// Bumped by every change of what the request asks for; an attempt only marks the
    /// revision it started from as done.
    pub desired_revision: i64,
    /// The node a replacement took over from, until it is off the controller.
    pub retiring_node_id: Option<String>,
    /// Why an admin suspended or removed the member, or the member's note on leaving.
    pub status_reason: Option<String>,
    /// The requester no longer holds the ASN; an admin keeps, suspends or removes.
    pub affiliation_lost_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::app_user::Entity",
        from = "Column::UserId",
        to = "super::app_user::Column::Id"
    )]
    User,
    #[sea_orm(
        belongs_to = "super::zt_network::Entity",
        from = "Column::ZtNetworkId",
        to = "super::zt_network::Column::Id"
    )]
    Network,
}

impl Related<super::app_user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl Related<super::zt_network::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Network.def()
    }
}

/// The IPv6 assignment of a request (at most one, keyed by its `join_request_id`).
impl Related<super::zt_ipv6_assignment::Entity> for Entity {
    fn to() -> RelationDef {
        Entity::belongs_to(super::zt_ipv6_assignment::Entity)
            .from(Column::Id)
            .to(super::zt_ipv6_assignment::Column::JoinRequestId)
            .into()
    }
}

/// The ZeroTier membership of a request (at most one, keyed by its `join_request_id`).
impl Related<super::zt_membership::Entity> for Entity {
    fn to() -> RelationDef {
        Entity::belongs_to(super::zt_membership::Entity)
            .from(Column::Id)
            .to(super::zt_membership::Column::JoinRequestId)
            .into()
    }
}

impl ActiveModelBehavior for ActiveModel {}
