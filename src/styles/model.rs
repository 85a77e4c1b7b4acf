//! The rule model every style is generated from: for each output layer, the field it is
//! classified by, one category per value with a Chinese and an English label and a colour,
//! the symbol, and what is labelled up to which scale. Categories come from the contract's
//! enums (problem codes, kinds, statuses) and from the project's deadline schedule, so a
//! new code cannot be left without a style.

use crate::analysis::outfalls::OutfallStatus;
use crate::contract::{ProblemCode, ReadinessGroup, Vocabulary, Word, words};
use crate::model::PipeKind;
use crate::project::DeadlineRule;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Point,
    Line,
    Polygon,
}

pub type Rgba = [u8; 4];

#[derive(Debug, Clone)]
pub struct Category {
    pub value: String,
    /// Chinese first, English beside it: what the legend shows.
    pub label: String,
    /// The Chinese label alone, for documents.
    pub zh: String,
    /// The English label alone.
    pub en: String,
    pub color: Rgba,
}

#[derive(Debug, Clone)]
pub enum Renderer {
    Single {
        color: Rgba,
    },
    Categorized {
        field: &'static str,
        categories: Vec<Category>,
    },
}

#[derive(Debug, Clone)]
pub struct Labels {
    /// A QGIS expression.
    pub expression: String,
    /// Labels show only when zoomed in beyond 1:`max_scale`.
    pub max_scale: f64,
}

/// A second classification drawn as the outline of a categorised polygon layer (clusters:
/// filled by deadline, outlined by readiness).
#[derive(Debug, Clone)]
pub struct Outline {
    pub field: &'static str,
    pub categories: Vec<Category>,
    /// Outline width in mm.
    pub width: f64,
}

/// One class a feature falls in, as QML and SLD draw it: the fields and values that
/// select it, its legend label, its fill (or line, or marker) colour and its outline.
#[derive(Debug, Clone)]
pub struct Class {
    pub when: Vec<(&'static str, String)>,
    pub label: String,
    pub color: Rgba,
    pub outline: Option<(Rgba, f64)>,
}

#[derive(Debug, Clone)]
pub struct LayerStyle {
    pub layer: &'static str,
    pub title: &'static str,
    pub shape: Shape,
    pub renderer: Renderer,
    pub outline: Option<Outline>,
    /// Point marker (`circle`, `square`, `triangle`, `diamond`) and size in mm.
    pub marker: (&'static str, f64),
    /// Line width in mm, outline width for polygons.
    pub width: f64,
    /// Polygon fill opacity (0–255); 0 for outline only.
    pub fill_alpha: u8,
    /// Arrows along lines in the digitised (flow) direction.
    pub arrows: bool,
    pub labels: Option<Labels>,
}

impl LayerStyle {
    /// Every class of the layer: one per category, or per pair of fill and outline
    /// category (an out-of-scope value pairs only with the other out-of-scope value).
    pub fn classes(&self) -> Vec<Class> {
        let Renderer::Categorized { field, categories } = &self.renderer else {
            return Vec::new();
        };
        let Some(outline) = &self.outline else {
            return categories
                .iter()
                .map(|c| Class {
                    when: vec![(*field, c.value.clone())],
                    label: c.label.clone(),
                    color: c.color,
                    outline: None,
                })
                .collect();
        };
        let out = |v: &str| v == "out_of_scope";
        categories
            .iter()
            .flat_map(|c| {
                outline
                    .categories
                    .iter()
                    .filter(move |o| out(&c.value) == out(&o.value))
                    .map(move |o| Class {
                        when: vec![(*field, c.value.clone()), (outline.field, o.value.clone())],
                        label: if out(&c.value) {
                            c.label.clone()
                        } else {
                            format!("{} · {}", c.label, o.label)
                        },
                        color: c.color,
                        outline: Some((o.color, outline.width)),
                    })
            })
            .collect()
    }
}

fn cat(value: &str, zh: &str, en: &str, color: Rgba) -> Category {
    Category {
        value: value.to_string(),
        label: format!("{zh} {en}"),
        zh: zh.to_string(),
        en: en.to_string(),
        color,
    }
}

fn code_color(code: ProblemCode) -> Rgba {
    match code {
        ProblemCode::OutfallSewageDirect => [215, 25, 28, 255],
        ProblemCode::StormCrossConnection => [253, 141, 60, 255],
        ProblemCode::OutfallUnmatched => [123, 50, 148, 255],
        ProblemCode::EnterpriseUncovered => [227, 26, 140, 255],
        ProblemCode::EnterpriseNotConnected => [165, 0, 38, 255],
        ProblemCode::EnterpriseOutsideCluster => [150, 150, 150, 255],
        ProblemCode::SewerNotToPlant => [140, 81, 10, 255],
        ProblemCode::PlantOverloaded => [255, 215, 0, 255],
        ProblemCode::PipeDefect => [102, 102, 102, 255],
        ProblemCode::InvalidGeometry => [0, 0, 0, 255],
        ProblemCode::DryWeatherFlow => [49, 130, 189, 255],
        ProblemCode::StormOutfallPolluted => [128, 0, 64, 255],
        ProblemCode::CrossConnectionPoint => [230, 85, 13, 255],
        ProblemCode::PipeInvertStepUp => [84, 39, 136, 255],
        ProblemCode::PipeDiameterDecrease => [1, 102, 94, 255],
    }
}

fn pipe_color(kind: PipeKind) -> Rgba {
    match kind {
        PipeKind::Sewage => [140, 81, 10, 255],
        PipeKind::Storm => [35, 139, 69, 255],
        PipeKind::Combined => [241, 105, 19, 255],
    }
}

fn outfall_status_color(s: OutfallStatus) -> Rgba {
    match s {
        OutfallStatus::Matched => [33, 113, 181, 255],
        OutfallStatus::Unmatched => [123, 50, 148, 255],
        OutfallStatus::SewageDirect => [215, 25, 28, 255],
        OutfallStatus::CrossConnection => [253, 141, 60, 255],
        OutfallStatus::PlantEffluent => [0, 150, 136, 255],
        OutfallStatus::DryWeatherFlow => [49, 130, 189, 255],
        OutfallStatus::Polluted => [128, 0, 64, 255],
    }
}

/// A category worded by the contract's table of words.
fn worded(vocabulary: Vocabulary, value: &str, color: Rgba) -> Category {
    let w = words::word(vocabulary, value).unwrap_or(Word { zh: "", en: "" });
    cat(value, w.zh, w.en, color)
}

/// Colour of the i-th deadline of the schedule, earliest most urgent.
fn deadline_color(deadline: &str, i: usize) -> Rgba {
    if deadline == "out_of_scope" {
        return [189, 189, 189, 255];
    }
    const RAMP: [Rgba; 5] = [
        [215, 48, 39, 255],
        [252, 141, 89, 255],
        [254, 224, 139, 255],
        [145, 207, 96, 255],
        [26, 152, 80, 255],
    ];
    RAMP[i.min(RAMP.len() - 1)]
}

fn deadline_label(deadline: &str) -> (String, String) {
    match deadline {
        "out_of_scope" => ("不纳入".into(), "out of scope".into()),
        d => (format!("{d} 前完成"), format!("due {d}")),
    }
}

/// Every output layer's style, for a project's deadline schedule.
pub fn styles(schedule: &[DeadlineRule]) -> Vec<LayerStyle> {
    let mut dated: Vec<&str> = schedule
        .iter()
        .map(|r| r.deadline.as_str())
        .filter(|d| *d != "out_of_scope")
        .collect();
    dated.sort();
    dated.dedup();
    let mut deadlines: Vec<Category> = dated
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let (zh, en) = deadline_label(d);
            cat(d, &zh, &en, deadline_color(d, i))
        })
        .collect();
    if schedule.iter().any(|r| r.deadline == "out_of_scope") {
        let (zh, en) = deadline_label("out_of_scope");
        deadlines.push(cat(
            "out_of_scope",
            &zh,
            &en,
            deadline_color("out_of_scope", 0),
        ));
    }

    vec![
        clusters_style(deadlines),
        problems_style(),
        outfalls_style(),
        pipes_style(),
        manholes_style(),
        enterprises_style(),
        plants_style(),
        parks_style(),
        rivers_style(),
        yangtze_band_style(),
        districts_style(),
    ]
}

/// 组团: filled by deadline, outlined by readiness group.
fn clusters_style(deadlines: Vec<Category>) -> LayerStyle {
    LayerStyle {
        layer: "clusters",
        title: "组团 Clusters",
        shape: Shape::Polygon,
        renderer: Renderer::Categorized { field: "deadline", categories: deadlines },
        outline: Some(Outline {
            field: "readiness",
            categories: ReadinessGroup::ALL
                .into_iter()
                .map(|g| {
                    let [r, gr, b] = g.rgb();
                    cat(g.as_str(), g.label_zh(), g.label_en(), [r, gr, b, 255])
                })
                .collect(),
            width: 1.2,
        }),
        marker: ("circle", 2.0),
        width: 0.6,
        fill_alpha: 110,
        arrows: false,
        labels: Some(Labels {
            expression: "coalesce(\"name\", \"cluster_id\") || if(\"in_corridor\", '\\n长江沿线 ' || round(\"corridor_distance_m\") || ' m', '')".into(),
            max_scale: 200_000.0,
        }),
    }
}

/// 问题: by problem code.
fn problems_style() -> LayerStyle {
    LayerStyle {
        layer: "problems",
        title: "问题 Problems",
        shape: Shape::Point,
        renderer: Renderer::Categorized {
            field: "code",
            categories: ProblemCode::ALL
                .iter()
                .map(|c| cat(c.as_str(), c.label_zh(), c.label_en(), code_color(*c)))
                .collect(),
        },
        outline: None,
        marker: ("diamond", 3.2),
        width: 0.3,
        fill_alpha: 255,
        arrows: false,
        labels: Some(Labels {
            expression: "\"feature_id\"".into(),
            max_scale: 10_000.0,
        }),
    }
}

/// 排口: by outfall status.
fn outfalls_style() -> LayerStyle {
    LayerStyle {
        layer: "outfalls",
        title: "排口 Outfalls",
        shape: Shape::Point,
        renderer: Renderer::Categorized {
            field: "status",
            categories: OutfallStatus::ALL
                .iter()
                .map(|s| {
                    worded(
                        Vocabulary::OutfallStatus,
                        s.as_str(),
                        outfall_status_color(*s),
                    )
                })
                .collect(),
        },
        outline: None,
        marker: ("triangle", 3.6),
        width: 0.3,
        fill_alpha: 255,
        arrows: false,
        labels: Some(Labels {
            expression: "\"outfall_id\"".into(),
            max_scale: 25_000.0,
        }),
    }
}

/// 管网: by kind, with flow arrows.
fn pipes_style() -> LayerStyle {
    LayerStyle {
        layer: "pipes",
        title: "管网 Pipes",
        shape: Shape::Line,
        renderer: Renderer::Categorized {
            field: "kind",
            categories: PipeKind::ALL
                .iter()
                .map(|k| worded(Vocabulary::PipeKind, k.as_str(), pipe_color(*k)))
                .collect(),
        },
        outline: None,
        marker: ("circle", 2.0),
        width: 0.5,
        fill_alpha: 255,
        arrows: true,
        labels: Some(Labels {
            expression: "\"pipe_id\"".into(),
            max_scale: 5_000.0,
        }),
    }
}

/// 管点: the survey's points, small and grey under the pipes' colours.
fn manholes_style() -> LayerStyle {
    LayerStyle {
        layer: "manholes",
        title: "管点 Manholes",
        shape: Shape::Point,
        renderer: Renderer::Single {
            color: [99, 99, 99, 255],
        },
        outline: None,
        marker: ("circle", 1.4),
        width: 0.2,
        fill_alpha: 255,
        arrows: false,
        labels: Some(Labels {
            expression: "\"node_id\"".into(),
            max_scale: 2_000.0,
        }),
    }
}

/// 企业.
fn enterprises_style() -> LayerStyle {
    LayerStyle {
        layer: "enterprises",
        title: "企业 Enterprises",
        shape: Shape::Point,
        renderer: Renderer::Categorized {
            field: "status",
            categories: vec![
                cat(
                    "covered",
                    "管网覆盖",
                    "covered by a sewer",
                    [49, 163, 84, 255],
                ),
                cat(
                    "uncovered",
                    "管网未覆盖",
                    "no sewer within reach",
                    [227, 26, 140, 255],
                ),
                cat(
                    "not_connected",
                    "未纳管",
                    "declared not connected",
                    [165, 0, 38, 255],
                ),
                cat(
                    "outside",
                    "组团外",
                    "outside every cluster",
                    [150, 150, 150, 255],
                ),
            ],
        },
        outline: None,
        marker: ("circle", 2.4),
        width: 0.2,
        fill_alpha: 255,
        arrows: false,
        labels: Some(Labels {
            expression: "coalesce(\"name\", \"enterprise_id\")".into(),
            max_scale: 10_000.0,
        }),
    }
}

/// 污水厂.
fn plants_style() -> LayerStyle {
    LayerStyle {
        layer: "plants",
        title: "污水厂 Treatment plants",
        shape: Shape::Point,
        renderer: Renderer::Categorized {
            field: "load_class",
            categories: vec![
                cat(
                    "normal",
                    "负荷正常(<80%)",
                    "load below 80%",
                    [44, 162, 95, 255],
                ),
                cat(
                    "high",
                    "负荷较高(80–100%)",
                    "load 80–100%",
                    [254, 178, 76, 255],
                ),
                cat(
                    "overloaded",
                    "超负荷(>100%)",
                    "overloaded",
                    [215, 25, 28, 255],
                ),
                cat("unknown", "负荷未知", "load unknown", [150, 150, 150, 255]),
            ],
        },
        outline: None,
        marker: ("square", 4.2),
        width: 0.4,
        fill_alpha: 255,
        arrows: false,
        labels: Some(Labels {
            expression: "coalesce(\"name\", \"plant_id\")".into(),
            max_scale: 100_000.0,
        }),
    }
}

/// 园区: by level.
fn parks_style() -> LayerStyle {
    LayerStyle {
        layer: "parks",
        title: "园区 Parks",
        shape: Shape::Polygon,
        renderer: Renderer::Categorized {
            field: "level",
            categories: vec![
                cat(
                    "national",
                    "国家级园区",
                    "national-level park",
                    [84, 39, 143, 255],
                ),
                cat(
                    "provincial",
                    "省级园区",
                    "provincial-level park",
                    [117, 107, 177, 255],
                ),
            ],
        },
        outline: None,
        marker: ("circle", 2.0),
        width: 0.8,
        fill_alpha: 0,
        arrows: false,
        labels: Some(Labels {
            expression: "coalesce(\"name\", \"park_id\")".into(),
            max_scale: 500_000.0,
        }),
    }
}

/// 区县: grey boundaries under everything, named at city scale.
fn districts_style() -> LayerStyle {
    LayerStyle {
        layer: "districts",
        title: "区县 Districts",
        shape: Shape::Polygon,
        renderer: Renderer::Single {
            color: [115, 115, 115, 255],
        },
        outline: None,
        marker: ("circle", 2.0),
        width: 0.6,
        fill_alpha: 0,
        arrows: false,
        labels: Some(Labels {
            expression: "\"name\"".into(),
            max_scale: 2_000_000.0,
        }),
    }
}

/// 水系: the main stem apart.
fn rivers_style() -> LayerStyle {
    LayerStyle {
        layer: "rivers",
        title: "水系 Rivers",
        shape: Shape::Line,
        renderer: Renderer::Categorized {
            field: "main_stem",
            categories: vec![
                cat("true", "长江干流", "Yangtze main stem", [8, 81, 156, 255]),
                cat("false", "其他河流", "other rivers", [107, 174, 214, 255]),
            ],
        },
        outline: None,
        marker: ("circle", 2.0),
        width: 1.2,
        fill_alpha: 255,
        arrows: false,
        labels: Some(Labels {
            expression: "\"name\"".into(),
            max_scale: 2_000_000.0,
        }),
    }
}

/// 长江沿线带: the corridor band.
fn yangtze_band_style() -> LayerStyle {
    LayerStyle {
        layer: "yangtze_band",
        title: "长江沿线带 Yangtze corridor band",
        shape: Shape::Polygon,
        renderer: Renderer::Single {
            color: [158, 202, 225, 255],
        },
        outline: None,
        marker: ("circle", 2.0),
        width: 0.3,
        fill_alpha: 90,
        arrows: false,
        labels: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::Project;

    fn values(layer: &str) -> Vec<String> {
        let all = styles(&Project::defaults(std::path::Path::new(".")).deadlines);
        match &all.iter().find(|s| s.layer == layer).unwrap().renderer {
            Renderer::Categorized { categories, .. } => {
                categories.iter().map(|c| c.value.clone()).collect()
            }
            Renderer::Single { .. } => Vec::new(),
        }
    }

    #[test]
    fn every_problem_code_pipe_kind_and_outfall_status_has_a_category() {
        let problems = values("problems");
        for code in ProblemCode::ALL {
            assert!(
                problems.contains(&code.as_str().to_string()),
                "{}",
                code.as_str()
            );
        }
        for kind in PipeKind::ALL {
            assert!(values("pipes").contains(&kind.as_str().to_string()));
        }
        assert_eq!(values("outfalls").len(), OutfallStatus::ALL.len());
    }

    #[test]
    fn clusters_are_styled_by_every_deadline_of_the_schedule() {
        assert_eq!(
            values("clusters"),
            ["2024-12-31", "2025-12-31", "2027-12-31", "out_of_scope"]
        );
    }
}
