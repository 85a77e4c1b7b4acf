//! A PNG overview map per cluster, drawn by zdz itself (tiny-skia) in the same colours as
//! the QGIS styles: the Yangtze band and rivers, the park, the cluster by its deadline,
//! pipes by kind, outfalls by status, problems by code, and a scale bar. For people who
//! would rather look than read; `summary.json` says which file shows which cluster.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use geo::{BoundingRect, Coord, Geometry, LineString, Point, Polygon, Rect};
use tiny_skia::{Color, FillRule, Paint, PathBuilder, Pixmap, Stroke, Transform};

use super::geojson::OutFeature;
use crate::analysis::Analysis;
use crate::index::{LineIndex, PointIndex};
use crate::load::Loaded;
use crate::styles::model::{LayerStyle, Renderer, Rgba};

const SIZE: u32 = 900;

/// Category colours of a styled layer, by value.
fn palette(styles: &[LayerStyle], layer: &str) -> HashMap<String, Rgba> {
    match styles
        .iter()
        .find(|s| s.layer == layer)
        .map(|s| &s.renderer)
    {
        Some(Renderer::Categorized { categories, .. }) => categories
            .iter()
            .map(|c| (c.value.clone(), c.color))
            .collect(),
        _ => HashMap::new(),
    }
}

fn paint(c: Rgba, alpha: u8) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color(Color::from_rgba8(c[0], c[1], c[2], alpha));
    p.anti_alias = true;
    p
}

fn stroke(map: &mut Pixmap, path: &tiny_skia::Path, color: Rgba, width: f32) {
    let stroke = Stroke {
        width,
        ..Stroke::default()
    };
    map.stroke_path(
        path,
        &paint(color, 255),
        &stroke,
        Transform::identity(),
        None,
    );
}

fn fill(map: &mut Pixmap, path: &tiny_skia::Path, color: Rgba, alpha: u8) {
    map.fill_path(
        path,
        &paint(color, alpha),
        FillRule::EvenOdd,
        Transform::identity(),
        None,
    );
}

/// Working-CRS metres to pixels for one map.
struct View {
    min: Coord,
    scale: f64,
    height: f64,
}

impl View {
    fn new(extent: Rect) -> View {
        let (w, h) = (extent.width().max(1.0), extent.height().max(1.0));
        let scale = SIZE as f64 / w.max(h);
        // Centre the extent in the square image.
        let min = extent.min()
            - Coord {
                x: (SIZE as f64 / scale - w) / 2.0,
                y: (SIZE as f64 / scale - h) / 2.0,
            };
        View {
            min,
            scale,
            height: SIZE as f64,
        }
    }

    fn px(&self, c: Coord) -> (f32, f32) {
        (
            ((c.x - self.min.x) * self.scale) as f32,
            (self.height - (c.y - self.min.y) * self.scale) as f32,
        )
    }

    fn line(&self, pb: &mut PathBuilder, ls: &LineString, close: bool) {
        for (i, c) in ls.0.iter().enumerate() {
            let (x, y) = self.px(*c);
            if i == 0 {
                pb.move_to(x, y)
            } else {
                pb.line_to(x, y)
            }
        }
        if close {
            pb.close();
        }
    }

    fn polygons(&self, g: &Geometry) -> Option<tiny_skia::Path> {
        let mut pb = PathBuilder::new();
        let mut add = |p: &Polygon| {
            self.line(&mut pb, p.exterior(), true);
            for r in p.interiors() {
                self.line(&mut pb, r, true);
            }
        };
        match g {
            Geometry::Polygon(p) => add(p),
            Geometry::MultiPolygon(mp) => mp.0.iter().for_each(&mut add),
            _ => {}
        }
        pb.finish()
    }

    fn lines(&self, g: &Geometry) -> Option<tiny_skia::Path> {
        let mut pb = PathBuilder::new();
        match g {
            Geometry::LineString(ls) => self.line(&mut pb, ls, false),
            Geometry::MultiLineString(m) => m.0.iter().for_each(|ls| self.line(&mut pb, ls, false)),
            _ => {}
        }
        pb.finish()
    }

    fn dot(&self, at: Coord, r: f32) -> Option<tiny_skia::Path> {
        let (x, y) = self.px(at);
        PathBuilder::from_circle(x, y, r)
    }
}

/// Draw every cluster's overview into `dir`; returns cluster id → file name.
pub fn write(
    dir: &Path,
    loaded: &Loaded,
    analysis: &Analysis,
    styles: &[LayerStyle],
    band: &[OutFeature],
) -> Result<Vec<(String, String, f64)>> {
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let l = &loaded.layers;
    let deadline = palette(styles, "clusters");
    let pipe_kind = palette(styles, "pipes");
    let outfall_status = palette(styles, "outfalls");
    let problem_code = palette(styles, "problems");

    let pipe_geoms: Vec<Geometry> = l
        .pipes
        .iter()
        .map(|p| Geometry::LineString(p.geom.clone()))
        .collect();
    let pipes = LineIndex::new(pipe_geoms.iter().enumerate());
    let river_index = LineIndex::new(l.rivers.iter().enumerate().map(|(i, r)| (i, &r.geom)));
    let outfalls = PointIndex::new(l.outfalls.iter().enumerate().map(|(i, o)| (i, o.geom.0)));
    let problem_at: Vec<Option<Coord>> = analysis
        .problems
        .iter()
        .map(|p| {
            p.geom
                .as_ref()
                .and_then(geo::InteriorPoint::interior_point)
                .map(|pt: Point| pt.0)
        })
        .collect();
    let problems = PointIndex::new(
        problem_at
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.map(|c| (i, c))),
    );

    let mut written = Vec::new();
    for (c, r) in l.clusters.iter().zip(&analysis.clusters) {
        let Some(bbox) = c.geom.bounding_rect() else {
            continue;
        };
        let pad = bbox.width().max(bbox.height()) * 0.25 + 200.0;
        let extent = Rect::new(
            bbox.min() - Coord { x: pad, y: pad },
            bbox.max() + Coord { x: pad, y: pad },
        );
        let view = View::new(extent);
        let area = Geometry::Rect(extent);
        let radius = (extent.width().max(extent.height())) * 0.75;
        let centre = extent.center();
        let mut map = Pixmap::new(SIZE, SIZE).context("cannot allocate the map")?;
        map.fill(Color::WHITE);

        for f in band {
            if let Some(path) = f.geom.as_ref().and_then(|g| view.polygons(g)) {
                fill(&mut map, &path, [158, 202, 225, 255], 90);
            }
        }
        for (i, _) in river_index.within(&area, 0.0) {
            let river = &l.rivers[i];
            if let Some(path) = view.lines(&river.geom) {
                let (color, width) = if river.main_stem {
                    ([8, 81, 156, 255], 4.0)
                } else {
                    ([107, 174, 214, 255], 2.5)
                };
                stroke(&mut map, &path, color, width);
            }
        }
        if let Some(park) = r.park.map(|p| &l.parks[p])
            && let Some(path) = view.polygons(&Geometry::MultiPolygon(park.geom.clone()))
        {
            stroke(&mut map, &path, [84, 39, 143, 255], 2.0);
        }
        if let Some(path) = view.polygons(&Geometry::MultiPolygon(c.geom.clone())) {
            let color = deadline
                .get(&r.deadline)
                .copied()
                .unwrap_or([150, 150, 150, 255]);
            fill(&mut map, &path, color, 110);
            stroke(&mut map, &path, color, 2.5);
        }
        for (i, _) in pipes.within(&area, 0.0) {
            let pipe = &l.pipes[i];
            if let Some(path) = view.lines(&pipe_geoms[i]) {
                let color = pipe_kind
                    .get(pipe.kind.as_str())
                    .copied()
                    .unwrap_or([0, 0, 0, 255]);
                stroke(&mut map, &path, color, 1.6);
            }
        }
        for (i, _) in outfalls.within(centre, radius) {
            let status = analysis.outfalls[i].status.as_str();
            if let Some(path) = view.dot(l.outfalls[i].geom.0, 6.0) {
                let color = outfall_status
                    .get(status)
                    .copied()
                    .unwrap_or([0, 0, 0, 255]);
                fill(&mut map, &path, color, 255);
            }
        }
        for (i, _) in problems.within(centre, radius) {
            let code = analysis.problems[i].code.as_str();
            if let Some(path) = problem_at[i].and_then(|at| view.dot(at, 4.5)) {
                let color = problem_code.get(code).copied().unwrap_or([0, 0, 0, 255]);
                fill(&mut map, &path, color, 255);
                stroke(&mut map, &path, [35, 35, 35, 255], 1.0);
            }
        }
        let bar_m = scale_bar(&mut map, &view);

        let file = format!("{}.png", sanitize(&c.id));
        let png = map.encode_png().context("cannot encode the map")?;
        super::write_atomically(&dir.join(&file), &png)?;
        written.push((c.id.clone(), file, bar_m));
    }
    Ok(written)
}

/// A scale bar of a round length, bottom left; returns its length in metres.
fn scale_bar(map: &mut Pixmap, view: &View) -> f64 {
    let target = SIZE as f64 / 5.0 / view.scale;
    let metres = [50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10_000.0]
        .into_iter()
        .rfind(|m| *m <= target)
        .unwrap_or(50.0);
    let (x0, y) = (24.0_f32, SIZE as f32 - 24.0);
    let x1 = x0 + (metres * view.scale) as f32;
    let mut pb = PathBuilder::new();
    pb.move_to(x0, y - 8.0);
    pb.line_to(x0, y);
    pb.line_to(x1, y);
    pb.line_to(x1, y - 8.0);
    if let Some(path) = pb.finish() {
        stroke(map, &path, [0, 0, 0, 255], 2.5);
    }
    metres
}

/// A cluster id as a file name.
fn sanitize(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
