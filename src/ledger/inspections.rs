//! Inspections entered in the browser (记录排查 on an outfall's page, often on a phone at
//! the riverbank): kept in the ledger by the id the browser gave them, so that a form sent
//! twice is kept once, and read into the workspace's `inspections` before each analysis
//! with a ledger, so that DRY_WEATHER_FLOW and STORM_OUTFALL_POLLUTED follow what the
//! inspector saw. An outfall inspected on one date is taken once: the workspace's record
//! when it has one (the surveyed table is the record of the field team), else the
//! ledger's latest of that date.

use crate::contract::InvalidInput;
use std::collections::{BTreeMap, HashSet};

use anyhow::Result;
use chrono::NaiveDate;
use serde::Serialize;

use super::LedgerError;
use super::change::{EvidenceFile, store_evidence};
use super::store::{Columns, Row, Store, Val, with};
use super::users::Actor;
use crate::model::{Inspection, Layers};

/// An inspection as the form gives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recorded {
    /// The id the browser gave it (a UUID), or one made when it gave none.
    pub inspection_id: String,
    pub outfall_id: String,
    pub inspected_on: String,
    /// As the inspector chose it: 晴, 阴, 小雨 …
    pub weather: String,
    pub flowing: Option<bool>,
    pub cod_mgl: Option<f64>,
    pub nh3n_mgl: Option<f64>,
    pub note: Option<String>,
    /// The photo's SHA-256 (an evidence file).
    pub photo: Option<String>,
    pub inspector: String,
    pub recorded_at: String,
}

impl Recorded {
    fn from_row(r: &Row) -> Result<Recorded> {
        let t = "inspections";
        let number =
            |c: &str| -> Result<Option<f64>> { Ok(r.opt_text(t, c)?.and_then(|v| v.parse().ok())) };
        Ok(Recorded {
            inspection_id: r.text(t, "inspection_id")?,
            outfall_id: r.text(t, "outfall_id")?,
            inspected_on: r.text(t, "inspected_on")?,
            weather: r.text(t, "weather")?,
            flowing: r.opt_int(t, "flowing")?.map(|v| v != 0),
            cod_mgl: number("cod_mgl")?,
            nh3n_mgl: number("nh3n_mgl")?,
            note: r.opt_text(t, "note")?,
            photo: r.opt_text(t, "photo")?,
            inspector: r.text(t, "inspector")?,
            recorded_at: r.text(t, "recorded_at")?,
        })
    }
}

/// The inspections table's columns.
const INSPECTIONS: Columns = Columns {
    table: "inspections",
    names: &[
        "inspection_id",
        "outfall_id",
        "inspected_on",
        "weather",
        "flowing",
        "cod_mgl",
        "nh3n_mgl",
        "note",
        "photo",
        "inspector",
        "recorded_at",
    ],
};

/// Check an inspection as entered: a date of the years 1900–2200 not after `today`, a
/// weather the loader reads, concentrations that are numbers ≥ 0.
pub fn check(r: &Recorded, today: NaiveDate) -> Result<(), InvalidInput> {
    let day = NaiveDate::parse_from_str(&r.inspected_on, "%Y-%m-%d")
        .map_err(|_| InvalidInput::InspectionDate(r.inspected_on.clone()))?;
    if day > today || chrono::Datelike::year(&day) < 1900 {
        return Err(InvalidInput::InspectionInFuture(day.to_string()));
    }
    crate::load::values::parse_weather(&r.weather).map_err(InvalidInput::Weather)?;
    for (name, v) in [("COD", r.cod_mgl), ("NH3-N", r.nh3n_mgl)] {
        if v.is_some_and(|v| !v.is_finite() || v < 0.0) {
            return Err(InvalidInput::Concentration(name));
        }
    }
    if r.inspection_id.is_empty() || r.inspection_id.len() > 64 {
        return Err(InvalidInput::InspectionId);
    }
    Ok(())
}

/// Keep an inspection (with its photo, when there is one) as `actor`; false when one with
/// its id is kept already (a form sent again), which is left as it was.
pub fn record(
    store: &dyn Store,
    actor: &Actor,
    mut r: Recorded,
    photo: Option<&EvidenceFile>,
    today: NaiveDate,
    now: &str,
) -> Result<bool> {
    check(&r, today).map_err(LedgerError::Invalid)?;
    r.inspector = actor.name.clone();
    r.recorded_at = now.to_string();
    with(store, |tx| {
        let known = !tx
            .query(
                "SELECT inspection_id FROM inspections WHERE inspection_id = $1",
                &[(&r.inspection_id).into()],
            )?
            .is_empty();
        if known {
            return Ok(false);
        }
        let photo = photo.map(|f| store_evidence(tx, f)).transpose()?;
        let decimal = |v: Option<f64>| -> Val { v.map(|v| v.to_string()).into() };
        tx.execute(
            &format!(
                "{}($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                INSPECTIONS.insert_head()
            ),
            &[
                (&r.inspection_id).into(),
                (&r.outfall_id).into(),
                (&r.inspected_on).into(),
                (&r.weather).into(),
                r.flowing.map(i64::from).map_or(Val::Null, Val::Int),
                decimal(r.cod_mgl),
                decimal(r.nh3n_mgl),
                r.note.as_deref().into(),
                photo.as_deref().into(),
                (&r.inspector).into(),
                (&r.recorded_at).into(),
            ],
        )?;
        Ok(true)
    })
}

/// The inspections of one outfall (its parts `ID#1` … included), latest first.
pub fn of_outfall(store: &dyn Store, outfall_id: &str) -> Result<Vec<Recorded>> {
    let base = outfall_id.split('#').next().unwrap_or(outfall_id);
    Ok(all(store)?
        .into_iter()
        .rev()
        .filter(|r| r.outfall_id == outfall_id || r.outfall_id == base)
        .collect())
}

/// Every inspection kept, oldest recorded first.
pub fn all(store: &dyn Store) -> Result<Vec<Recorded>> {
    with(store, |tx| {
        let columns = INSPECTIONS.select(None);
        tx.query(
            &format!("SELECT {columns} FROM inspections ORDER BY recorded_at, inspection_id"),
            &[],
        )?
        .iter()
        .map(Recorded::from_row)
        .collect()
    })
}

/// Add the ledger's inspections to the workspace's: of each outfall and date, the
/// workspace's when it has one, else the latest recorded in the ledger. Those of outfalls
/// the workspace does not have are left out. The number added.
pub fn merge_into(store: &dyn Store, layers: &mut Layers) -> Result<usize> {
    let kept = all(store)?;
    if kept.is_empty() {
        return Ok(0);
    }
    let outfalls: HashSet<&str> = layers
        .outfalls
        .iter()
        .flat_map(|o| [o.id.as_str(), o.id.split('#').next().unwrap_or("")])
        .collect();
    let surveyed: HashSet<(String, NaiveDate)> = layers
        .inspections
        .iter()
        .map(|i| (i.outfall_id.clone(), i.date.date()))
        .collect();
    // The latest recorded of each outfall and date (`all` is oldest first).
    let mut chosen: BTreeMap<(String, NaiveDate), Recorded> = BTreeMap::new();
    for r in kept {
        let Ok(day) = NaiveDate::parse_from_str(&r.inspected_on, "%Y-%m-%d") else {
            continue;
        };
        let key = (r.outfall_id.clone(), day);
        if outfalls.contains(r.outfall_id.as_str()) && !surveyed.contains(&key) {
            chosen.insert(key, r);
        }
    }
    let first = layers
        .inspections
        .iter()
        .map(|i| i.seq + 1)
        .max()
        .unwrap_or(0);
    let added = chosen.len();
    for (k, ((_, day), r)) in chosen.into_iter().enumerate() {
        layers.inspections.push(Inspection {
            row: format!("ledger {}", r.inspection_id),
            seq: first + k,
            outfall_id: r.outfall_id,
            date: day.and_time(chrono::NaiveTime::MIN),
            weather: crate::load::values::parse_weather(&r.weather).ok(),
            flowing: r.flowing,
            cod_mgl: r.cod_mgl,
            nh3n_mgl: r.nh3n_mgl,
            inspector: Some(r.inspector),
            note: r.note,
        });
    }
    Ok(added)
}
