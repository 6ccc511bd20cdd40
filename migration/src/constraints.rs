//! Check-constraint expressions written once per database backend.
//!
//! PostgreSQL has regular expressions; SQLite has `GLOB`. Both express "exactly N
//! lower-case hex digits" so that ids stored by any path look the same.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

/// `column` holds exactly `len` lower-case hex digits (NULL passes, as in SQL).
pub fn lower_hex(backend: DatabaseBackend, column: &str, len: usize) -> SimpleExpr {
    let sql = match backend {
        DatabaseBackend::Postgres => format!("{column} ~ '^[0-9a-f]{{{len}}}$'"),
        _ => format!("length({column}) = {len} AND {column} NOT GLOB '*[^0-9a-f]*'"),
    };
    Expr::cust(sql)
}

/// `column` is one of `values`.
pub fn one_of(column: &str, values: &[&str]) -> SimpleExpr {
    let list = values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ");
    Expr::cust(format!("{column} IN ({list})"))
}

/// `column` lies in `low..=high`.
pub fn between(column: &str, low: i64, high: i64) -> SimpleExpr {
    Expr::cust(format!("{column} BETWEEN {low} AND {high}"))
}
