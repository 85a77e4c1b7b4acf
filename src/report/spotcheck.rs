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
    // The sheet goes with a Chinese workbook to the team on site: Chinese.
    let w = crate::contract::Lang::Zh;
    let maps = MapIndex::new(o, w);
    let mut b = vec![Block::Heading(1, w.spotcheck_title(check_id))];
    b.push(Block::KeyValues(vec![
        (w.check_id(), check_id.into()),
        (w.seed(), seed.to_string()),
        (w.drawn(), w.items(items.len())),
    ]));
    b.push(Block::Note(w.spotcheck_note()));
    let mut clusters: Vec<&str> = items.iter().map(|i| i.cluster_id.as_str()).collect();
    clusters.dedup();
    for cid in clusters {
        let Some(ci) = l.clusters.iter().position(|c| c.id == cid) else {
            continue;
        };
        b.push(Block::PageBreak);
        b.push(Block::Heading(1, w.spotcheck_cluster(cid)));
        let drawn = maps.cluster(ci, 700.0, 500.0);
        b.push(Block::Figure {
            width: 0.9,
            caption: w.spotcheck_map_caption(cid, drawn.dropped_note(w)),
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
                (w.name_or_problem(), item.label.clone()),
                (
                    w.problem_id(),
                    item.problem_id.clone().unwrap_or_else(|| "—".into()),
                ),
                (w.result(), w.pass_fail()),
                (w.checked_by(), String::new()),
            ]));
            b.push(Block::Qr {
                svg: qr_svg(&url)?,
                size_mm: 28.0,
                text: url,
            });
        }
    }
    Ok(Document {
        title: w.spotcheck_title(check_id),
        ident: format!("zdz-spotcheck-{check_id}"),
        header: w.spotcheck_header(check_id),
        paper: Paper::A4,
        blocks: b,
        lang: w,
    })
}
