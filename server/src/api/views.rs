//! The objects of the public JSON API, field for field as SPEC §5 defines them.

use domain::entities::{app_user, user_asn};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub is_admin: bool,
    pub peeringdb_user_id: Option<i64>,
}

impl From<&app_user::Model> for UserView {
    fn from(u: &app_user::Model) -> Self {
        Self {
            id: u.id.to_string(),
            username: u.username.clone(),
            full_name: u.full_name.clone(),
            email: u.email.clone(),
            is_admin: u.is_admin,
            peeringdb_user_id: u.peeringdb_user_id,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct AsnView {
    pub asn: i64,
    pub net_id: Option<i64>,
    pub net_name: Option<String>,
    pub source: user_asn::AsnSource,
}

impl From<&user_asn::Model> for AsnView {
    fn from(a: &user_asn::Model) -> Self {
        Self { asn: a.asn, net_id: a.net_id, net_name: a.net_name.clone(), source: a.source }
    }
}

pub fn asn_views(rows: &[user_asn::Model]) -> Vec<AsnView> {
    rows.iter().map(AsnView::from).collect()
}
