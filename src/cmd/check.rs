//! `zdz check`: load and validate a workspace without analysing it, and say what each
//! layer was read as, which rules can run, the parameters and the rubric.

use anyhow::Result;
use rust_i18n::t;

pub fn check(workspace: &str) -> Result<()> {
    let loaded = zdz::run::load(workspace, None)?.loaded;
    println!(
        "{}",
        t!(
            "check.workspace",
            origin = loaded.origin,
            crs = loaded.working_crs
        )
    );
    for r in &loaded.reports {
        println!(
            "{:<12} {} [layer {}, {}] CRS {}{}{}: {} {}",
            r.layer.name(),
            r.source,
            r.layer_name,
            r.driver,
            r.crs,
            r.coords
                .map(|c| format!(", coords {c:?}"))
                .unwrap_or_default(),
            r.encoding
                .as_deref()
                .map(|e| format!(", encoding {e}"))
                .unwrap_or_default(),
            r.feature_count,
            t!("check.features")
        );
        if let Some(b) = r.bounds_wgs84 {
            let f = |v: f64| format!("{v:.5}");
            println!(
                "{:<12} {}",
                "",
                t!(
                    "check.bounds",
                    w = f(b[0]),
                    e = f(b[2]),
                    s = f(b[1]),
                    n = f(b[3])
                )
            );
        }
        if let Some(o) = &r.coord_order {
            let surveying = if o.swapped {
                t!("check.surveying_order").into_owned()
            } else {
                String::new()
            };
            println!(
                "{:<12} {}",
                "",
                t!(
                    "check.coord_order",
                    east = o.east,
                    north = o.north,
                    surveying = surveying,
                    inside = o.inside,
                    points = o.points,
                    area = o.area,
                    other = o.inside_other_way
                )
            );
        }
        for (field, source) in &r.fields {
            println!("{:<12}   {field:<16} ← {source}", "");
        }
    }
    if !loaded.layers.pipes.is_empty() {
        let f = loaded.layers.flow;
        println!(
            "{:<12} {}",
            "pipes",
            t!(
                "check.flow",
                levels = f.levels,
                recorded = f.recorded,
                reversed = f.reversed,
                unlevelled = f.unlevelled
            )
        );
    }
    for kind in &loaded.layers.missing {
        println!(
            "{:<12} {}",
            kind.name(),
            t!("check.missing", aliases = kind.aliases().join(", "))
        );
    }
    let p = &loaded.project;
    println!(
        "{:<12} {}",
        t!("check.parameters"),
        p.params
            .all()
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let r = &p.rubric;
    println!(
        "{}",
        t!(
            "check.rubric",
            name = r.name,
            provisional = if r.provisional {
                t!("analyze.provisional").into_owned()
            } else {
                String::new()
            },
            line = r.pass_line,
            veto = r
                .veto
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    );
    for item in &r.items {
        println!(
            "{:<12} {:<4} {:<6} {:>5}  {} {}",
            "", item.id, item.dimension, item.points, item.name_zh, item.name_en
        );
    }
    super::warn::print(&zdz::analysis::warnings::warnings(&loaded));
    let chinese = zdz::i18n::chinese();
    for f in &loaded.layers.findings {
        let message = f.said(chinese);
        let layer = if chinese {
            f.layer.label_zh()
        } else {
            f.layer.name()
        };
        println!(
            "{}",
            t!(
                "check.finding",
                layer = layer,
                id = f.feature_id,
                message = message
            )
        );
    }
    Ok(())
}
