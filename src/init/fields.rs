//! Which source field is which contract field of a layer: names (the contract's, its
//! aliases, the words bureaus use, their pinyin initials) and values (unique → an id,
//! kinds by their words, booleans, numbers in a plausible range, ids of another layer).
//! Each contract field takes the best source field left, unless two fit as well: then it
//! is undecided and the candidates are named.

use std::collections::{BTreeMap, HashSet};

use super::names;
use super::values;
use super::words::{Expect, expect, field_words};
use crate::contract::LayerKind;
use crate::load::inventory::{FieldInfo, FieldType, LayerInfo};

/// Below this a field is not taken.
pub const TAKE: f64 = 60.0;
/// Two candidates closer than this are a tie.
const TIE: f64 = 4.0;

/// One piece of evidence for a field.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub source: String,
    pub score: f64,
    pub why: Vec<String>,
}

/// What was decided for one contract field.
#[derive(Debug, Clone)]
pub enum Decision {
    Taken(Candidate),
    /// Two or more fit as well as each other.
    Tie(Vec<Candidate>),
    /// Nothing fits; the best below the line, if any.
    Missing(Option<Candidate>),
}

/// Ids of other layers, for fields that reference them.
pub type KnownIds = BTreeMap<LayerKind, HashSet<String>>;

/// The contract's own names of a field, and the other words bureaus use for it.
fn name_lists(kind: LayerKind, field: &str) -> (Vec<&'static str>, &'static [&'static str]) {
    let spec = kind
        .fields()
        .iter()
        .find(|f| f.name == field)
        .expect("a contract field");
    let mut own = vec![spec.name];
    own.extend_from_slice(spec.aliases);
    (own, field_words(kind, field))
}

/// The best name match: the contract's own names count in full, other words a little
/// less, so that `MC` (名称, the contract's alias) wins over `ZWM` (中文名).
fn by_name(kind: LayerKind, field: &str, names_to_try: &[&str]) -> Option<names::NameMatch> {
    let (own, other) = name_lists(kind, field);
    names_to_try
        .iter()
        .flat_map(|n| {
            let a = names::best(n, &own);
            let b = names::best(n, other).map(|mut m| {
                m.score *= 0.95;
                m
            });
            [a, b]
        })
        .flatten()
        .max_by(|a, b| a.score.total_cmp(&b.score))
}

fn sample_values(f: &FieldInfo, n: usize) -> String {
    f.values
        .iter()
        .take(n)
        .map(|(v, _)| v.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// How well source field `f` fits contract field `field` of `kind`.
pub fn score(
    kind: LayerKind,
    field: &str,
    f: &FieldInfo,
    layer: &LayerInfo,
    ids: &KnownIds,
) -> Candidate {
    let mut why = Vec::new();
    let names_to_try: Vec<&str> = std::iter::once(f.name.as_str())
        .chain(f.alias.as_deref())
        .collect();
    let by_name = by_name(kind, field, &names_to_try);
    let mut s = match &by_name {
        Some(m) => {
            why.push(m.why.clone());
            m.score
        }
        None => 0.0,
    };
    // An ESRI object id is an id of last resort.
    if f.name.eq_ignore_ascii_case("fid") || f.name.to_ascii_lowercase().starts_with("objectid_") {
        s -= 15.0;
    }
    let e = expect(kind, field);
    match e {
        Expect::Id => {
            if f.unique(layer.sampled) {
                s += 20.0;
                why.push(format!(
                    "{} 个值互不相同 (all {} sampled values unique)",
                    layer.sampled, layer.sampled
                ));
            } else {
                s -= 60.0;
            }
        }
        Expect::Ref(other) => {
            if let Some(known) = ids.get(&other).filter(|k| !k.is_empty()) {
                let total: usize = f.values.iter().map(|(_, n)| n).sum();
                let hit: usize = f
                    .values
                    .iter()
                    .filter(|(v, _)| known.contains(v))
                    .map(|(_, n)| n)
                    .sum();
                if total > 0 && hit as f64 / total as f64 >= 0.8 {
                    s += 45.0;
                    why.push(format!(
                        "值是{}的编号 (values are {} ids)",
                        other.label(),
                        other.name()
                    ));
                } else if total > 0 && hit == 0 && by_name.is_some() {
                    s -= 30.0;
                }
            }
        }
        Expect::PipeKind
        | Expect::OutfallKind
        | Expect::ParkLevel
        | Expect::Bool
        | Expect::Date
        | Expect::Weather => {
            let share = values::share(e, f);
            if f.filled == 0 {
                s -= 30.0;
            } else if share >= 0.9 {
                s += if by_name.is_some() { 30.0 } else { 65.0 };
                why.push(format!(
                    "值为 {} (values {})",
                    sample_values(f, 4),
                    sample_values(f, 4)
                ));
            } else if share < 0.5 {
                s -= 60.0;
            }
        }
        Expect::Number(lo, hi) => {
            let numeric = f.numeric_share();
            if f.filled > 0 && numeric >= 0.9 {
                let (a, b) = f.range.unwrap_or((0.0, 0.0));
                if a >= lo && b <= hi {
                    s += 15.0;
                    why.push(format!("数值 {a}–{b} (numbers from {a} to {b})"));
                }
            } else if f.filled > 0 && numeric < 0.5 {
                s -= 60.0;
            }
        }
        Expect::CreditCode => {
            if values::share(e, f) >= 0.9 {
                s += if by_name.is_some() { 20.0 } else { 60.0 };
                why.push("18 位统一社会信用代码 (18-character credit codes)".into());
            }
        }
        Expect::Text => {
            if field == "name" && f.kind == FieldType::Text && f.distinct * 2 >= f.filled.max(1) {
                s += 5.0;
            }
            if field == "name" && f.kind != FieldType::Text {
                s -= 30.0;
            }
        }
    }
    // A river's name field: the one holding the main stem's name.
    if kind == LayerKind::Rivers && field == "name" {
        let stem = &crate::project::Project::defaults(std::path::Path::new("."))
            .corridor
            .main_stem;
        let main: Vec<&str> = f
            .values
            .iter()
            .map(|(v, _)| v.as_str())
            .filter(|v| stem.iter().any(|m| m.eq_ignore_ascii_case(v.trim())))
            .collect();
        if !main.is_empty() {
            s += 70.0;
            why.push(format!("值含“{}” (holds the Yangtze's name)", main[0]));
        }
    }
    Candidate {
        source: f.name.clone(),
        score: s,
        why,
    }
}

/// Decide every contract field of `kind` in `layer`.
pub fn decide(
    kind: LayerKind,
    layer: &LayerInfo,
    ids: &KnownIds,
) -> BTreeMap<&'static str, Decision> {
    let specs = kind.fields();
    let mut all: Vec<(&'static str, Candidate)> = Vec::new();
    for spec in specs {
        for f in &layer.fields {
            let c = score(kind, spec.name, f, layer, ids);
            if c.score > 0.0 {
                all.push((spec.name, c));
            }
        }
    }
    all.sort_by(|a, b| b.1.score.total_cmp(&a.1.score));
    let mut taken_sources: HashSet<String> = HashSet::new();
    let mut out: BTreeMap<&'static str, Decision> = BTreeMap::new();
    for (field, c) in &all {
        if out.contains_key(field) || taken_sources.contains(&c.source) || c.score < TAKE {
            continue;
        }
        let rivals: Vec<Candidate> = all
            .iter()
            .filter(|(f2, c2)| {
                f2 == field && c2.source != c.source && !taken_sources.contains(&c2.source)
            })
            .filter(|(_, c2)| c.score - c2.score < TIE && c2.score >= TAKE)
            .map(|(_, c2)| c2.clone())
            .collect();
        if rivals.is_empty() {
            taken_sources.insert(c.source.clone());
            out.insert(field, Decision::Taken(c.clone()));
        } else {
            let mut tie = vec![c.clone()];
            tie.extend(rivals);
            out.insert(field, Decision::Tie(tie));
        }
    }
    for spec in specs {
        out.entry(spec.name).or_insert_with(|| {
            Decision::Missing(
                all.iter()
                    .filter(|(f, c)| *f == spec.name && !taken_sources.contains(&c.source))
                    .map(|(_, c)| c.clone())
                    .next(),
            )
        });
    }
    out
}
