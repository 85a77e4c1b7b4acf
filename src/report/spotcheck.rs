//! The field sheet of a spot check (现场核实抽查记录表): per cluster its map, then every
//! item drawn with a QR code to it on the web map and room for the result, for the team on
//! site; the XLSX beside it (`publish::spotcheck`) is what comes back filled in.

use super::doc::{Block, Document, Paper};
use super::signboards::{map_url, outfall_url, qr_svg};
use crate::ledger::spotcheck::{Item, Kind};
use crate::outcome::Outcome;
use crate::render::map::MapIndex;

/// The field sheet of check `check_id` over `items`, linking to the web map at `base`.
pub fn document(
    o: Outcome,
    check_id: &str,
    seed: u64,
    items: &[Item],
    base: &str,
) -> anyhow::Result<Document> {
    let l = &o.loaded.layers;
    let maps = MapIndex::new(o);
    let mut b = vec![Block::Heading(1, format!("现场核实抽查记录表 {check_id}"))];
    b.push(Block::KeyValues(vec![
        ("抽查编号".into(), check_id.into()),
        ("随机种子".into(), seed.to_string()),
        ("抽查对象".into(), format!("{} 项", items.len())),
    ]));
    b.push(Block::Note(
        "同一随机种子抽取相同样本；核查结果填入同名 XLSX 的“核查结果”列（合格/不合格），用 zdz ledger import 导入；已销号问题核查不合格的将重新打开。".into(),
    ));
    let mut clusters: Vec<&str> = items.iter().map(|i| i.cluster_id.as_str()).collect();
    clusters.dedup();
    for cid in clusters {
        let Some(ci) = l.clusters.iter().position(|c| c.id == cid) else {
            continue;
        };
        b.push(Block::PageBreak);
        b.push(Block::Heading(1, format!("组团 {cid}")));
        let drawn = maps.cluster(ci, 700.0, 500.0);
        b.push(Block::Figure {
            width: 0.9,
            caption: format!("{cid} 的排口、管网与问题{}", drawn.dropped_note()),
            svg: drawn.svg,
        });
        for (n, item) in items.iter().filter(|i| i.cluster_id == cid).enumerate() {
            let url = match item.kind {
                Kind::Outfall => outfall_url(base, &item.feature_id),
                _ => map_url(base, "clusters", cid),
            };
            b.push(Block::Heading(
                2,
                format!("{}. {} {}", n + 1, item.kind.label_zh(), item.feature_id),
            ));
            b.push(Block::KeyValues(vec![
                ("名称或问题".into(), item.label.clone()),
                (
                    "问题编号".into(),
                    item.problem_id.clone().unwrap_or_else(|| "—".into()),
                ),
                ("核查结果".into(), "□ 合格    □ 不合格".into()),
                ("核查人 / 日期".into(), String::new()),
            ]));
            b.push(Block::Qr {
                svg: qr_svg(&url)?,
                size_mm: 28.0,
                text: url,
            });
        }
    }
    Ok(Document {
        title: format!("现场核实抽查记录表 {check_id}"),
        ident: format!("zdz-spotcheck-{check_id}"),
        header: format!("现场核实抽查 {check_id} · zdz"),
        paper: Paper::A4,
        blocks: b,
    })
}
