//! A small map of one problem's feature on its page: the feature in red, and for an outfall
//! the pipes its upstream trace found, on the working CRS's metres with a scale bar. Drawn
//! as inline SVG, so the page needs no script and no tile to show where the problem is.

use geo::{BoundingRect, Geometry, LineString};
use maud::{Markup, html};

use crate::serve::snapshot::Snapshot;

const WIDTH: f64 = 360.0;
const HEIGHT: f64 = 240.0;
const MARGIN: f64 = 16.0;
/// The least extent drawn, in metres, so a point has some ground around it.
const MIN_SPAN_M: f64 = 200.0;

/// Metres on the ground to pixels on the sketch.
struct Frame {
    x0: f64,
    y1: f64,
    scale: f64,
}

impl Frame {
    fn fit(geoms: &[&Geometry]) -> Option<Frame> {
        let rects: Vec<_> = geoms.iter().filter_map(|g| g.bounding_rect()).collect();
        let (mut x0, mut y0, mut x1, mut y1) = rects.iter().fold(
            (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
            |(a, b, c, d), r| {
                (
                    a.min(r.min().x),
                    b.min(r.min().y),
                    c.max(r.max().x),
                    d.max(r.max().y),
                )
            },
        );
        if rects.is_empty() || !x0.is_finite() {
            return None;
        }
        for (lo, hi) in [(&mut x0, &mut x1), (&mut y0, &mut y1)] {
            let grow = (MIN_SPAN_M - (*hi - *lo)).max(0.0) / 2.0;
            *lo -= grow;
            *hi += grow;
        }
        let scale = ((WIDTH - 2.0 * MARGIN) / (x1 - x0)).min((HEIGHT - 2.0 * MARGIN) / (y1 - y0));
        // Centre the drawing.
        let x0 = x0 - ((WIDTH - 2.0 * MARGIN) / scale - (x1 - x0)) / 2.0;
        let y1 = y1 + ((HEIGHT - 2.0 * MARGIN) / scale - (y1 - y0)) / 2.0;
        Some(Frame { x0, y1, scale })
    }

    fn path(&self, line: &LineString) -> String {
        line.0
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let (x, y) = self.px(c.x, c.y);
                format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" })
            })
            .collect()
    }

    fn px(&self, x: f64, y: f64) -> (f64, f64) {
        (
            MARGIN + (x - self.x0) * self.scale,
            MARGIN + (self.y1 - y) * self.scale,
        )
    }
}

/// The lines and points of a geometry (a polygon by its rings).
fn parts(g: &Geometry) -> (Vec<LineString>, Vec<(f64, f64)>) {
    match g {
        Geometry::Point(p) => (vec![], vec![(p.x(), p.y())]),
        Geometry::MultiPoint(m) => (vec![], m.0.iter().map(|p| (p.x(), p.y())).collect()),
        Geometry::LineString(l) => (vec![l.clone()], vec![]),
        Geometry::MultiLineString(m) => (m.0.clone(), vec![]),
        Geometry::Polygon(p) => (
            std::iter::once(p.exterior().clone())
                .chain(p.interiors().iter().cloned())
                .collect(),
            vec![],
        ),
        Geometry::MultiPolygon(m) => (
            m.0.iter()
                .flat_map(|p| {
                    std::iter::once(p.exterior().clone()).chain(p.interiors().iter().cloned())
                })
                .collect(),
            vec![],
        ),
        _ => (vec![], vec![]),
    }
}

/// A round length for the scale bar, about a quarter of the sketch's width.
fn scale_bar_m(frame: &Frame) -> f64 {
    let target = (WIDTH / 4.0) / frame.scale;
    let p = 10f64.powf(target.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .rfind(|m| *m <= target)
        .unwrap_or(p)
}

/// The sketch of feature `feature_id` of `layer`, if the served snapshot has it.
pub fn problem(snapshot: &Snapshot, layer: &str, feature_id: &str) -> Option<Markup> {
    let c = snapshot.collection(layer)?;
    let feature = c.item(c.index_of(feature_id)?).working.as_ref()?;
    let trace: Vec<&Geometry> = match (
        layer,
        snapshot.traces.get(feature_id),
        snapshot.collection("pipes"),
    ) {
        ("outfalls", Some(t), Some(pipes)) => t
            .pipes
            .iter()
            .filter(|p| (**p as usize) < pipes.len())
            .filter_map(|p| pipes.item(*p as usize).working.as_ref())
            .collect(),
        _ => Vec::new(),
    };
    let all: Vec<&Geometry> = trace
        .iter()
        .copied()
        .chain(std::iter::once(feature))
        .collect();
    let frame = Frame::fit(&all)?;
    let (lines, points) = parts(feature);
    let bar = scale_bar_m(&frame);
    let bar_px = bar * frame.scale;
    let label = if bar >= 1000.0 {
        format!("{} km", bar / 1000.0)
    } else {
        format!("{bar} m")
    };
    Some(html! {
        svg.sketch xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } role="img" aria-label=(feature_id) {
            rect x="0" y="0" width=(WIDTH) height=(HEIGHT) class="ground" {}
            @for g in &trace {
                @for l in parts(g).0 { path class="trace" d=(frame.path(&l)) {} }
            }
            @for l in &lines { path class="feature" d=(frame.path(l)) {} }
            @for (x, y) in &points {
                @let (px, py) = frame.px(*x, *y);
                circle class="feature" cx=(format!("{px:.1}")) cy=(format!("{py:.1}")) r="6" {}
            }
            path class="bar" d=(format!("M{MARGIN},{y:.1}h{bar_px:.1}", y = HEIGHT - 10.0)) {}
            text x=(MARGIN) y=(HEIGHT - 14.0) class="bar" { (label) }
        }
    })
}
