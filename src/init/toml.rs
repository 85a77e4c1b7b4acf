//! The plan as `zdz.toml` text: one `[layers.…]` table per layer decided, every line with
//! the evidence for it as a comment, `# TODO` lines naming the candidates of what could
//! not be decided. The text parses as a project file (checked before it is written).

use std::fmt::Write;
use std::path::Path;

use super::fields::{Candidate, Decision};
use super::{LayerPlan, Plan};
use crate::project::CoordTag;

/// A TOML string.
fn s(v: &str) -> String {
    ::toml::Value::String(v.to_string()).to_string()
}

/// A TOML key: bare when it can be, quoted otherwise.
fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_string()
    } else {
        s(k)
    }
}

fn file_name(dataset: &str) -> String {
    Path::new(dataset)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| dataset.to_string())
}

fn candidates(cs: &[Candidate]) -> String {
    cs.iter()
        .map(|c| format!("{} ({:.0})", c.source, c.score))
        .collect::<Vec<_>>()
        .join(", ")
}

fn tag_name(t: CoordTag) -> &'static str {
    match t {
        CoordTag::Wgs84 => "wgs84",
        CoordTag::Gcj02 => "gcj02",
        CoordTag::Bd09 => "bd09",
    }
}

fn layer(out: &mut String, l: &LayerPlan) {
    let info = &l.info;
    let _ = writeln!(out, "\n# {} ← {}", l.kind.label(), info.place());
    for w in &l.why {
        let _ = writeln!(out, "#   {w}");
    }
    let _ = writeln!(
        out,
        "#   坐标系 CRS: {}; 编码 encoding: {}",
        info.crs.as_deref().unwrap_or("未声明 none declared"),
        info.encoding
            .as_deref()
            .unwrap_or("as GDAL reads it (UTF-8 / .cpg)")
    );
    let _ = writeln!(out, "[layers.{}]", l.kind.name());
    let _ = writeln!(out, "source = {}", s(&file_name(&info.dataset)));
    if info.multi_layer {
        let _ = writeln!(out, "layer = {}", s(&info.layer));
    }
    if let Some((sql, why)) = &l.filter {
        let _ = writeln!(out, "where = {}   # {why}", s(sql));
    }
    match &l.crs {
        Some(Ok((crs, why))) => {
            let _ = writeln!(
                out,
                "crs = {}   # 无 .prj，推定 (no .prj; guessed): {why}",
                s(crs)
            );
        }
        Some(Err(why)) => {
            let _ = writeln!(
                out,
                "# TODO crs = \"EPSG:…\"   # 无坐标系且无法推定 (no CRS, cannot guess): {why}"
            );
        }
        None => {}
    }
    match &l.coords {
        Some((tag, figures)) => {
            let _ = writeln!(out, "coords = {}   # {figures}", s(tag_name(*tag)));
        }
        None => {
            if let Some(n) = &l.offset_note {
                let _ = writeln!(out, "# 坐标偏移检验 offset test, no correction needed: {n}");
            }
        }
    }
    for spec in l.kind.fields() {
        match l.fields.get(spec.name) {
            Some(Decision::Taken(c)) => {
                let _ = writeln!(
                    out,
                    "fields.{} = {}   # {}",
                    spec.name,
                    s(&c.source),
                    if c.why.is_empty() {
                        "best fit".to_string()
                    } else {
                        c.why.join("; ")
                    }
                );
            }
            Some(Decision::Tie(cs)) => {
                let _ = writeln!(
                    out,
                    "# TODO fields.{} = \"…\"   # 无法判定{}，候选 (undecided{}; candidates): {}",
                    spec.name,
                    if spec.required { "（必填）" } else { "" },
                    if spec.required { ", required" } else { "" },
                    candidates(cs)
                );
            }
            Some(Decision::Missing(best)) if spec.required => {
                let _ = writeln!(
                    out,
                    "# TODO fields.{} = \"…\"   # 必填字段未找到 (required field not found){}; or give every feature one value: set.{} = \"…\"",
                    spec.name,
                    best.as_ref()
                        .map(|c| format!("; nearest: {} ({:.0})", c.source, c.score))
                        .unwrap_or_default(),
                    spec.name
                );
            }
            _ => {}
        }
    }
    for (field, map) in &l.values {
        let pairs: Vec<String> = map
            .iter()
            .map(|(k, v)| format!("{} = {}", key(k), s(v)))
            .collect();
        let _ = writeln!(
            out,
            "values.{field} = {{ {} }}   # 按值的字词归类 (read by the words of each value)",
            pairs.join(", ")
        );
    }
    for (field, (factor, why)) in &l.scale {
        let _ = writeln!(out, "scale.{field} = {factor}   # {why}");
    }
}

/// The whole file.
pub fn render(plan: &Plan, today: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# zdz.toml，由 `zdz init` 于 {today} 根据本文件夹的数据生成：每行注释写明依据。\n\
         # Written by `zdz init` on {today} from this folder's data; each line says why.\n\
         # 请核对后运行 `zdz check`，再运行 `zdz analyze`。Check it, then run `zdz check` and `zdz analyze`."
    );
    let folder = Path::new(&plan.folder)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| plan.folder.clone());
    let _ = writeln!(out, "\n[project]\nname = {}", s(&folder));
    for l in &plan.layers {
        layer(&mut out, l);
    }
    for (kind, cs) in &plan.ties {
        let _ = writeln!(
            out,
            "\n# TODO [layers.{}]   # {} 无法判定，候选 (undecided; candidates): {}",
            kind.name(),
            kind.label(),
            cs.iter()
                .map(|(p, sc)| format!("{p} ({sc:.0})"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    for kind in crate::contract::LayerKind::ALL {
        let known =
            plan.layers.iter().any(|l| l.kind == kind) || plan.ties.iter().any(|(k, _)| *k == kind);
        if !known {
            let _ = writeln!(
                out,
                "\n# {}{}: 本文件夹中未找到 (not found in this folder){}",
                if kind.required() { "TODO " } else { "" },
                kind.label(),
                if kind.required() {
                    "，必需 (required)"
                } else {
                    ""
                }
            );
        }
    }
    if !plan.unused.is_empty() {
        let _ = writeln!(
            out,
            "\n# 未使用的图层 layers not used: {}",
            plan.unused.join("; ")
        );
    }
    for u in &plan.unreadable {
        let _ = writeln!(out, "# 无法读取 unreadable: {u}");
    }
    out
}
