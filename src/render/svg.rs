//! A small SVG writer: escaped text, paths from coordinates, and the map furniture every
//! map carries (scale bar with its length, north arrow, the CRS, a legend).

use std::fmt::Write as _;

use super::labels::{Bounds, Labels, text_width};
use crate::styles::model::Rgba;

/// Text for SVG content or attributes.
pub fn esc(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

pub fn rgb(c: Rgba) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// An SVG document being written, `w` × `h` px.
pub struct Svg {
    pub w: f64,
    pub h: f64,
    body: String,
}

/// The font the maps use: the CJK family of fonts-noto-cjk, with fallbacks.
pub const FONT: &str = "Noto Sans CJK SC, Noto Sans SC, sans-serif";

impl Svg {
    pub fn new(w: f64, h: f64) -> Svg {
        Svg {
            w,
            h,
            body: String::new(),
        }
    }

    pub fn raw(&mut self, s: &str) {
        self.body.push_str(s);
    }

    /// A path through points; closed when `close`.
    pub fn path_data(points: &[(f64, f64)], close: bool) -> String {
        let mut d = String::with_capacity(points.len() * 14);
        for (i, (x, y)) in points.iter().enumerate() {
            let _ = write!(d, "{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" });
        }
        if close {
            d.push('Z');
        }
        d
    }

    pub fn path(&mut self, d: &str, fill: &str, stroke: &str, width: f64, extra: &str) {
        let _ = write!(
            self.body,
            r#"<path d="{d}" fill="{fill}" stroke="{stroke}" stroke-width="{width}" {extra}/>"#
        );
    }

    /// Text with a white halo so it reads over the map.
    pub fn label(&mut self, x: f64, y: f64, size: f64, text: &str, weight: &str, anchor: &str) {
        let _ = write!(
            self.body,
            r##"<text x="{x:.1}" y="{y:.1}" font-family="{FONT}" font-size="{size}" font-weight="{weight}" text-anchor="{anchor}" fill="#222" stroke="#fff" stroke-width="3" paint-order="stroke" stroke-linejoin="round">{}</text>"##,
            esc(text)
        );
    }

    /// A map's labels, placed so none covers another (`labels.rs`); the texts left out.
    pub fn labels(&mut self, labels: Labels) -> Vec<String> {
        let (placed, dropped) = labels.place();
        for p in placed {
            self.label(p.x, p.y, p.size, &p.text, p.weight, p.anchor);
        }
        dropped
    }

    /// A scale bar of `metres` drawn `px` long, its length written beside it; where it is.
    pub fn scale_bar(&mut self, x: f64, y: f64, px: f64, metres: f64) -> Bounds {
        let d = format!(
            "M{x} {} L{x} {y} L{} {y} L{} {}",
            y - 7.0,
            x + px,
            x + px,
            y - 7.0
        );
        self.path(&d, "none", "#000", 2.5, "");
        let half = format!("M{} {y} L{} {}", x + px / 2.0, x + px / 2.0, y - 4.0);
        self.path(&half, "none", "#000", 1.5, "");
        let text = if metres >= 1000.0 {
            format!("{} km", metres / 1000.0)
        } else {
            format!("{metres} m")
        };
        self.label(x + px + 6.0, y + 1.0, 13.0, &text, "normal", "start");
        Bounds::new(
            x - 2.0,
            y - 12.0,
            x + px + 6.0 + text_width(&text, 13.0),
            y + 5.0,
        )
    }

    /// A north arrow with its N; where it is.
    pub fn north_arrow(&mut self, x: f64, y: f64) -> Bounds {
        let d = format!(
            "M{x} {y} L{} {} L{x} {} L{} {} Z",
            x + 9.0,
            y + 26.0,
            y + 19.0,
            x - 9.0,
            y + 26.0
        );
        self.path(&d, "#222", "#222", 1.0, "");
        let right = format!("M{x} {y} L{} {} L{x} {} Z", x + 9.0, y + 26.0, y + 19.0);
        self.path(&right, "#fff", "#222", 1.0, "");
        self.label(x, y - 4.0, 14.0, "N", "bold", "middle");
        Bounds::new(x - 10.0, y - 18.0, x + 10.0, y + 27.0)
    }

    /// A legend box at (x, y): a title and entries of (swatch shape, colour, text).
    pub fn legend(
        &mut self,
        x: f64,
        y: f64,
        title: &str,
        entries: &[(Swatch, Rgba, String)],
    ) -> Bounds {
        let row = 17.0;
        let width = entries
            .iter()
            .map(|(_, _, t)| text_width(t, 12.0))
            .fold(text_width(title, 13.0), f64::max)
            + 40.0;
        let height = row * (entries.len() as f64 + 1.0) + 10.0;
        let _ = write!(
            self.body,
            r##"<rect x="{x}" y="{y}" width="{width:.0}" height="{height:.0}" fill="#fff" fill-opacity="0.88" stroke="#888" stroke-width="0.8"/>"##
        );
        self.label(x + 8.0, y + 16.0, 13.0, title, "bold", "start");
        for (i, (shape, color, text)) in entries.iter().enumerate() {
            let cy = y + 16.0 + row * (i as f64 + 1.0);
            let (sx, c) = (x + 16.0, rgb(*color));
            let d = match shape {
                Swatch::Fill => format!(
                    r#"<rect x="{}" y="{}" width="14" height="10" fill="{c}" fill-opacity="0.6" stroke="{c}"/>"#,
                    sx - 7.0,
                    cy - 9.0
                ),
                Swatch::Outline => format!(
                    r#"<rect x="{}" y="{}" width="14" height="10" fill="none" stroke="{c}" stroke-width="2.5"/>"#,
                    sx - 7.0,
                    cy - 9.0
                ),
                Swatch::Line => format!(
                    r#"<path d="M{} {} L{} {}" stroke="{c}" stroke-width="3"/>"#,
                    sx - 8.0,
                    cy - 4.0,
                    sx + 8.0,
                    cy - 4.0
                ),
                Swatch::Triangle => format!(
                    r##"<path d="{}" fill="{c}" stroke="#222" stroke-width="0.8"/>"##,
                    triangle(sx, cy - 4.0, 6.0)
                ),
                Swatch::Diamond => format!(
                    r##"<path d="{}" fill="{c}" stroke="#222" stroke-width="0.8"/>"##,
                    diamond(sx, cy - 4.0, 6.0)
                ),
                Swatch::Square => format!(
                    r##"<rect x="{}" y="{}" width="10" height="10" fill="{c}" stroke="#222"/>"##,
                    sx - 5.0,
                    cy - 9.0
                ),
            };
            self.body.push_str(&d);
            self.label(x + 30.0, cy, 12.0, text, "normal", "start");
        }
        Bounds::new(x, y, x + width, y + height)
    }

    pub fn finish(self) -> String {
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}"><rect width="{w}" height="{h}" fill="white"/>{}</svg>"#,
            self.body,
            w = self.w,
            h = self.h
        )
    }
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy)]
pub enum Swatch {
    Fill,
    Outline,
    Line,
    Triangle,
    Diamond,
    Square,
}

pub fn triangle(x: f64, y: f64, r: f64) -> String {
    format!(
        "M{x:.1} {:.1} L{:.1} {:.1} L{:.1} {:.1} Z",
        y - r,
        x + r,
        y + r * 0.8,
        x - r,
        y + r * 0.8
    )
}

pub fn diamond(x: f64, y: f64, r: f64) -> String {
    format!(
        "M{x:.1} {:.1} L{:.1} {y:.1} L{x:.1} {:.1} L{:.1} {y:.1} Z",
        y - r,
        x + r,
        y + r,
        x - r
    )
}

/// A round scale-bar length (1, 2 or 5 × 10ⁿ m) near a fifth of `map_metres`.
pub fn scale_length(map_metres: f64) -> f64 {
    let target = map_metres / 5.0;
    let mut best = 1.0;
    for exp in 0..8 {
        for m in [1.0, 2.0, 5.0] {
            let v = m * 10f64.powi(exp);
            if v <= target {
                best = v;
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_bars_have_round_lengths_near_a_fifth_of_the_map() {
        assert_eq!(scale_length(2600.0), 500.0);
        assert_eq!(scale_length(12_000.0), 2000.0);
        assert_eq!(scale_length(60_000.0), 10_000.0);
    }

    #[test]
    fn text_in_svg_is_escaped() {
        let mut s = Svg::new(10.0, 10.0);
        s.label(
            0.0,
            0.0,
            10.0,
            "<img src=x onerror=alert(1)>",
            "normal",
            "start",
        );
        let out = s.finish();
        assert!(!out.contains("<img"), "{out}");
        assert!(out.contains("&lt;img"));
    }
}
