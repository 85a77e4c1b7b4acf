//! Maps as SVG, in the style model's colours and with real text: a cluster's map (the
//! Yangtze band, rivers, park, the cluster filled by deadline and outlined by readiness,
//! pipes by kind, outfalls by status, problems by code, labels, legend, scale bar with its
//! length, north arrow, the data's CRS), the city overview of every cluster, and a small
//! map of one outfall's trace. Drawn in the working CRS (metres, north up).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use geo::{BoundingRect, Coord, Geometry, InteriorPoint, LineString, Polygon, Rect};

use super::labels::{Bounds, Labels, text_bounds};
use super::svg::{Svg, Swatch, diamond, rgb, scale_length, triangle};
use crate::contract::Lang;
use crate::index::{LineIndex, PointIndex};
use crate::outcome::Outcome;
use crate::styles::model::{LayerStyle, Renderer, Rgba};

/// Category colours and labels of a styled layer, by value.
fn palette(styles: &[LayerStyle], layer: &str, w: Lang) -> HashMap<String, (Rgba, String)> {
    match styles
        .iter()
        .find(|s| s.layer == layer)
        .map(|s| &s.renderer)
    {
        Some(Renderer::Categorized { categories, .. }) => categories
            .iter()
            .map(|c| (c.value.clone(), (c.color, w.pick(&c.zh, &c.en).to_string())))
            .collect(),
        _ => HashMap::new(),
    }
}

fn outline_palette(styles: &[LayerStyle], w: Lang) -> HashMap<String, (Rgba, String)> {
    styles
        .iter()
        .find(|s| s.layer == "clusters")
        .and_then(|s| s.outline.as_ref())
        .map(|o| {
            o.categories
                .iter()
                .map(|c| (c.value.clone(), (c.color, w.pick(&c.zh, &c.en).to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// The spatial indexes and palettes every map of one run shares, built once.
pub struct MapIndex<'a> {
    o: Outcome<'a>,
    pipes: LineIndex,
    pipe_geoms: Vec<Geometry>,
    rivers: LineIndex,
    outfalls: PointIndex,
    problem_at: Vec<Option<Coord>>,
    problems: PointIndex,
    band: Option<Geometry>,
    deadline: HashMap<String, (Rgba, String)>,
    readiness: HashMap<String, (Rgba, String)>,
    pipe_kind: HashMap<String, (Rgba, String)>,
    outfall_status: HashMap<String, (Rgba, String)>,
    problem_code: HashMap<String, (Rgba, String)>,
    /// The working CRS as people read it (`CGCS2000 / 3-degree Gauss-Kruger CM 108E`).
    pub crs_name: String,
    /// The language of the maps' words, and of the documents they are drawn for.
    pub lang: Lang,
}

/// Working-CRS metres to SVG pixels.
#[derive(Clone, Copy)]
struct View {
    min: Coord,
    scale: f64,
    h: f64,
    ox: f64,
    oy: f64,
}

impl View {
    fn fit(extent: Rect, w: f64, h: f64) -> View {
        let (ew, eh) = (extent.width().max(1.0), extent.height().max(1.0));
        let scale = (w / ew).min(h / eh);
        View {
            min: extent.min(),
            scale,
            h,
            ox: (w - ew * scale) / 2.0,
            oy: (h - eh * scale) / 2.0,
        }
    }

    fn px(&self, c: Coord) -> (f64, f64) {
        (
            self.ox + (c.x - self.min.x) * self.scale,
            self.h - self.oy - (c.y - self.min.y) * self.scale,
        )
    }

    fn ring(&self, ls: &LineString) -> Vec<(f64, f64)> {
        ls.0.iter().map(|c| self.px(*c)).collect()
    }

    fn polygons(&self, g: &Geometry) -> String {
        let mut d = String::new();
        let mut add = |p: &Polygon| {
            d += &Svg::path_data(&self.ring(p.exterior()), true);
            for r in p.interiors() {
                d += &Svg::path_data(&self.ring(r), true);
            }
        };
        match g {
            Geometry::Polygon(p) => add(p),
            Geometry::MultiPolygon(mp) => mp.0.iter().for_each(&mut add),
            _ => {}
        }
        d
    }

    fn lines(&self, g: &Geometry) -> String {
        match g {
            Geometry::LineString(ls) => Svg::path_data(&self.ring(ls), false),
            Geometry::MultiLineString(m) => {
                m.0.iter()
                    .map(|ls| Svg::path_data(&self.ring(ls), false))
                    .collect()
            }
            Geometry::Polygon(_) | Geometry::MultiPolygon(_) => self.polygons(g),
            _ => String::new(),
        }
    }
}

impl<'a> MapIndex<'a> {
    pub fn new(o: Outcome<'a>, lang: Lang) -> MapIndex<'a> {
        let l = &o.loaded.layers;
        let styles = crate::styles::model::styles(&o.loaded.project.deadlines);
        let pipe_geoms: Vec<Geometry> = l
            .pipes
            .iter()
            .map(|p| Geometry::LineString(p.geom.clone()))
            .collect();
        let problem_at: Vec<Option<Coord>> = o
            .analysis
            .problems
            .iter()
            .map(|p| {
                p.geom
                    .as_ref()
                    .and_then(|g| g.interior_point())
                    .map(|pt| pt.0)
            })
            .collect();
        let crs_name = crate::crs::spatial_ref(&o.loaded.working_crs)
            .ok()
            .and_then(|s| s.name())
            .map(|n| format!("{n} ({})", o.loaded.working_crs))
            .unwrap_or_else(|| o.loaded.working_crs.clone());
        MapIndex {
            pipes: LineIndex::new(pipe_geoms.iter().enumerate()),
            pipe_geoms,
            rivers: LineIndex::new(l.rivers.iter().enumerate().map(|(i, r)| (i, &r.geom))),
            outfalls: PointIndex::new(l.outfalls.iter().enumerate().map(|(i, o)| (i, o.geom.0))),
            problems: PointIndex::new(
                problem_at
                    .iter()
                    .enumerate()
                    .filter_map(|(i, c)| c.map(|c| (i, c))),
            ),
            problem_at,
            band: crate::analysis::corridor::band(&l.rivers, o.loaded.project.params.corridor_m)
                .ok()
                .flatten(),
            deadline: palette(&styles, "clusters", lang),
            readiness: outline_palette(&styles, lang),
            pipe_kind: palette(&styles, "pipes", lang),
            outfall_status: palette(&styles, "outfalls", lang),
            problem_code: palette(&styles, "problems", lang),
            crs_name,
            lang,
            o,
        }
    }

    fn color(map: &HashMap<String, (Rgba, String)>, key: &str) -> Rgba {
        map.get(key).map(|c| c.0).unwrap_or([128, 128, 128, 255])
    }

    fn entry(
        map: &HashMap<String, (Rgba, String)>,
        key: &str,
        shape: Swatch,
    ) -> (Swatch, Rgba, String) {
        let (c, label) = map
            .get(key)
            .cloned()
            .unwrap_or(([128, 128, 128, 255], key.to_string()));
        (shape, c, label)
    }

    /// Draw everything of the workspace inside `extent` (working CRS) into `svg`; the
    /// legend's entries of what was drawn.
    fn draw(
        &self,
        svg: &mut Svg,
        view: View,
        extent: Rect,
        highlight: &[usize],
        labels: &mut Labels,
    ) -> Vec<(Swatch, Rgba, String)> {
        let l = &self.o.loaded.layers;
        let a = self.o.analysis;
        let area = Geometry::Rect(extent);
        let mut legend: BTreeMap<(u8, String), (Swatch, Rgba, String)> = BTreeMap::new();
        if let Some(b) = &self.band {
            svg.path(
                &view.polygons(b),
                "#9ecae1",
                "none",
                0.0,
                r#"fill-opacity="0.45""#,
            );
            legend.insert(
                (0, "band".into()),
                (
                    Swatch::Fill,
                    [158, 202, 225, 255],
                    self.lang
                        .legend_band(self.o.loaded.project.params.corridor_m),
                ),
            );
        }
        for (i, _) in self.rivers.within(&area, 0.0) {
            let r = &l.rivers[i];
            let (c, w) = if r.main_stem {
                ("#08519c", 3.5)
            } else {
                ("#6baed6", 2.0)
            };
            svg.path(
                &view.lines(&r.geom),
                "none",
                c,
                w,
                r#"stroke-linejoin="round""#,
            );
        }
        for (i, (c, r)) in l.clusters.iter().zip(&a.clusters).enumerate() {
            let Some(bb) = c.geom.bounding_rect() else {
                continue;
            };
            if !rects_meet(&bb, &extent) {
                continue;
            }
            let fill = Self::color(&self.deadline, &r.deadline);
            let class = self.o.readiness.group(i).as_str();
            let outline = Self::color(&self.readiness, class);
            let g = Geometry::MultiPolygon(c.geom.clone());
            svg.path(
                &view.polygons(&g),
                &rgb(fill),
                &rgb(outline),
                2.5,
                r#"fill-opacity="0.45""#,
            );
            legend.insert(
                (1, r.deadline.clone()),
                Self::entry(&self.deadline, &r.deadline, Swatch::Fill),
            );
            legend.insert(
                (2, class.to_string()),
                Self::entry(&self.readiness, class, Swatch::Outline),
            );
        }
        let drawn_pipes = self.pipes.within(&area, 0.0);
        for (i, _) in &drawn_pipes {
            let kind = l.pipes[*i].kind.as_str();
            let c = Self::color(&self.pipe_kind, kind);
            let lit = highlight.contains(i);
            let stroke = if lit { "#e6007e".to_string() } else { rgb(c) };
            svg.path(
                &view.lines(&self.pipe_geoms[*i]),
                "none",
                &stroke,
                if lit { 3.5 } else { 1.3 },
                r#"stroke-linecap="round""#,
            );
            legend.insert(
                (3, kind.to_string()),
                Self::entry(&self.pipe_kind, kind, Swatch::Line),
            );
        }
        // Flow direction: an arrowhead at the middle of each pipe, when few enough to read.
        if drawn_pipes.len() <= 600 {
            for (i, _) in &drawn_pipes {
                let ls = &l.pipes[*i].geom;
                if ls.0.len() < 2 {
                    continue;
                }
                let mid = ls.0.len() / 2;
                let (p, q) = if ls.0.len() == 2 {
                    (ls.0[0], ls.0[1])
                } else {
                    (ls.0[mid - 1], ls.0[mid])
                };
                let (a1, b1) = (view.px(p), view.px(q));
                let (mx, my) = ((a1.0 + b1.0) / 2.0, (a1.1 + b1.1) / 2.0);
                let ang = (b1.1 - a1.1).atan2(b1.0 - a1.0);
                let pt = |dx: f64, dy: f64| {
                    (
                        mx + dx * ang.cos() - dy * ang.sin(),
                        my + dx * ang.sin() + dy * ang.cos(),
                    )
                };
                let d = Svg::path_data(&[pt(3.5, 0.0), pt(-2.5, 2.5), pt(-2.5, -2.5)], true);
                let c = Self::color(&self.pipe_kind, l.pipes[*i].kind.as_str());
                svg.path(&d, &rgb(c), "none", 0.0, "");
            }
        }
        let centre = extent.center();
        let radius = extent.width().max(extent.height());
        let outfalls = self
            .outfalls
            .within(centre, radius)
            .into_iter()
            .map(|(i, _)| (i, Some(l.outfalls[i].geom.0), a.outfalls[i].status.as_str()));
        let outfall_marker = Marker {
            palette: &self.outfall_status,
            shape: |x, y| triangle(x, y, 6.5),
            stroke_width: 0.8,
            reach: 6.5,
            legend_rank: 4,
            swatch: Swatch::Triangle,
            legend_prefix: self.lang.legend_outfall(),
        };
        // The problem outfalls are named.
        let label = |labels: &mut Labels, i: usize, x: f64, y: f64| {
            if !a.outfalls[i].codes.is_empty() {
                labels.want(&l.outfalls[i].id, x, y, 6.5, 11.0, false);
            }
        };
        self.markers(
            (svg, labels),
            view,
            &extent,
            outfall_marker,
            outfalls,
            &mut legend,
            label,
        );
        let problems = self
            .problems
            .within(centre, radius)
            .into_iter()
            .map(|(i, _)| (i, self.problem_at[i], a.problems[i].code.as_str()));
        let problem_marker = Marker {
            palette: &self.problem_code,
            shape: |x, y| diamond(x, y, 4.5),
            stroke_width: 0.7,
            reach: 4.5,
            legend_rank: 5,
            swatch: Swatch::Diamond,
            legend_prefix: self.lang.legend_problem(),
        };
        let unlabelled = |_: &mut Labels, _: usize, _: f64, _: f64| {};
        self.markers(
            (svg, labels),
            view,
            &extent,
            problem_marker,
            problems,
            &mut legend,
            unlabelled,
        );
        for p in &l.plants {
            if inside(&extent, p.rep) {
                let (x, y) = view.px(p.rep);
                svg.raw(&format!(r##"<rect x="{:.1}" y="{:.1}" width="10" height="10" fill="#2ca25f" stroke="#222"/>"##, x - 5.0, y - 5.0));
                labels.keep_clear(Bounds::around(x, y, 5.0));
                labels.want(p.name.as_deref().unwrap_or(&p.id), x, y, 5.0, 11.0, false);
                legend.insert(
                    (6, "plant".into()),
                    (Swatch::Square, [44, 162, 95, 255], self.lang.legend_plant()),
                );
            }
        }
        legend.into_values().collect()
    }

    /// Point markers of one layer inside `extent`, each in its class's colour, with its
    /// class in the legend; `points` are (index, place, class), and `label` may name each
    /// marker as it is drawn.
    #[allow(clippy::too_many_arguments)]
    fn markers<'p>(
        &self,
        (svg, labels): (&mut Svg, &mut Labels),
        view: View,
        extent: &Rect,
        marker: Marker,
        points: impl Iterator<Item = (usize, Option<Coord>, &'p str)>,
        legend: &mut BTreeMap<(u8, String), (Swatch, Rgba, String)>,
        mut label: impl FnMut(&mut Labels, usize, f64, f64),
    ) {
        for (i, at, class) in points {
            let Some(at) = at.filter(|at| inside(extent, *at)) else {
                continue;
            };
            let (x, y) = view.px(at);
            svg.path(
                &(marker.shape)(x, y),
                &rgb(Self::color(marker.palette, class)),
                "#222",
                marker.stroke_width,
                "",
            );
            labels.keep_clear(Bounds::around(x, y, marker.reach));
            legend
                .entry((marker.legend_rank, class.to_string()))
                .or_insert_with(|| {
                    let (swatch, color, label) = Self::entry(marker.palette, class, marker.swatch);
                    (swatch, color, format!("{}{label}", marker.legend_prefix))
                });
            label(labels, i, x, y);
        }
    }

    /// The furniture, then the labels placed around everything drawn: the map as drawn.
    fn finish(&self, mut svg: Svg, view: View, mut labels: Labels) -> Drawn {
        self.furniture(&mut svg, view, &mut labels);
        let scale_m = scale_length(svg.w / view.scale);
        let dropped = svg.labels(labels);
        Drawn {
            svg: svg.finish(),
            scale_m,
            dropped,
        }
    }

    /// Scale bar, north arrow and CRS along the frame, kept clear of labels.
    fn furniture(&self, svg: &mut Svg, view: View, labels: &mut Labels) {
        let metres = scale_length(svg.w / view.scale);
        labels.keep_clear(svg.scale_bar(18.0, svg.h - 18.0, metres * view.scale, metres));
        labels.keep_clear(svg.north_arrow(svg.w - 28.0, 20.0));
        let crs = self.lang.crs_line(&self.crs_name);
        let (x, y) = (svg.w - 10.0, svg.h - 8.0);
        svg.label(x, y, 10.0, &crs, "normal", "end");
        labels.keep_clear(text_bounds(x, y, 10.0, &crs, "end"));
    }

    /// A cluster's map, `w` × `h` px.
    pub fn cluster(&self, cluster: usize, w: f64, h: f64) -> Drawn {
        let l = &self.o.loaded.layers;
        let c = &l.clusters[cluster];
        let bb = c
            .geom
            .bounding_rect()
            .unwrap_or(Rect::new((0.0, 0.0), (1.0, 1.0)));
        // Its outfalls may stand outside it, on the bank: take them into the frame.
        let mut ext = bb;
        for (o, r) in l.outfalls.iter().zip(&self.o.analysis.outfalls) {
            if r.cluster == Some(cluster) {
                ext = union(ext, Rect::new(o.geom.0, o.geom.0));
            }
        }
        let pad = ext.width().max(ext.height()) * 0.12 + 150.0;
        let extent = grow(ext, pad);
        let view = View::fit(extent, w, h);
        let frame = frame_of(view, w, h);
        let mut svg = Svg::new(w, h);
        let mut labels = Labels::new(w, h);
        // The cluster's name first, at its centre.
        let (cx, cy) = view.px(c.rep);
        labels.want(c.name.as_deref().unwrap_or(&c.id), cx, cy, 0.0, 15.0, true);
        let legend = self.draw(&mut svg, view, frame, &[], &mut labels);
        labels.keep_clear(svg.legend(10.0, 10.0, &self.lang.legend(), &legend));
        self.finish(svg, view, labels)
    }

    /// A small map of one outfall and its upstream trace (highlighted).
    pub fn trace(&self, outfall: usize, w: f64, h: f64) -> Drawn {
        let l = &self.o.loaded.layers;
        let r = &self.o.analysis.outfalls[outfall];
        let mut ext = Rect::new(l.outfalls[outfall].geom.0, l.outfalls[outfall].geom.0);
        for p in &r.upstream_pipes {
            if let Some(b) = l.pipes[*p].geom.bounding_rect() {
                ext = union(ext, b);
            }
        }
        let extent = grow(ext, ext.width().max(ext.height()) * 0.15 + 60.0);
        let view = View::fit(extent, w, h);
        let mut svg = Svg::new(w, h);
        let mut labels = Labels::new(w, h);
        let (x, y) = view.px(l.outfalls[outfall].geom.0);
        labels.want(&l.outfalls[outfall].id, x, y, 6.5, 12.0, true);
        self.draw(
            &mut svg,
            view,
            frame_of(view, w, h),
            &r.upstream_pipes,
            &mut labels,
        );
        self.finish(svg, view, labels)
    }

    /// Every cluster, coloured by deadline, over the rivers and the band: the city map.
    /// A cluster too small to see at this scale is drawn as a dot of `MIN_SYMBOL_PX`.
    pub fn overview(&self, w: f64, h: f64, clusters: &BTreeSet<usize>) -> Drawn {
        let l = &self.o.loaded.layers;
        let mut ext: Option<Rect> = None;
        for i in clusters {
            if let Some(b) = l.clusters[*i].geom.bounding_rect() {
                ext = Some(ext.map_or(b, |e| union(e, b)));
            }
        }
        let ext = ext.unwrap_or(Rect::new((0.0, 0.0), (1000.0, 1000.0)));
        let extent = grow(ext, ext.width().max(ext.height()) * 0.05 + 2000.0);
        let view = View::fit(extent, w, h);
        let frame = frame_of(view, w, h);
        let mut svg = Svg::new(w, h);
        let mut labels = Labels::new(w, h);
        let area = Geometry::Rect(frame);
        if let Some(b) = &self.band {
            svg.path(
                &view.polygons(b),
                "#9ecae1",
                "none",
                0.0,
                r#"fill-opacity="0.45""#,
            );
        }
        for (i, _) in self.rivers.within(&area, 0.0) {
            let r = &l.rivers[i];
            let (c, wd) = if r.main_stem {
                ("#08519c", 2.5)
            } else {
                ("#6baed6", 1.4)
            };
            svg.path(&view.lines(&r.geom), "none", c, wd, "");
        }
        let mut legend: BTreeMap<String, (Swatch, Rgba, String)> = BTreeMap::new();
        let mut reach = Vec::with_capacity(clusters.len());
        for i in clusters {
            let (c, r) = (&l.clusters[*i], &self.o.analysis.clusters[*i]);
            let fill = Self::color(&self.deadline, &r.deadline);
            let (x, y) = view.px(c.rep);
            let bb = c.geom.bounding_rect().unwrap_or(Rect::new(c.rep, c.rep));
            let size = bb.width().max(bb.height()) * view.scale;
            if size < MIN_SYMBOL_PX {
                svg.raw(&format!(
                    r##"<circle cx="{x:.1}" cy="{y:.1}" r="{:.1}" fill="{}" stroke="#333" stroke-width="0.8"/>"##,
                    MIN_SYMBOL_PX / 2.0,
                    rgb(fill)
                ));
                labels.keep_clear(Bounds::around(x, y, MIN_SYMBOL_PX / 2.0));
                reach.push(MIN_SYMBOL_PX / 2.0);
            } else {
                let g = Geometry::MultiPolygon(c.geom.clone());
                svg.path(
                    &view.polygons(&g),
                    &rgb(fill),
                    &rgb(fill),
                    0.8,
                    r#"fill-opacity="0.7""#,
                );
                reach.push(size / 2.0);
            }
            legend.insert(
                r.deadline.clone(),
                Self::entry(&self.deadline, &r.deadline, Swatch::Fill),
            );
        }
        let entries: Vec<_> = legend.into_values().collect();
        labels.keep_clear(svg.legend(10.0, 10.0, &self.lang.legend_deadline(), &entries));
        if clusters.len() <= MAX_OVERVIEW_LABELS {
            for (i, r) in clusters.iter().zip(reach) {
                let c = &l.clusters[*i];
                let (x, y) = view.px(c.rep);
                labels.want(c.name.as_deref().unwrap_or(&c.id), x, y, r, 11.0, false);
            }
        }
        self.finish(svg, view, labels)
    }
}

/// The smallest a cluster is drawn on the city map, px: big enough to read its colour.
const MIN_SYMBOL_PX: f64 = 10.0;

/// Above this many clusters the city map names none (the list beside it does).
const MAX_OVERVIEW_LABELS: usize = 120;

/// A map drawn: the SVG, its scale bar's length (m), and the labels it had no room for.
pub struct Drawn {
    pub svg: String,
    pub scale_m: f64,
    pub dropped: Vec<String>,
}

impl Drawn {
    /// The caption's note of the labels left out, or nothing.
    pub fn dropped_note(&self, w: Lang) -> String {
        if self.dropped.is_empty() {
            String::new()
        } else {
            w.dropped_labels(w.list(&self.dropped))
        }
    }
}

/// How one point layer is drawn: its classes' colours, its shape, its place in the legend.
struct Marker<'a> {
    palette: &'a HashMap<String, (Rgba, String)>,
    shape: fn(f64, f64) -> String,
    stroke_width: f64,
    /// How far the symbol reaches from its point, px.
    reach: f64,
    legend_rank: u8,
    swatch: Swatch,
    /// Before each class in the legend, so an outfall's status and a problem's code of
    /// the same words (雨污混接) are told apart.
    legend_prefix: String,
}

fn inside(r: &Rect, c: Coord) -> bool {
    c.x >= r.min().x && c.x <= r.max().x && c.y >= r.min().y && c.y <= r.max().y
}

fn rects_meet(a: &Rect, b: &Rect) -> bool {
    a.min().x <= b.max().x
        && a.max().x >= b.min().x
        && a.min().y <= b.max().y
        && a.max().y >= b.min().y
}

fn union(a: Rect, b: Rect) -> Rect {
    Rect::new(
        Coord {
            x: a.min().x.min(b.min().x),
            y: a.min().y.min(b.min().y),
        },
        Coord {
            x: a.max().x.max(b.max().x),
            y: a.max().y.max(b.max().y),
        },
    )
}

fn grow(r: Rect, d: f64) -> Rect {
    Rect::new(
        r.min() - Coord { x: d, y: d },
        r.max() + Coord { x: d, y: d },
    )
}

/// The working-CRS rectangle the whole picture shows.
fn frame_of(view: View, w: f64, h: f64) -> Rect {
    let a = Coord {
        x: view.min.x - view.ox / view.scale,
        y: view.min.y - view.oy / view.scale,
    };
    Rect::new(
        a,
        a + Coord {
            x: w / view.scale,
            y: h / view.scale,
        },
    )
}
