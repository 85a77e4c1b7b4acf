//! Charts for the reports, drawn by plotters into SVG: clusters by deadline and readiness,
//! the distribution of scores, problems by code and by district.

use anyhow::{Result, anyhow};
use plotters::prelude::*;

use super::svg::FONT;

use crate::contract::{Lang, ReadinessGroup, Vocabulary};

/// A readiness group's colour, as every chart and map draws it.
fn group_color(g: ReadinessGroup) -> RGBColor {
    let [r, gr, b] = g.rgb();
    RGBColor(r, gr, b)
}

/// A readiness group's label on a chart.
fn group_label(g: ReadinessGroup, w: Lang) -> String {
    w.group(g).to_string()
}

fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("chart: {e}")
}

/// Stacked bars: per deadline, the clusters by readiness group. `rows`: (deadline, group).
pub fn deadlines_by_readiness(
    rows: &[(String, ReadinessGroup)],
    w: u32,
    h: u32,
    lang: Lang,
) -> Result<String> {
    let mut deadlines: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    deadlines.sort();
    deadlines.dedup();
    let count = |d: &str, g: ReadinessGroup| rows.iter().filter(|r| r.0 == d && r.1 == g).count();
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
            .caption(lang.chart_deadlines(), (FONT, 16))
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
                SegmentValue::CenterOf(i) => deadlines
                    .get(*i)
                    .map(|d| lang.word(Vocabulary::Deadline, d).to_string())
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        for (k, group) in ReadinessGroup::ALL.into_iter().enumerate() {
            let color = group_color(group);
            let bars: Vec<(usize, usize, usize)> = deadlines
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let below: usize = ReadinessGroup::ALL[..k].iter().map(|g| count(d, *g)).sum();
                    (i, below, below + count(d, group))
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
                .label(group_label(group, lang))
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

/// A histogram of scores in bands of 5 points, stacked and coloured by readiness group (a
/// vetoed cluster of 98 points is drawn as vetoed, never as passing), the pass line marked.
pub fn scores(
    scores: &[(f64, ReadinessGroup)],
    pass_line: f64,
    w: u32,
    h: u32,
    lang: Lang,
) -> Result<String> {
    let band = |s: f64| ((s / 5.0).floor().max(0.0) as usize).min(19);
    let mut bins = [[0usize; ReadinessGroup::ALL.len()]; 20];
    for (s, g) in scores {
        let k = ReadinessGroup::ALL.iter().position(|x| x == g).unwrap_or(0);
        bins[band(*s)][k] += 1;
    }
    let max = bins
        .iter()
        .map(|b| b.iter().sum::<usize>())
        .max()
        .unwrap_or(1)
        .max(1);
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(lang.chart_scores(), (FONT, 16))
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(40)
            .build_cartesian_2d(0.0..100.0, 0..(max + max / 5 + 1))
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .label_style((FONT, 12))
            .x_desc(lang.chart_score_axis())
            .y_desc(lang.chart_clusters_axis())
            .draw()
            .map_err(err)?;
        for (k, group) in ReadinessGroup::ALL.into_iter().enumerate() {
            if bins.iter().all(|b| b[k] == 0) {
                continue;
            }
            let color = group_color(group);
            chart
                .draw_series(bins.iter().enumerate().map(|(i, b)| {
                    let x = i as f64 * 5.0;
                    let below: usize = b[..k].iter().sum();
                    Rectangle::new([(x, below), (x + 5.0, below + b[k])], color.filled())
                }))
                .map_err(err)?
                .label(group_label(group, lang))
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled())
                });
        }
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(pass_line, 0), (pass_line, max + max / 5)],
                BLACK.stroke_width(2),
            )))
            .map_err(err)?;
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font((FONT, 12))
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The fill colours of a chart's SVG, upper-case hex.
    fn fills(svg: &str) -> Vec<String> {
        svg.match_indices("fill=\"#")
            .map(|(i, _)| svg[i + 6..i + 13].to_ascii_uppercase())
            .collect()
    }

    fn hex(g: ReadinessGroup) -> String {
        let [r, gr, b] = g.rgb();
        format!("#{r:02X}{gr:02X}{b:02X}")
    }

    #[test]
    fn a_vetoed_cluster_of_98_points_is_drawn_in_the_veto_colour_not_as_passing() {
        let svg = scores(&[(98.0, ReadinessGroup::Veto)], 90.0, 400, 300, Lang::Zh).unwrap();
        let fills = fills(&svg);
        assert!(fills.contains(&hex(ReadinessGroup::Veto)), "{fills:?}");
        assert!(!fills.contains(&hex(ReadinessGroup::Ready)), "{fills:?}");
        let svg = scores(&[(95.0, ReadinessGroup::Ready)], 90.0, 400, 300, Lang::Zh).unwrap();
        assert!(super::tests::fills(&svg).contains(&hex(ReadinessGroup::Ready)));
    }
}
