//! Outfall signboards (排口标识牌, 一口一码): one A5 page per outfall with its name, code,
//! kind, receiving water, cluster and responsible body, and a QR code that opens the
//! outfall's page of the service (`/outfalls/<id>`: what the analysis says of it, its map,
//! and the 记录排查 form), so an inspector at the river bank records what is seen there.

use qrcode::QrCode;
use qrcode::render::svg;

use super::doc::{Block, Document, Paper};
use crate::contract::{Lang, Vocabulary};
use crate::model::OutfallKind;
use crate::outcome::Outcome;

/// The service's page of an outfall, where an inspector records an inspection.
pub fn outfall_url(base: &str, id: &str) -> String {
    format!("{}/outfalls/{}", base.trim_end_matches('/'), encoded(id))
}

/// The web map's link to a feature of `layer` (the map selects outfalls and clusters).
pub fn map_url(base: &str, layer: &str, id: &str) -> String {
    format!(
        "{}/map#sel={layer}:{}",
        base.trim_end_matches('/'),
        encoded(id)
    )
}

/// An id as one segment of a URL.
fn encoded(id: &str) -> String {
    id.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A QR code of `text` as SVG.
pub fn qr_svg(text: &str) -> anyhow::Result<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)?;
    Ok(code
        .render::<svg::Color>()
        .min_dimensions(300, 300)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}

fn kind(w: Lang, k: Option<OutfallKind>) -> String {
    k.map_or(w.kind_not_stated(), |k| {
        w.word(Vocabulary::OutfallKind, k.as_str()).to_string()
    })
}

/// The signboards of the outfalls of `clusters`, in outfall order.
pub fn document(o: Outcome, clusters: &[usize], base: &str, w: Lang) -> anyhow::Result<Document> {
    let l = &o.loaded.layers;
    let mut b = Vec::new();
    for (of, r) in l.outfalls.iter().zip(&o.analysis.outfalls) {
        let Some(c) = r.cluster.filter(|c| clusters.contains(c)) else {
            continue;
        };
        let cluster = &l.clusters[c];
        if !b.is_empty() {
            b.push(Block::PageBreak);
        }
        let url = outfall_url(base, &of.id);
        b.push(Block::Heading(1, w.signboard_heading()));
        b.push(Block::KeyValues(vec![
            (
                w.outfall_name(),
                of.name.clone().unwrap_or_else(|| of.id.clone()),
            ),
            (w.outfall_code(), of.id.clone()),
            (w.outfall_kind(), kind(w, of.kind)),
            (
                w.receiving_water(),
                of.receiving_water.clone().unwrap_or_else(|| w.not_stated()),
            ),
            (
                w.in_cluster(),
                format!(
                    "{} ({})",
                    cluster.name.clone().unwrap_or_default(),
                    cluster.id
                ),
            ),
            (
                w.responsible_body(),
                cluster
                    .answers
                    .get("responsible_body")
                    .map(|a| match a {
                        crate::model::Answer::Text(t) => t.clone(),
                        crate::model::Answer::YesNo(_) => w.to_answer(),
                    })
                    .unwrap_or_else(|| w.to_answer()),
            ),
        ]));
        b.push(Block::Qr {
            svg: qr_svg(&url)?,
            size_mm: 55.0,
            text: w.scan_to_open(&url),
        });
    }
    if b.is_empty() {
        b.push(Block::Para(w.no_outfall()));
    }
    // The outfalls no plate is made for because they belong to no cluster in the campaign.
    let left_out: Vec<Vec<String>> = l
        .outfalls
        .iter()
        .zip(&o.analysis.outfalls)
        .filter_map(|(of, r)| {
            let why = match r.cluster {
                None => w.in_no_cluster(),
                Some(c) if !o.analysis.clusters[c].in_scope() => w.cluster_out_of_scope(),
                Some(_) => return None,
            };
            Some(vec![
                of.id.clone(),
                of.name.clone().unwrap_or_default(),
                why,
            ])
        })
        .collect();
    if !left_out.is_empty() {
        b.push(Block::PageBreak);
        b.push(Block::Heading(1, w.heading_left_out()));
        b.push(Block::Table {
            headers: Lang::columns(w.left_out_columns()),
            rows: left_out,
        });
    }
    Ok(Document {
        title: w.signboards_title(),
        ident: "zdz-signboards".into(),
        header: w.signboards_header(),
        paper: Paper::A5,
        blocks: b,
        lang: w,
    })
}
