//! The acceptance rubric (评分细则) as data: the pass line, the veto codes, and every item
//! with its dimension, names, points and formula. The provisional default is compiled in
//! from `rubric.toml` beside this file; `rubric = "path"` in zdz.toml replaces it whole.
//!
//! This module parses and checks a rubric; scoring a cluster with it is `readiness`'s.

use std::collections::BTreeSet;

use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};

use crate::contract::{AnswerKind, LayerKind, ProblemCode, manual_field};

const PROVISIONAL: &str = include_str!("rubric.toml");

/// Whom a share item counts.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Population {
    Enterprises,
    Outfalls,
    StormOutfalls,
    Pipes,
}

impl Population {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The layer its members come from.
    pub fn layer(self) -> LayerKind {
        match self {
            Population::Enterprises => LayerKind::Enterprises,
            Population::Outfalls | Population::StormOutfalls => LayerKind::Outfalls,
            Population::Pipes => LayerKind::Pipes,
        }
    }

    /// Fields a share may require to be given, and a planner may ask to fill in.
    pub const fn fields(self) -> &'static [&'static str] {
        match self {
            Population::Enterprises => &["permit_no", "credit_code", "industry", "wastewater_tpd"],
            Population::Outfalls | Population::StormOutfalls => &["receiving_water", "name"],
            Population::Pipes => &["diameter_mm", "from_node", "to_node"],
        }
    }
}

/// What a member of a share item must meet to count: every condition given.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Condition {
    /// No problem of these codes on the member.
    pub without: Vec<ProblemCode>,
    /// This field of the member is given.
    pub field: Option<&'static str>,
    /// These manual answers of the member are all yes.
    pub answers: Vec<&'static str>,
    /// The member (an outfall) has an inspection in dry weather.
    pub inspected_dry: bool,
}

/// How an item's points are earned.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Formula {
    /// points × the share of `of` meeting `condition`; `when_empty` when there is none.
    Share {
        of: Population,
        condition: Condition,
        when_empty: f64,
    },
    /// points − `per` × the cluster's problems of `codes`, floor 0.
    Deduction { codes: Vec<ProblemCode>, per: f64 },
    /// points when the cluster holds at least one member of `of`.
    Presence { of: Population },
    /// points when a plant receives the cluster's sewage and none of those plants has a
    /// problem of `without`.
    ReceivingPlants { without: Vec<ProblemCode> },
    /// points when the cluster's manual `field` is answered yes (or, for a text, given).
    Manual { field: &'static str },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub id: String,
    pub dimension: String,
    pub name_zh: String,
    pub name_en: String,
    pub points: f64,
    pub formula: Formula,
}

impl Item {
    /// The problem codes the item counts (for a share: on its members).
    pub fn codes(&self) -> &[ProblemCode] {
        match &self.formula {
            Formula::Share { condition, .. } => &condition.without,
            Formula::Deduction { codes, .. } => codes,
            Formula::ReceivingPlants { without } => without,
            Formula::Presence { .. } | Formula::Manual { .. } => &[],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dimension {
    pub id: String,
    #[serde(default)]
    pub name_en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rubric {
    pub name: String,
    /// True until the official 评分细则 replaces zdz's reading of it.
    pub provisional: bool,
    pub pass_line: f64,
    pub veto: Vec<ProblemCode>,
    pub dimensions: Vec<Dimension>,
    pub items: Vec<Item>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRubric {
    name: String,
    #[serde(default)]
    provisional: bool,
    pass_line: f64,
    #[serde(default)]
    veto: Vec<String>,
    #[serde(default)]
    dimension: Vec<Dimension>,
    #[serde(default)]
    item: Vec<RawItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: String,
    dimension: String,
    name_zh: String,
    #[serde(default)]
    name_en: String,
    points: f64,
    kind: String,
    of: Option<Population>,
    #[serde(default)]
    without: Vec<String>,
    field: Option<String>,
    #[serde(default)]
    answers: Vec<String>,
    #[serde(default)]
    inspected_dry: bool,
    when_empty: Option<f64>,
    #[serde(default)]
    codes: Vec<String>,
    per: Option<f64>,
}

fn codes(item: &str, names: &[String]) -> Result<Vec<ProblemCode>> {
    names
        .iter()
        .map(|n| match ProblemCode::from_name(n) {
            Some(c) => Ok(c),
            None => bail!(
                "item {item}: `{n}` is not a problem code; the codes are {}",
                ProblemCode::ALL.map(|c| c.as_str()).join(", ")
            ),
        })
        .collect()
}

impl RawItem {
    fn formula(&self) -> Result<Formula> {
        let id = &self.id;
        let of = || match self.of {
            Some(of) => Ok(of),
            None => bail!(
                "item {id}: kind `{}` needs `of` (enterprises, outfalls, storm_outfalls or pipes)",
                self.kind
            ),
        };
        Ok(match self.kind.as_str() {
            "share" => {
                let of = of()?;
                let field = match &self.field {
                    None => None,
                    Some(f) => match of.fields().iter().find(|x| *x == f) {
                        Some(x) => Some(*x),
                        None => bail!(
                            "item {id}: `field = \"{f}\"` is not a field of {} a member can be given; those are {}",
                            of.as_str(),
                            of.fields().join(", ")
                        ),
                    },
                };
                let answers = self
                    .answers
                    .iter()
                    .map(|a| match manual_field(of.layer(), a) {
                        Some(m) if m.kind == AnswerKind::YesNo => Ok(m.name),
                        _ => bail!(
                            "item {id}: `{a}` is not a yes/no manual answer of {}",
                            of.layer().name()
                        ),
                    })
                    .collect::<Result<Vec<_>>>()?;
                if self.inspected_dry && of.layer() != LayerKind::Outfalls {
                    bail!("item {id}: `inspected_dry` applies to outfalls only");
                }
                let condition = Condition {
                    without: codes(id, &self.without)?,
                    field,
                    answers,
                    inspected_dry: self.inspected_dry,
                };
                if condition == Condition::default() {
                    bail!(
                        "item {id}: a share needs a condition (without, field, answers or inspected_dry)"
                    );
                }
                Formula::Share {
                    of,
                    condition,
                    when_empty: self.when_empty.unwrap_or(self.points),
                }
            }
            "deduction" => {
                let per = self.per.unwrap_or(0.0);
                if !(per.is_finite() && per > 0.0) || self.codes.is_empty() {
                    bail!("item {id}: a deduction needs `codes` and `per` > 0");
                }
                Formula::Deduction {
                    codes: codes(id, &self.codes)?,
                    per,
                }
            }
            "presence" => Formula::Presence { of: of()? },
            "receiving_plants" => Formula::ReceivingPlants {
                without: codes(id, &self.without)?,
            },
            "manual" => {
                let Some(f) = &self.field else {
                    bail!("item {id}: a manual item needs `field`");
                };
                match manual_field(LayerKind::Clusters, f) {
                    Some(m) => Formula::Manual { field: m.name },
                    None => bail!(
                        "item {id}: `{f}` is not a manual answer of clusters; those are {}",
                        crate::contract::MANUAL_FIELDS
                            .iter()
                            .filter(|m| m.layer == LayerKind::Clusters)
                            .map(|m| m.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                }
            }
            other => bail!(
                "item {id}: unknown kind `{other}`; the kinds are share, deduction, presence, receiving_plants, manual"
            ),
        })
    }
}

impl Rubric {
    /// zdz's provisional rubric, compiled in.
    pub fn provisional() -> Rubric {
        Rubric::parse(PROVISIONAL).expect("the built-in rubric.toml is valid")
    }

    pub fn parse(text: &str) -> Result<Rubric> {
        let raw: RawRubric = toml::from_str(text)?;
        if !(raw.pass_line.is_finite() && raw.pass_line >= 0.0) {
            bail!("pass_line = {} must be a score ≥ 0", raw.pass_line);
        }
        let mut items = Vec::with_capacity(raw.item.len());
        let mut ids = BTreeSet::new();
        let mut counted: Vec<(ProblemCode, String)> = Vec::new();
        for r in &raw.item {
            if !ids.insert(r.id.clone()) {
                bail!("item {}: the id is used twice", r.id);
            }
            if !(r.points.is_finite() && r.points > 0.0) {
                bail!("item {}: points = {} must be > 0", r.id, r.points);
            }
            if !raw.dimension.is_empty() && !raw.dimension.iter().any(|d| d.id == r.dimension) {
                bail!(
                    "item {}: dimension `{}` is not one of the [[dimension]] ids",
                    r.id,
                    r.dimension
                );
            }
            let item = Item {
                id: r.id.clone(),
                dimension: r.dimension.clone(),
                name_zh: r.name_zh.clone(),
                name_en: r.name_en.clone(),
                points: r.points,
                formula: r.formula()?,
            };
            for code in item.codes() {
                if let Some((_, other)) = counted.iter().find(|(c, _)| c == code) {
                    bail!(
                        "item {}: {} is counted by item {other} already; a code may be counted by one item only",
                        item.id,
                        code.as_str()
                    );
                }
                counted.push((*code, item.id.clone()));
            }
            items.push(item);
        }
        if items.is_empty() {
            bail!("the rubric has no [[item]]");
        }
        Ok(Rubric {
            name: raw.name,
            provisional: raw.provisional,
            pass_line: raw.pass_line,
            veto: codes("veto", &raw.veto)?,
            dimensions: raw.dimension,
            items,
        })
    }

    /// The most points the items can give.
    pub fn total(&self) -> f64 {
        self.items.iter().map(|i| i.points).sum()
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_provisional_rubric_has_the_issue_items_worth_100_and_passes_at_90() {
        let r = Rubric::provisional();
        assert!(r.provisional);
        assert_eq!(r.pass_line, 90.0);
        assert_eq!(r.total(), 100.0);
        let ids: Vec<&str> = r.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "S1", "S2", "S3", "N1", "N2", "N3", "N4", "P1", "P2", "O1", "O2", "M1", "M2", "M3",
                "M4", "M5", "D1", "D2"
            ]
        );
        let per_dimension = |d: &str| -> f64 {
            r.items
                .iter()
                .filter(|i| i.dimension == d)
                .map(|i| i.points)
                .sum()
        };
        for (d, p) in [
            ("源", 30.0),
            ("网", 25.0),
            ("厂", 15.0),
            ("口", 15.0),
            ("管理", 10.0),
            ("数字化", 5.0),
        ] {
            assert_eq!(per_dimension(d), p, "{d}");
        }
        assert_eq!(
            r.veto,
            [
                ProblemCode::OutfallSewageDirect,
                ProblemCode::StormOutfallPolluted
            ]
        );
    }

    #[test]
    fn a_code_counted_by_two_items_is_refused_naming_both() {
        let text = r#"
name = "x"
pass_line = 90
[[item]]
id = "A"
dimension = "d"
name_zh = "a"
points = 5
kind = "deduction"
codes = ["PIPE_DEFECT"]
per = 1
[[item]]
id = "B"
dimension = "d"
name_zh = "b"
points = 5
kind = "share"
of = "pipes"
without = ["PIPE_DEFECT"]
"#;
        let err = format!("{:#}", Rubric::parse(text).unwrap_err());
        assert!(
            err.contains("item B") && err.contains("item A") && err.contains("PIPE_DEFECT"),
            "{err}"
        );
    }

    #[test]
    fn an_unknown_code_field_or_kind_names_the_item() {
        for (bad, expect) in [
            (
                "kind = \"deduction\"\ncodes = [\"NOPE\"]\nper = 1",
                "`NOPE`",
            ),
            ("kind = \"manual\"\nfield = \"colour\"", "`colour`"),
            ("kind = \"magic\"", "unknown kind"),
            (
                "kind = \"share\"\nof = \"pipes\"\nfield = \"colour\"",
                "`field = \"colour\"`",
            ),
        ] {
            let text = format!(
                "name = \"x\"\npass_line = 90\n[[item]]\nid = \"Z9\"\ndimension = \"d\"\nname_zh = \"z\"\npoints = 1\n{bad}\n"
            );
            let err = format!("{:#}", Rubric::parse(&text).unwrap_err());
            assert!(err.contains("item Z9") && err.contains(expect), "{err}");
        }
    }
}
