//! A node belongs to one member. Before the worker writes a member on the controller it
//! checks that nobody else holds it there: not another join request, not a node someone
//! authorized by hand (a route server, say) with addresses the portal did not assign.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::failure::{Failure, FailureCode};
use super::RemoteMember;
use crate::entities::zt_membership;
use crate::types::{NetworkId, NodeId};

/// Why the worker must not write this member, as the admin's `last_error`.
pub fn remote_conflict(request_id: Uuid, network: &NetworkId, node: &NodeId, remote: &RemoteMember, ours: &[String]) -> Option<Failure> {
    if let Some(other) = remote.request_id.filter(|other| *other != request_id) {
        return Some(Failure::new(
            FailureCode::NodeInUse,
            format!(
                "Node {node} on network {network} belongs to join request {other} on the controller; it was not changed. \
                 Check which request should have this node, settle the other one, then retry."
            ),
        ));
    }
    // A member the portal wrote for this request is ours to correct, whatever was
    // changed on it by hand.
    if remote.request_id == Some(request_id) {
        return None;
    }
    let foreign: Vec<&str> = remote.ip_assignments.iter().filter(|ip| !ours.contains(ip)).map(String::as_str).collect();
    if remote.authorized && !foreign.is_empty() {
        return Some(Failure::new(
            FailureCode::NodeInUse,
            format!(
                "Node {node} is already authorized on network {network} with addresses the portal did not assign ({}); \
                 it was not changed. It may be a route server or another member's router: check the node id with the member. \
                 If the controller entry is stale, remove it on the controller, then retry.",
                foreign.join(", ")
            ),
        ));
    }
    None
}

/// The portal's own record: a membership of another request for the same node.
pub async fn local_conflict<C: ConnectionTrait>(
    conn: &C,
    request_id: Uuid,
    network: &NetworkId,
    node: &NodeId,
) -> Result<Option<Failure>, DbErr> {
    let other = zt_membership::Entity::find()
        .filter(zt_membership::Column::ZtNetworkId.eq(network.as_str()))
        .filter(zt_membership::Column::NodeId.eq(node.as_str()))
        .filter(zt_membership::Column::JoinRequestId.ne(request_id))
        .one(conn)
        .await?;
    Ok(other.map(|m| {
        Failure::new(
            FailureCode::NodeInUse,
            format!(
                "Node {node} on network {network} is the member of join request {}; the controller was not changed. \
                 Settle that request first (it still holds the node), then retry.",
                m.join_request_id
            ),
        )
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> (Uuid, NetworkId, NodeId) {
        (Uuid::new_v4(), NetworkId::parse("1122334455000001").unwrap(), NodeId::parse("aabbccddee").unwrap())
    }

    fn remote(authorized: bool, ips: &[&str], request_id: Option<Uuid>) -> RemoteMember {
        RemoteMember { authorized, ip_assignments: ips.iter().map(|s| (*s).to_owned()).collect(), request_id }
    }

    #[test]
    fn a_new_or_waiting_node_and_our_own_member_may_be_written() {
        let (id, net, node) = ids();
        let ours = vec!["2001:db8:1:0:6:5001:0:1".to_owned()];
        assert_eq!(remote_conflict(id, &net, &node, &remote(false, &[], None), &ours), None, "a node waiting for authorization");
        assert_eq!(remote_conflict(id, &net, &node, &remote(true, &ours.iter().map(String::as_str).collect::<Vec<_>>(), Some(id)), &ours), None);
        assert_eq!(remote_conflict(id, &net, &node, &remote(true, &[], None), &ours), None, "authorized without addresses");
        assert_eq!(remote_conflict(id, &net, &node, &remote(false, &["2001:db8:1::99"], None), &ours), None, "deauthorized");
        assert_eq!(
            remote_conflict(id, &net, &node, &remote(true, &["2001:db8:1::99"], Some(id)), &ours),
            None,
            "our own member, its addresses changed by hand, is corrected"
        );
    }

    #[test]
    fn a_node_with_foreign_addresses_or_another_request_is_refused() {
        let (id, net, node) = ids();
        let ours = vec!["2001:db8:1:0:6:5001:0:1".to_owned()];
        let by_hand = remote_conflict(id, &net, &node, &remote(true, &["2001:db8:1::1"], None), &ours).unwrap();
        assert_eq!(by_hand.code, FailureCode::NodeInUse);
        assert!(by_hand.detail.contains("2001:db8:1::1"), "{}", by_hand.detail);
        let other = Uuid::new_v4();
        let taken = remote_conflict(id, &net, &node, &remote(false, &[], Some(other)), &ours).unwrap();
        assert!(taken.detail.contains(&other.to_string()), "{}", taken.detail);
    }
}
