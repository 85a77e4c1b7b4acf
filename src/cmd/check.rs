//! `zdz check`: load and validate a workspace without analysing it, and say what each
//! layer was read as, which rules can run, the parameters and the rubric.

use anyhow::Result;

use zdz::load;

pub fn check(workspace: &str) -> Result<()> {
    let loaded = load::load(workspace)?;
    println!(
        "workspace {} (working CRS {})",
        loaded.origin, loaded.working_crs
    );
    for r in &loaded.reports {
        println!(
            "{:<12} {} [layer {}, {}] CRS {}{}{}: {} features",
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
            r.feature_count
        );
        if let Some(b) = r.bounds_wgs84 {
            println!(
                "{:<12} bounds lon {:.5}…{:.5}, lat {:.5}…{:.5}",
                "", b[0], b[2], b[1], b[3]
            );
        }
        for (field, source) in &r.fields {
            println!("{:<12}   {field:<16} ← {source}", "");
        }
    }
    for kind in &loaded.layers.missing {
        println!(
            "{:<12} not in the workspace ({})",
            kind.name(),
            kind.aliases().join(", ")
        );
    }
    let p = &loaded.project;
    println!(
        "parameters   {}",
        p.params
            .all()
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let r = &p.rubric;
    println!(
        "rubric       {}{}: pass line {}, veto {}",
        r.name,
        if r.provisional {
            " (暂行 provisional)"
        } else {
            ""
        },
        r.pass_line,
        r.veto
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    for item in &r.items {
        println!(
            "{:<12} {:<4} {:<6} {:>5}  {} {}",
            "", item.id, item.dimension, item.points, item.name_zh, item.name_en
        );
    }
    for (code, ran) in zdz::analysis::rules_ran(&loaded.layers) {
        if !ran {
            println!(
                "rule         {} ({}) cannot run: it needs {}",
                code.as_str(),
                code.label_zh(),
                code.needs()
                    .iter()
                    .map(|(layer, fields)| if fields.is_empty() {
                        format!("the {} layer", layer.name())
                    } else {
                        format!("{}.{}", layer.name(), fields.join(" or "))
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    for f in &loaded.layers.findings {
        println!(
            "finding: {} {}: {}",
            f.layer.name(),
            f.feature_id,
            f.message
        );
    }
    Ok(())
}
