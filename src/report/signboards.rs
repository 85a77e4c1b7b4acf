//! Outfall signboards (排口标识牌, 一口一码): one A5 page per outfall with its name, code,
//! kind, receiving water, cluster and responsible body, and a QR code that opens the
//! outfall's page of the service (`/outfalls/<id>`: what the analysis says of it, its map,
//! and the 记录排查 form), so an inspector at the river bank records what is seen there.

use qrcode::QrCode;
use qrcode::render::svg;

use super::doc::{Block, Document, Paper};
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

fn kind_zh(k: Option<OutfallKind>) -> &'static str {
    k.map_or("类型未注明", |k| {
        crate::contract::words::zh(crate::contract::Vocabulary::OutfallKind, k.as_str())
    })
}

/// The signboards of the outfalls of `clusters`, in outfall order.
pub fn document(o: Outcome, clusters: &[usize], base: &str) -> anyhow::Result<Document> {
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
        b.push(Block::Heading(1, "排口标识牌".into()));
        b.push(Block::KeyValues(vec![
            (
                "排口名称".into(),
                of.name.clone().unwrap_or_else(|| of.id.clone()),
            ),
            ("排口编码".into(), of.id.clone()),
            ("排口类型".into(), kind_zh(of.kind).into()),
            (
                "受纳水体".into(),
                of.receiving_water
                    .clone()
                    .unwrap_or_else(|| "未注明".into()),
            ),
            (
                "所在组团".into(),
                format!(
                    "{} ({})",
                    cluster.name.clone().unwrap_or_default(),
                    cluster.id
                ),
            ),
            (
                "责任主体".into(),
                cluster
                    .answers
                    .get("responsible_body")
                    .map(|a| match a {
                        crate::model::Answer::Text(t) => t.clone(),
                        crate::model::Answer::YesNo(_) => "待填报".into(),
                    })
                    .unwrap_or_else(|| "待填报".into()),
            ),
        ]));
        b.push(Block::Qr {
            svg: qr_svg(&url)?,
            size_mm: 55.0,
            text: format!("扫码查看排口溯源：{url}"),
        });
    }
    if b.is_empty() {
        b.push(Block::Para("所选组团没有排口。".into()));
    }
    // The outfalls no plate is made for because they belong to no cluster in the campaign.
    let left_out: Vec<Vec<String>> = l
        .outfalls
        .iter()
        .zip(&o.analysis.outfalls)
        .filter_map(|(of, r)| {
            let why = match r.cluster {
                None => "不属于任何组团",
                Some(c) if !o.analysis.clusters[c].in_scope() => "所在组团不纳入（无企业）",
                Some(_) => return None,
            };
            Some(vec![
                of.id.clone(),
                of.name.clone().unwrap_or_default(),
                why.into(),
            ])
        })
        .collect();
    if !left_out.is_empty() {
        b.push(Block::PageBreak);
        b.push(Block::Heading(1, "未制作标识牌的排口".into()));
        b.push(Block::Table {
            headers: ["排口编码", "排口名称", "原因"].map(String::from).to_vec(),
            rows: left_out,
        });
    }
    Ok(Document {
        title: "排口标识牌".into(),
        ident: "zdz-signboards".into(),
        header: "排口标识牌 · 一口一码 · zdz".into(),
        paper: Paper::A5,
        blocks: b,
    })
}
