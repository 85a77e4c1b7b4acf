//! Where a map's labels go. Each label is tried at eight places around its symbol, right
//! first, and written at the first where its box crosses no other label, no symbol, no
//! legend or furniture and not the frame; a label with no such place is dropped, and the
//! map lists what it dropped under the figure. A text is written once per map.

use std::collections::HashSet;

/// A box in SVG pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Bounds {
    pub fn new(x0: f64, y0: f64, x1: f64, y1: f64) -> Bounds {
        Bounds { x0, y0, x1, y1 }
    }

    /// The square of half-side `r` around (x, y).
    pub fn around(x: f64, y: f64, r: f64) -> Bounds {
        Bounds::new(x - r, y - r, x + r, y + r)
    }

    fn meets(&self, o: &Bounds) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    fn inside(&self, o: &Bounds) -> bool {
        self.x0 >= o.x0 && self.x1 <= o.x1 && self.y0 >= o.y0 && self.y1 <= o.y1
    }
}

/// How wide `text` is at `size` px in the maps' CJK font: a Chinese character a full
/// em, any other about 0.6 em.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 0.6 } else { 1.0 })
        .sum::<f64>()
        * size
}

/// The box of text written at (x, y) (its baseline) with an SVG `text-anchor`.
pub fn text_bounds(x: f64, y: f64, size: f64, text: &str, anchor: &str) -> Bounds {
    let w = text_width(text, size);
    let x0 = match anchor {
        "middle" => x - w / 2.0,
        "end" => x - w,
        _ => x,
    };
    Bounds::new(x0, y - 0.9 * size, x0 + w, y + 0.25 * size)
}

/// A label asked for: its text, the point it names, how far its symbol reaches.
struct Wanted {
    text: String,
    x: f64,
    y: f64,
    reach: f64,
    size: f64,
    weight: &'static str,
}

/// A label given its place: written at (x, y) with this SVG `text-anchor`.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub x: f64,
    pub y: f64,
    pub anchor: &'static str,
    pub size: f64,
    pub weight: &'static str,
    pub text: String,
}

/// The labels of one map, placed together once everything else is drawn.
pub struct Labels {
    frame: Bounds,
    taken: Vec<Bounds>,
    wanted: Vec<Wanted>,
}

impl Labels {
    /// For a map `w` × `h` px.
    pub fn new(w: f64, h: f64) -> Labels {
        Labels {
            frame: Bounds::new(1.0, 1.0, w - 1.0, h - 1.0),
            taken: Vec::new(),
            wanted: Vec::new(),
        }
    }

    /// Something no label may cover: a symbol, the legend, the scale bar.
    pub fn keep_clear(&mut self, b: Bounds) {
        self.taken.push(b);
    }

    /// Name the symbol at (x, y) reaching `reach` px from it; labels asked for first are
    /// placed first.
    pub fn want(&mut self, text: &str, x: f64, y: f64, reach: f64, size: f64, bold: bool) {
        self.wanted.push(Wanted {
            text: text.to_string(),
            x,
            y,
            reach,
            size,
            weight: if bold { "bold" } else { "normal" },
        });
    }

    /// Every label that has a free place, placed; and the texts that had none.
    pub fn place(mut self) -> (Vec<Placed>, Vec<String>) {
        let mut placed = Vec::new();
        let mut written: HashSet<String> = HashSet::new();
        let mut dropped = Vec::new();
        for w in std::mem::take(&mut self.wanted) {
            if written.contains(&w.text) {
                continue;
            }
            let (r, s) = (w.reach + 2.0, w.size);
            // Right, left, above, below, then the four corners.
            let spots = [
                (w.x + r, w.y + 0.35 * s, "start"),
                (w.x - r, w.y + 0.35 * s, "end"),
                (w.x, w.y - r - 0.25 * s, "middle"),
                (w.x, w.y + r + 0.9 * s, "middle"),
                (w.x + r * 0.7, w.y - r * 0.7 - 0.25 * s, "start"),
                (w.x - r * 0.7, w.y - r * 0.7 - 0.25 * s, "end"),
                (w.x + r * 0.7, w.y + r * 0.7 + 0.9 * s, "start"),
                (w.x - r * 0.7, w.y + r * 0.7 + 0.9 * s, "end"),
            ];
            let free = spots.into_iter().find_map(|(x, y, anchor)| {
                let b = text_bounds(x, y, s, &w.text, anchor);
                (b.inside(&self.frame) && !self.taken.iter().any(|t| t.meets(&b)))
                    .then_some((x, y, anchor, b))
            });
            match free {
                Some((x, y, anchor, b)) => {
                    self.taken.push(b);
                    written.insert(w.text.clone());
                    placed.push(Placed {
                        x,
                        y,
                        anchor,
                        size: s,
                        weight: w.weight,
                        text: w.text,
                    });
                }
                None => {
                    if !dropped.contains(&w.text) {
                        dropped.push(w.text);
                    }
                }
            }
        }
        dropped.retain(|t| !written.contains(t));
        (placed, dropped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_moves_round_its_symbol_and_is_dropped_when_no_place_is_free() {
        let mut labels = Labels::new(200.0, 100.0);
        labels.keep_clear(Bounds::around(100.0, 50.0, 4.0));
        labels.want("甲乙", 100.0, 50.0, 4.0, 10.0, false);
        // The same place again: the right is taken, so it goes to the left.
        labels.want("丙丁", 100.0, 50.0, 4.0, 10.0, false);
        // Too long for the frame anywhere.
        labels.want(&"长".repeat(30), 100.0, 50.0, 4.0, 10.0, false);
        // Written once.
        labels.want("甲乙", 100.0, 50.0, 4.0, 10.0, false);
        let (placed, dropped) = labels.place();
        assert_eq!(dropped, vec!["长".repeat(30)]);
        let texts: Vec<(&str, &str)> = placed.iter().map(|p| (p.text.as_str(), p.anchor)).collect();
        assert_eq!(texts, vec![("甲乙", "start"), ("丙丁", "end")]);
    }
}
