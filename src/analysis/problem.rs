//! A problem (docs/rules.md): which rule, which feature, where, how far, with an id that stays
//! the same across runs and when features are reordered.

use geo::Geometry;
use serde::Serialize;

use crate::contract::{Detail, LayerKind, ProblemCode, Severity};

/// The water an outfall carries, traced upstream: pipe and enterprise ids.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Trace {
    pub pipe_ids: Vec<String>,
    pub enterprise_ids: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Problem {
    pub problem_id: String,
    pub code: ProblemCode,
    /// The code's severity, or less where the rule says so.
    pub severity: Severity,
    pub layer: LayerKind,
    pub feature_id: String,
    /// The cluster it harms (the first of `cluster_ids`).
    pub cluster_id: Option<String>,
    /// Every cluster it harms, sorted: one for most problems, each cluster a plant
    /// receives from for a plant's.
    pub cluster_ids: Vec<String>,
    /// The deadline of `cluster_id`.
    pub deadline: Option<String>,
    /// The rule as it applied here, with the measured distance or values: in Chinese, as
    /// a bureau's documents carry it.
    pub detail: String,
    /// The same in English.
    pub detail_en: String,
    /// The distance the rule turned on, in metres, where there is one.
    pub distance_m: Option<f64>,
    /// In the working CRS; `None` for a feature whose geometry could not be read.
    pub geom: Option<Geometry>,
    /// For outfall problems: where the water comes from.
    pub trace: Option<Trace>,
}

impl Problem {
    pub fn new(code: ProblemCode, layer: LayerKind, feature_id: &str, detail: Detail) -> Self {
        Problem {
            problem_id: stable_id(code, layer, feature_id),
            code,
            severity: code.severity(),
            layer,
            feature_id: feature_id.to_string(),
            cluster_id: None,
            cluster_ids: Vec::new(),
            deadline: None,
            detail: detail.zh(),
            detail_en: detail.en(),
            distance_m: None,
            geom: None,
            trace: None,
        }
    }

    pub fn at(mut self, geom: Geometry) -> Self {
        self.geom = Some(geom);
        self
    }

    pub fn distance(mut self, d: Option<f64>) -> Self {
        self.distance_m = d;
        self
    }
}

/// `P` and 12 hex digits of SHA-1 over code, layer and feature id: the same problem on the
/// same feature gets the same id in every run, whatever the order of the features.
pub fn stable_id(code: ProblemCode, layer: LayerKind, feature_id: &str) -> String {
    let digest =
        sha1_smol::Sha1::from(format!("{}|{}|{}", code.as_str(), layer.name(), feature_id))
            .digest()
            .to_string();
    format!("P{}", &digest[..12])
}

/// Make ids unique when a layer repeats a feature id: later repeats get `-2`, `-3` ….
pub fn dedupe_ids(problems: &mut [Problem]) {
    let mut seen = std::collections::HashMap::<String, usize>::new();
    for p in problems {
        let n = seen.entry(p.problem_id.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            p.problem_id = format!("{}-{}", p.problem_id, n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_id_depends_only_on_code_layer_and_feature() {
        let a = stable_id(ProblemCode::OutfallUnmatched, LayerKind::Outfalls, "YS001");
        assert_eq!(
            a,
            stable_id(ProblemCode::OutfallUnmatched, LayerKind::Outfalls, "YS001")
        );
        assert_ne!(
            a,
            stable_id(
                ProblemCode::OutfallSewageDirect,
                LayerKind::Outfalls,
                "YS001"
            )
        );
        assert_ne!(
            a,
            stable_id(ProblemCode::OutfallUnmatched, LayerKind::Outfalls, "YS002")
        );
        assert_eq!(a.len(), 13);
    }
}
