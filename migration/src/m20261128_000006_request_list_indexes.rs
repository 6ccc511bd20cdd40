//! Indexes that serve the request lists in their own order (newest first, ties by id),
//! so a page is read straight from an index instead of sorting every matching row:
//! the admin queue unfiltered or by status or ASN, and an operator's own requests.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum JoinRequest {
    Table,
    Id,
    UserId,
    Asn,
    Status,
    RequestedAt,
}

/// (name, leading column or none) of the new indexes; each ends with (requested_at, id).
const NEW: [(&str, Option<JoinRequest>); 4] = [
    ("ix_join_request_newest", None),
    ("ix_join_request_user_newest", Some(JoinRequest::UserId)),
    ("ix_join_request_status_newest", Some(JoinRequest::Status)),
    ("ix_join_request_asn_newest", Some(JoinRequest::Asn)),
];

/// The indexes of the first schema they replace: (name, columns).
const OLD: [(&str, &[JoinRequest]); 3] = [
    ("ix_join_request_user", &[JoinRequest::UserId, JoinRequest::RequestedAt]),
    ("ix_join_request_status", &[JoinRequest::Status, JoinRequest::RequestedAt]),
    ("ix_join_request_requested_at", &[JoinRequest::RequestedAt]),
];

fn index(name: &str, columns: impl IntoIterator<Item = JoinRequest>) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(JoinRequest::Table);
    for column in columns {
        index.col(column);
    }
    index.to_owned()
}

fn drop(name: &str) -> IndexDropStatement {
    Index::drop().name(name).table(JoinRequest::Table).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, lead) in NEW {
            let columns = lead.into_iter().chain([JoinRequest::RequestedAt, JoinRequest::Id]);
            manager.create_index(index(name, columns)).await?;
        }
        for (name, _) in OLD {
            manager.drop_index(drop(name)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, columns) in OLD {
            manager.create_index(index(name, columns.iter().copied())).await?;
        }
        for (name, _) in NEW {
            manager.drop_index(drop(name)).await?;
        }
        Ok(())
    }
}
