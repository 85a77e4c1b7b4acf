//! The district's own words for a cluster's 建设总结报告 (典型做法, 建设亮点), entered on the
//! cluster's page and read by `zdz report --summary` before the `总结/<id>.md` files. A
//! change is made at the version its writer saw: a stale one is refused with who wrote the
//! version it would overwrite.

use crate::contract::refusals::Refusal;
use std::collections::HashMap;

use anyhow::Result;
use serde::Serialize;

use super::LedgerError;
use super::acceptance::may_accept;
use super::store::{Columns, Row, Store, Tx, Val, with};
use super::users::Actor;

/// A cluster's text as kept.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Narrative {
    pub cluster_id: String,
    /// 典型做法: paragraphs separated by blank lines.
    pub practices: String,
    /// 建设亮点.
    pub highlights: String,
    pub by: String,
    pub updated_at: String,
    pub version: i64,
}

impl Narrative {
    fn from_row(r: &Row) -> Result<Narrative> {
        let t = "narratives";
        Ok(Narrative {
            cluster_id: r.text(t, "cluster_id")?,
            practices: r.text(t, "practices")?,
            highlights: r.text(t, "highlights")?,
            by: r.text(t, "by_name")?,
            updated_at: r.text(t, "updated_at")?,
            version: r.int(t, "version")?,
        })
    }

    /// A text's paragraphs: the lines between blank ones, joined.
    pub fn paragraphs(text: &str) -> Vec<String> {
        text.split("\n\n")
            .map(|p| {
                p.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .filter(|p| !p.is_empty())
            .collect()
    }
}

/// The narratives table's columns.
const NARRATIVES: Columns = Columns {
    table: "narratives",
    names: &[
        "cluster_id",
        "practices",
        "highlights",
        "by_name",
        "updated_at",
        "version",
    ],
};

/// The text of one cluster, if any was written.
pub fn get(store: &dyn Store, cluster_id: &str) -> Result<Option<Narrative>> {
    with(store, |tx| one(tx, cluster_id))
}

fn one(tx: &mut dyn Tx, cluster_id: &str) -> Result<Option<Narrative>> {
    let columns = NARRATIVES.select(None);
    tx.query(
        &format!("SELECT {columns} FROM narratives WHERE cluster_id = $1"),
        &[cluster_id.into()],
    )?
    .first()
    .map(Narrative::from_row)
    .transpose()
}

/// Every cluster's text, by cluster.
pub fn all(tx: &mut dyn Tx) -> Result<HashMap<String, Narrative>> {
    let columns = NARRATIVES.select(None);
    tx.query(&format!("SELECT {columns} FROM narratives"), &[])?
        .iter()
        .map(|r| Narrative::from_row(r).map(|n| (n.cluster_id.clone(), n)))
        .collect()
}

/// Write a cluster's text as `actor` (the city, or a district user of the cluster's
/// district) over the version `seen` (0: none written yet).
pub fn set(
    store: &dyn Store,
    actor: &Actor,
    cluster_id: &str,
    practices: &str,
    highlights: &str,
    seen: i64,
    now: &str,
) -> Result<Narrative> {
    with(store, |tx| {
        let district = tx
            .query(
                "SELECT district FROM clusters WHERE cluster_id = $1",
                &[cluster_id.into()],
            )?
            .first()
            .map(|r| r.opt_text("clusters", "district"))
            .transpose()?;
        let Some(district) = district else {
            return Err(LedgerError::NotFound(format!(
                "no cluster {cluster_id} in the ledger: record a run of its workspace first"
            ))
            .into());
        };
        may_accept(actor, cluster_id, district.as_deref())?;
        let current = one(tx, cluster_id)?;
        let version = current.as_ref().map_or(0, |n| n.version);
        if version != seen {
            let by = current.as_ref().map_or("", |n| n.by.as_str());
            return Err(LedgerError::Blocked(Refusal::TextChanged {
                cluster: cluster_id.to_string(),
                seen,
                version,
                by: by.to_string(),
            })
            .into());
        }
        let values = [
            Val::from(cluster_id),
            practices.trim().into(),
            highlights.trim().into(),
            (&actor.name).into(),
            now.into(),
            Val::Int(version + 1),
        ];
        if current.is_some() {
            tx.execute(
                "UPDATE narratives SET practices = $2, highlights = $3, by_name = $4, updated_at = $5, version = $6 WHERE cluster_id = $1",
                &values,
            )?;
        } else {
            tx.execute(
                &format!("{}($1, $2, $3, $4, $5, $6)", NARRATIVES.insert_head()),
                &values,
            )?;
        }
        Ok(one(tx, cluster_id)?.expect("the text was just written"))
    })
}
