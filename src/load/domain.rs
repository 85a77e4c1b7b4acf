//! Raw features to domain types: ids, parsed attributes and cleaned geometry, with a
//! finding for every feature that is repaired, skipped, duplicated or carries a value zdz
//! cannot read. One bad feature never stops the load.

use geo::{Geometry, InteriorPoint, LineString};

use super::geometry::{self, Cleaned};
use super::read::RawFeature;
use super::values;
use crate::contract::geometry_faults::GeometryFault;
use crate::contract::load_faults::IdFrom;
use crate::contract::{AnswerKind, LayerKind, LoadFault, MANUAL_FIELDS, Unreadable};
use crate::model::{
    Answer, Answers, Cluster, District, Enterprise, FindingKind, FlowBasis, Inspection,
    LoadFinding, Manhole, Outfall, Park, Pipe, PipeLevels, Plant, River,
};

/// Builds one layer's features (or a run of them) and collects their findings.
pub struct Builder<'a> {
    kind: LayerKind,
    findings: &'a mut Vec<LoadFinding>,
    /// Every id given out, with the number of findings reported when it was: duplicates
    /// are found once all the layer's features are built (`second_uses`), possibly by
    /// several builders, and reported at that place.
    ids: Vec<(String, usize)>,
}

impl<'a> Builder<'a> {
    pub fn new(kind: LayerKind, findings: &'a mut Vec<LoadFinding>) -> Self {
        Builder {
            kind,
            findings,
            ids: Vec::new(),
        }
    }

    /// The ids given out so far, each with the number of findings before it.
    pub fn take_ids(&mut self) -> Vec<(String, usize)> {
        std::mem::take(&mut self.ids)
    }

    fn finding(&mut self, id: &str, kind: FindingKind, fault: LoadFault, repaired: bool) {
        self.findings
            .push(LoadFinding::new(self.kind, id, kind, fault, repaired));
    }

    /// The feature's id; one derived from its position (stable under reordering) when missing.
    fn id(&mut self, raw: &mut RawFeature) -> String {
        let field = self.kind.id_field().unwrap_or("id");
        let id = match raw.values.remove(field) {
            Some(v) => v,
            None => {
                let (id, from) = match &raw.geom {
                    Ok(g) => match g.interior_point() {
                        Some(p) => (format!("@{:.1},{:.1}", p.x(), p.y()), IdFrom::Position),
                        None => (format!("fid:{}", raw.fid.unwrap_or(0)), IdFrom::Row),
                    },
                    // A row of a survey's pipe table is known by the points it joins.
                    Err(_) => match (raw.values.get("from_node"), raw.values.get("to_node")) {
                        (Some(from), Some(to)) => (format!("{from}-{to}"), IdFrom::Ends),
                        _ => (format!("fid:{}", raw.fid.unwrap_or(0)), IdFrom::Row),
                    },
                };
                self.finding(
                    &id,
                    FindingKind::MissingId,
                    LoadFault::NoId {
                        field: field.into(),
                        from,
                        id: id.clone(),
                    },
                    true,
                );
                id
            }
        };
        self.ids.push((id.clone(), self.findings.len()));
        id
    }

    /// Clean a geometry, taken from the feature; report a repair, or report and return
    /// `None` when unusable. `as_it_is` says which geometries the cleaning takes unchanged
    /// and without a finding: others are copied first, for the finding to show.
    fn clean<T>(
        &mut self,
        id: &str,
        raw: &mut RawFeature,
        as_it_is: fn(&Geometry) -> bool,
        clean: impl FnOnce(Geometry) -> Result<Cleaned<T>, GeometryFault>,
    ) -> Option<T> {
        let geom = std::mem::replace(&mut raw.geom, Err(String::new()));
        let original = match &geom {
            Ok(g) if !as_it_is(g) => Some(g.clone()),
            _ => None,
        };
        match geom.map_err(GeometryFault::unreadable).and_then(clean) {
            Ok(Cleaned { value, repaired }) => {
                if !repaired.is_empty() {
                    self.geometry_finding(id, repaired, true, original);
                }
                Some(value)
            }
            Err(fault) => {
                self.geometry_finding(id, vec![fault], false, original);
                None
            }
        }
    }

    /// A geometry finding: what was wrong, and whether the feature was repaired and used.
    fn geometry_finding(
        &mut self,
        id: &str,
        faults: Vec<GeometryFault>,
        repaired: bool,
        geom: Option<Geometry>,
    ) {
        let fault = LoadFault::Geometry {
            faults,
            skipped: !repaired,
        };
        let mut finding = LoadFinding::new(self.kind, id, FindingKind::Geometry, fault, repaired);
        finding.geom = geom;
        self.findings.push(finding);
    }

    /// A text field, taken from the feature.
    fn text(raw: &mut RawFeature, field: &str) -> Option<String> {
        raw.values.remove(field)
    }

    /// Parse a field; a value that cannot be read is reported and treated as absent.
    fn parse<T>(
        &mut self,
        id: &str,
        raw: &RawFeature,
        field: &str,
        parse: impl Fn(&str) -> Result<T, Unreadable>,
    ) -> Option<T> {
        let v = raw.values.get(field)?;
        match parse(v) {
            Ok(t) => Some(t),
            Err(e) => {
                let fault = LoadFault::Value {
                    field: field.into(),
                    why: e,
                };
                self.finding(id, FindingKind::Value, fault, false);
                None
            }
        }
    }

    fn number(
        &mut self,
        id: &str,
        raw: &RawFeature,
        field: &str,
        scale: Option<f64>,
    ) -> Option<f64> {
        let value = match raw.numbers.get(field) {
            Some(v) => Some(*v),
            None => self.parse(id, raw, field, values::parse_number),
        };
        value.map(|v| v * scale.unwrap_or(1.0))
    }

    /// The manual answers of the layer's feature (absent or unreadable = unanswered).
    fn answers(&mut self, id: &str, raw: &mut RawFeature) -> Answers {
        let mut answers = Answers::new();
        let kind = self.kind;
        for f in MANUAL_FIELDS.iter().filter(|f| f.layer == kind) {
            let answer = match f.kind {
                AnswerKind::YesNo => self
                    .parse(id, raw, f.name, values::parse_bool)
                    .map(Answer::YesNo),
                AnswerKind::Text => Self::text(raw, f.name).map(Answer::Text),
            };
            if let Some(a) = answer {
                answers.insert(f.name, a);
            }
        }
        answers
    }

    /// One inspection row; `row` names it in messages (`row 5`). A row without an outfall
    /// or with a date that cannot be read is reported and skipped.
    pub fn inspection(&mut self, raw: &mut RawFeature, row: String) -> Option<Inspection> {
        let Some(outfall_id) = Self::text(raw, "outfall_id") else {
            self.finding(
                &row,
                FindingKind::Value,
                LoadFault::InspectionWithoutOutfall,
                false,
            );
            return None;
        };
        let date = match raw.values.get("date") {
            None => {
                self.finding(
                    &row,
                    FindingKind::Value,
                    LoadFault::InspectionWithoutDate {
                        outfall: outfall_id.clone(),
                    },
                    false,
                );
                return None;
            }
            Some(v) => match values::parse_date(v) {
                Ok(d) => d,
                Err(e) => {
                    self.finding(
                        &row,
                        FindingKind::Value,
                        LoadFault::InspectionBadDate {
                            outfall: outfall_id.clone(),
                            why: e,
                        },
                        false,
                    );
                    return None;
                }
            },
        };
        Some(Inspection {
            seq: raw.fid.unwrap_or(0) as usize,
            weather: self.parse(&row, raw, "weather", values::parse_weather),
            flowing: self.parse(&row, raw, "flowing", values::parse_bool),
            cod_mgl: self.number(&row, raw, "cod_mgl", None),
            nh3n_mgl: self.number(&row, raw, "nh3n_mgl", None),
            inspector: Self::text(raw, "inspector"),
            note: Self::text(raw, "note"),
            row,
            outfall_id,
            date,
        })
    }

    pub fn park(&mut self, raw: &mut RawFeature) -> Option<Park> {
        let id = self.id(raw);
        let geom = self.clean(&id, raw, |_| false, geometry::polygonal)?;
        Some(Park {
            name: Self::text(raw, "name"),
            level: self.parse(&id, raw, "level", values::parse_park_level),
            district: Self::text(raw, "district"),
            yangtze_side: self.parse(&id, raw, "yangtze_side", values::parse_bool),
            rep: geometry::representative(&geom)?,
            geom,
            id,
        })
    }

    /// A district (区县); one without a name is reported and skipped.
    pub fn district(&mut self, raw: &mut RawFeature) -> Option<District> {
        let Some(name) = Self::text(raw, "name") else {
            let id = format!("fid:{}", raw.fid.unwrap_or(0));
            self.finding(
                &id,
                FindingKind::Value,
                LoadFault::DistrictWithoutName,
                false,
            );
            return None;
        };
        let geom = self.clean(&name, raw, |_| false, geometry::polygonal)?;
        Some(District { name, geom })
    }

    pub fn cluster(&mut self, raw: &mut RawFeature) -> Option<Cluster> {
        let id = self.id(raw);
        let geom = self.clean(&id, raw, |_| false, geometry::polygonal)?;
        Some(Cluster {
            park_id: Self::text(raw, "park_id"),
            name: Self::text(raw, "name"),
            demo: self
                .parse(&id, raw, "demo", values::parse_bool)
                .unwrap_or(false),
            demo_candidate: self
                .parse(&id, raw, "demo_candidate", values::parse_bool)
                .unwrap_or(false),
            yangtze_side: self.parse(&id, raw, "yangtze_side", values::parse_bool),
            answers: self.answers(&id, raw),
            rep: geometry::representative(&geom)?,
            geom,
            id,
        })
    }

    pub fn enterprise(
        &mut self,
        raw: &mut RawFeature,
        scale: &dyn Fn(&str) -> Option<f64>,
    ) -> Option<Enterprise> {
        let id = self.id(raw);
        let (geom, rep) = self.clean(&id, raw, geometry::one_point, geometry::point_or_polygon)?;
        Some(Enterprise {
            name: Self::text(raw, "name"),
            credit_code: Self::text(raw, "credit_code"),
            industry: Self::text(raw, "industry"),
            wastewater_tpd: self.number(&id, raw, "wastewater_tpd", scale("wastewater_tpd")),
            connected: self.parse(&id, raw, "connected", values::parse_bool),
            permit_no: Self::text(raw, "permit_no"),
            answers: self.answers(&id, raw),
            geom,
            rep,
            id,
        })
    }

    /// Pipes; a multi-part pipe becomes one pipe per part, ids suffixed `#1`, `#2` …. A row
    /// of a pipe table (`table`: the layer has no geometry) naming both its end points is
    /// kept without geometry, to be drawn between them once the manholes are read
    /// (`pipe_table::draw`).
    pub fn pipes(
        &mut self,
        raw: &mut RawFeature,
        scale: &dyn Fn(&str) -> Option<f64>,
        table: bool,
    ) -> Vec<Pipe> {
        let id = self.id(raw);
        let Some(kind) = self.parse(&id, raw, "kind", values::parse_pipe_kind) else {
            if !raw.values.contains_key("kind") {
                self.finding(&id, FindingKind::Value, LoadFault::PipeWithoutKind, false);
            }
            return Vec::new();
        };
        let named = raw.values.contains_key("from_node") && raw.values.contains_key("to_node");
        let parts = if table && raw.geom.is_err() {
            if !named {
                self.finding(
                    &id,
                    FindingKind::Value,
                    LoadFault::PipeRowWithoutEnds,
                    false,
                );
                return Vec::new();
            }
            vec![LineString::new(Vec::new())]
        } else {
            match self.clean(&id, raw, geometry::lines_as_they_are, geometry::lines) {
                Some(parts) => parts,
                None => return Vec::new(),
            }
        };
        let defect_grade = self
            .number(&id, raw, "defect_grade", None)
            .map(|g| g.round().clamp(0.0, 255.0) as u8);
        let diameter_mm = self.number(&id, raw, "diameter_mm", scale("diameter_mm"));
        let n = parts.len();
        // Levels and node names describe the whole feature; a split part keeps its
        // geometry only.
        let levels = if n == 1 {
            self.levels(&id, raw, scale)
        } else {
            None
        };
        parts
            .into_iter()
            .enumerate()
            .map(|(i, geom)| Pipe {
                id: if n == 1 {
                    id.clone()
                } else {
                    format!("{id}#{}", i + 1)
                },
                kind,
                from_node: if n == 1 {
                    Self::text(raw, "from_node")
                } else {
                    None
                },
                to_node: if n == 1 {
                    Self::text(raw, "to_node")
                } else {
                    None
                },
                diameter_mm,
                defect_grade,
                levels: levels.map(Box::new),
                geom,
                flow_basis: FlowBasis::Recorded,
                reversed: false,
            })
            .collect()
    }

    /// A pipe's levels at its two ends, when it has any.
    fn levels(
        &mut self,
        id: &str,
        raw: &RawFeature,
        scale: &dyn Fn(&str) -> Option<f64>,
    ) -> Option<PipeLevels> {
        let mut level = |field: &str| self.number(id, raw, field, scale(field));
        let levels = PipeLevels {
            from_invert_m: level("from_invert_m"),
            to_invert_m: level("to_invert_m"),
            from_depth_m: level("from_depth_m"),
            to_depth_m: level("to_depth_m"),
        };
        (levels != PipeLevels::default()).then_some(levels)
    }

    /// A point of a pipeline survey (管点).
    pub fn manhole(
        &mut self,
        raw: &mut RawFeature,
        scale: &dyn Fn(&str) -> Option<f64>,
    ) -> Option<Manhole> {
        let id = self.id(raw);
        let points = self.clean(&id, raw, geometry::one_point, geometry::points)?;
        Some(Manhole {
            kind: self.parse(&id, raw, "kind", values::parse_pipe_kind),
            ground_m: self.number(&id, raw, "ground_m", scale("ground_m")),
            invert_m: self.number(&id, raw, "invert_m", scale("invert_m")),
            feature: Self::text(raw, "feature"),
            geom: points[0],
            id,
        })
    }

    pub fn outfalls(&mut self, raw: &mut RawFeature) -> Vec<Outfall> {
        let id = self.id(raw);
        let kind = self.parse(&id, raw, "kind", values::parse_outfall_kind);
        let Some(points) = self.clean(&id, raw, geometry::one_point, geometry::points) else {
            return Vec::new();
        };
        let name = Self::text(raw, "name");
        let receiving_water = Self::text(raw, "receiving_water");
        let plant_id = Self::text(raw, "plant_id");
        if let [point] = points[..] {
            return vec![Outfall {
                id,
                name,
                kind,
                receiving_water,
                plant_id,
                geom: point,
            }];
        }
        points
            .into_iter()
            .enumerate()
            .map(|(i, geom)| Outfall {
                id: format!("{id}#{}", i + 1),
                name: name.clone(),
                kind,
                receiving_water: receiving_water.clone(),
                plant_id: plant_id.clone(),
                geom,
            })
            .collect()
    }

    pub fn plant(
        &mut self,
        raw: &mut RawFeature,
        scale: &dyn Fn(&str) -> Option<f64>,
    ) -> Option<Plant> {
        let id = self.id(raw);
        let (geom, rep) = self.clean(&id, raw, geometry::one_point, geometry::point_or_polygon)?;
        Some(Plant {
            name: Self::text(raw, "name"),
            capacity_tpd: self.number(&id, raw, "capacity_tpd", scale("capacity_tpd")),
            inflow_tpd: self.number(&id, raw, "inflow_tpd", scale("inflow_tpd")),
            geom,
            rep,
            id,
        })
    }

    pub fn river(&mut self, raw: &mut RawFeature, main_stem_names: &[String]) -> Option<River> {
        let line = matches!(
            &raw.geom,
            Ok(Geometry::LineString(_) | Geometry::MultiLineString(_) | Geometry::Line(_))
        );
        let geom = match &raw.geom {
            Ok(_) if line => std::mem::replace(&mut raw.geom, Err(String::new())).ok()?,
            Ok(_) => {
                let id = format!("fid:{}", raw.fid.unwrap_or(0));
                Geometry::MultiPolygon(self.clean(&id, raw, |_| false, geometry::polygonal)?)
            }
            Err(e) => {
                let id = format!("fid:{}", raw.fid.unwrap_or(0));
                let e = e.clone();
                self.geometry_finding(&id, vec![GeometryFault::unreadable(e)], false, None);
                return None;
            }
        };
        let is_main = |s: &String| {
            main_stem_names
                .iter()
                .any(|m| m.trim().eq_ignore_ascii_case(s.trim()))
        };
        // The name both names the river and may make it the main stem: read, not taken.
        let name = raw.values.get("name");
        Some(River {
            main_stem: raw.names.iter().any(is_main) || name.is_some_and(is_main),
            name: name.cloned().or_else(|| raw.names.first().cloned()),
            geom,
        })
    }
}

/// Where each id of a layer is used for the second time. `runs` are the ids each run of
/// the layer gave out, in order; the answer says, for every id of every run, whether that
/// use is the id's second. Every use is sorted by its id's 64-bit hash (and then its
/// place) on every core, and only uses whose hashes agree have their text compared: a
/// layer of two million ids is neither counted through one hash map on one core (1.2 s at
/// national scale) nor has every id's text fetched from the heap to compare.
pub fn second_uses(runs: &[Vec<(String, usize)>]) -> Vec<Vec<bool>> {
    use foldhash::fast::FixedState;
    use rayon::prelude::*;
    use std::hash::BuildHasher;

    let hasher = FixedState::default();
    let ids: Vec<&str> = runs
        .iter()
        .flat_map(|run| run.iter().map(|(id, _)| id.as_str()))
        .collect();
    let mut uses: Vec<(u64, u32)> = ids
        .par_iter()
        .enumerate()
        .map(|(k, id)| (hasher.hash_one(id), k as u32))
        .collect();
    uses.par_sort_unstable();
    let mut second = vec![false; ids.len()];
    // Runs of one hash: almost always a single use; otherwise the same id used again (or,
    // rarely, two ids with one hash), in layer order.
    let mut start = 0;
    while start < uses.len() {
        let mut end = start + 1;
        while end < uses.len() && uses[end].0 == uses[start].0 {
            end += 1;
        }
        let group = &uses[start..end];
        for (i, (_, k)) in group.iter().enumerate().skip(1) {
            let id = ids[*k as usize];
            let before = group[..i]
                .iter()
                .filter(|(_, j)| ids[*j as usize] == id)
                .count();
            second[*k as usize] = before == 1;
        }
        start = end;
    }
    let mut out = Vec::with_capacity(runs.len());
    let mut rest = &second[..];
    for run in runs {
        let (this, next) = rest.split_at(run.len());
        out.push(this.to_vec());
        rest = next;
    }
    out
}

/// The finding for the second use of `id` in a layer of `kind`.
pub fn duplicate(kind: LayerKind, id: &str) -> LoadFinding {
    let field = kind.id_field().unwrap_or("id");
    let fault = LoadFault::DuplicateId {
        field: field.into(),
        id: id.into(),
    };
    LoadFinding::new(kind, id, FindingKind::DuplicateId, fault, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_uses_are_exactly_those_counting_each_id_in_layer_order_finds() {
        // 5,000 ids from an alphabet of 700, so most are used two, three or more times,
        // in runs of uneven length (one empty).
        let mut rng = fastrand::Rng::with_seed(11);
        let all: Vec<String> = (0..5_000)
            .map(|_| format!("P{}", rng.u32(0..700)))
            .collect();
        let mut runs: Vec<Vec<(String, usize)>> = Vec::new();
        let mut rest = &all[..];
        for len in [1, 0, 977, 2, 1500, 20] {
            let (run, next) = rest.split_at(len);
            runs.push(run.iter().map(|id| (id.clone(), 0)).collect());
            rest = next;
        }
        runs.push(rest.iter().map(|id| (id.clone(), 0)).collect());
        let mut seen: std::collections::HashMap<&str, usize> = Default::default();
        let brute: Vec<Vec<bool>> = runs
            .iter()
            .map(|run| {
                run.iter()
                    .map(|(id, _)| {
                        let n = seen.entry(id.as_str()).or_insert(0);
                        *n += 1;
                        *n == 2
                    })
                    .collect()
            })
            .collect();
        assert_eq!(second_uses(&runs), brute);
        assert!(brute.iter().flatten().filter(|s| **s).count() > 600);
    }
}
