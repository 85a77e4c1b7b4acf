//! Charts for the reports, drawn by plotters into SVG: clusters by deadline and readiness,
//! the distribution of scores, problems by code and by district.

use anyhow::{Result, anyhow};
use plotters::prelude::*;

use super::svg::FONT;

const READINESS: [(&str, &str, RGBColor); 4] = [
    ("ready", "已达标 ready", RGBColor(26, 152, 80)),
    ("not_ready", "未达标 not ready", RGBColor(120, 120, 120)),
    ("veto", "否决 vetoed", RGBColor(165, 0, 38)),
    (
        "out_of_scope",
        "不纳入 out of scope",
        RGBColor(200, 200, 200),
    ),
];

fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("chart: {e}")
}

/// Stacked bars: per deadline, the clusters by readiness. `rows`: (deadline, class) pairs.
pub fn deadlines_by_readiness(rows: &[(String, &str)], w: u32, h: u32) -> Result<String> {
    let mut deadlines: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    deadlines.sort();
    deadlines.dedup();
    let count = |d: &str, c: &str| rows.iter().filter(|r| r.0 == d && r.1 == c).count();
    let max = deadlines
        .iter()
        .map(|d| rows.iter().filter(|r| &r.0 == d).count())
        .max()
        .unwrap_or(1)
        .max(1);
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                "组团完成时限与验收状态 Clusters by deadline and readiness",
                (FONT, 16),
            )
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(40)
            .build_cartesian_2d(
                (0..deadlines.len()).into_segmented(),
                0..(max + max / 5 + 1),
            )
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(deadlines.len().max(1))
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => deadlines.get(*i).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        for (k, (class, label, color)) in READINESS.iter().enumerate() {
            let bars: Vec<(usize, usize, usize)> = deadlines
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let below: usize = READINESS[..k].iter().map(|(c, _, _)| count(d, c)).sum();
                    (i, below, below + count(d, class))
                })
                .collect();
            chart
                .draw_series(bars.into_iter().map(|(i, lo, hi)| {
                    Rectangle::new(
                        [
                            (SegmentValue::Exact(i), lo),
                            (SegmentValue::Exact(i + 1), hi),
                        ],
                        color.mix(0.9).filled(),
                    )
                }))
                .map_err(err)?
                .label(*label)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled())
                });
        }
        chart
            .configure_series_labels()
            .label_font((FONT, 12))
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(out)
}

/// A histogram of scores in bands of 5 points, the pass line marked.
pub fn scores(scores: &[f64], pass_line: f64, w: u32, h: u32) -> Result<String> {
    let mut bins = [0usize; 20];
    for s in scores {
        bins[((s / 5.0).floor() as usize).min(19)] += 1;
    }
    let max = bins.iter().copied().max().unwrap_or(1).max(1);
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                "得分分布(暂行) Score distribution (provisional)",
                (FONT, 16),
            )
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(40)
            .build_cartesian_2d(0.0..100.0, 0..(max + max / 5 + 1))
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .label_style((FONT, 12))
            .x_desc("得分 score")
            .y_desc("组团 clusters")
            .draw()
            .map_err(err)?;
        chart
            .draw_series(bins.iter().enumerate().map(|(i, n)| {
                let x = i as f64 * 5.0;
                let color = if x >= pass_line {
                    RGBColor(26, 152, 80)
                } else {
                    RGBColor(252, 141, 89)
                };
                Rectangle::new([(x, 0), (x + 5.0, *n)], color.filled())
            }))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(pass_line, 0), (pass_line, max + max / 5)],
                BLACK.stroke_width(2),
            )))
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(out)
}

/// Horizontal bars of counts with their labels (problems by code, or by district).
pub fn bars(title: &str, rows: &[(String, usize)], w: u32, h: u32) -> Result<String> {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1);
    let n = rows.len().max(1);
    // Room for the longest label at 12 px: about 6.5 px per Latin character, 12 per CJK.
    let label_px: u32 = rows
        .iter()
        .map(|r| {
            r.0.chars()
                .map(|c| if (c as u32) >= 0x2E80 { 12 } else { 7 })
                .sum::<u32>()
        })
        .max()
        .unwrap_or(40)
        + 12;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 16))
            .margin(10)
            .x_label_area_size(25)
            .y_label_area_size(label_px.clamp(40, w / 2))
            .build_cartesian_2d(0..(max + max / 6 + 1), (0..n).into_segmented())
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n)
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) if *i < n => rows[n - 1 - i].0.clone(),
                _ => String::new(),
            })
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(rows.iter().enumerate().map(|(i, (_, v))| {
                let y = n - 1 - i;
                Rectangle::new(
                    [
                        (0, SegmentValue::Exact(y)),
                        (*v, SegmentValue::Exact(y + 1)),
                    ],
                    RGBColor(18, 61, 92).mix(0.85).filled(),
                )
            }))
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(out)
}
