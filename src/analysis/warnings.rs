//! What changes results without failing the run, said where the user looks: no Yangtze
//! main stem (every cluster then gets the inland deadline), a rule that could not run for
//! lack of a layer or field (its silence says nothing), a layer whose CRS was taken by
//! default. `zdz analyze`, `zdz check` and `zdz serve` print these highlighted, and
//! `summary.json` and `/healthz` carry them.

use rust_i18n::t;
use serde::Serialize;

use crate::contract::LayerKind;
use crate::load::Loaded;

/// One warning: a stable code and the message.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Warning {
    pub code: &'static str,
    pub message: String,
}

/// Every warning about `loaded`.
pub fn warnings(loaded: &Loaded) -> Vec<Warning> {
    let mut out = Vec::new();
    let l = &loaded.layers;
    let corridor = &loaded.project.corridor;
    if corridor.districts.is_none() && !l.clusters.is_empty() {
        let stem = corridor.main_stem.join(" / ");
        if l.missing.contains(&LayerKind::Rivers) {
            out.push(Warning {
                code: "no_main_stem",
                message: t!("warning.no_rivers", stem = stem).into_owned(),
            });
        } else if !l.rivers.iter().any(|r| r.main_stem) {
            let report = loaded.reports.iter().find(|r| r.layer == LayerKind::Rivers);
            let fields = report
                .map(|r| {
                    r.name_fields
                        .iter()
                        .map(|(f, v)| format!("{f} ({})", v.join(", ")))
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default();
            out.push(Warning {
                code: "no_main_stem",
                message: t!(
                    "warning.no_main_stem",
                    source = report
                        .map(|r| format!(" ({})", r.source))
                        .unwrap_or_default(),
                    stem = stem,
                    fields = if fields.is_empty() {
                        "none".to_string()
                    } else {
                        fields
                    }
                )
                .into_owned(),
            });
        }
    }
    for (code, ran) in super::rules_ran(l) {
        if !ran {
            out.push(Warning {
                code: "rule_not_run",
                message: t!(
                    "warning.rule_not_run",
                    code = code.as_str(),
                    label = code.label_zh(),
                    needs = code
                        .needs()
                        .iter()
                        .map(|(layer, fields)| if fields.is_empty() {
                            if crate::i18n::chinese() {
                                format!("{} 图层", layer.name())
                            } else {
                                format!("the {} layer", layer.name())
                            }
                        } else {
                            format!("{}.{}", layer.name(), fields.join(" or "))
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                )
                .into_owned(),
            });
        }
    }
    // The city names a fixed number of demonstration clusters; more is a data error.
    let named: Vec<&str> = l
        .clusters
        .iter()
        .filter(|c| c.demo)
        .map(|c| c.id.as_str())
        .collect();
    let count = loaded.project.demo.count;
    if named.len() > count {
        out.push(Warning {
            code: "demo_count",
            message: t!(
                "warning.demo_count",
                n = named.len(),
                count = count,
                ids = named.join(", ")
            )
            .into_owned(),
        });
    }
    for r in loaded.reports.iter().filter(|r| r.crs_assumed) {
        out.push(Warning {
            code: "crs_assumed",
            message: t!(
                "warning.crs_assumed",
                source = r.source,
                layer = r.layer.name()
            )
            .into_owned(),
        });
    }
    out
}
