//! `zdz demo`: build the synthetic Chongqing demo workspace around the real Natural Earth
//! rivers. Parks carry real names in their real districts; every cluster, pipe, outfall,
//! plant and enterprise is invented, labelled 示例/synthetic, and placed so that every
//! problem code of docs/rules.md occurs (see `plan`). Deterministic: the same seed gives the
//! same files.
//!
//! Geometry is laid out in metres (CGCS2000 / 3° GK CM 105°E) and written as WGS84 GeoJSON.

/// Parks, clusters and the problems each is built to show.
pub mod plan;

use std::path::Path;

use anyhow::{Context, Result, bail};
use geo::{
    Coord, Distance, Euclidean, Geometry, LineString, MultiLineString, Point, Polygon, coord,
};
use serde_json::{Value, json};

use crate::crs;
use crate::publish::geojson::{OutFeature, write};
use plan::{ClusterPlan, ParkPlan, Place};

/// The metric CRS the demo is laid out in.
const LAYOUT_EPSG: u32 = 4544;
const WIDTH: f64 = 1600.0;
const HEIGHT: f64 = 1000.0;
const NOTE: &str = "示例数据，虚构 synthetic demo data";

/// Where `--scale` copies start (south-west corner of their grid), east of the demo.
const GRID_LON: f64 = 108.8;
const GRID_LAT: f64 = 28.0;
/// A park copy's slot: up to 3 clusters side by side and the plant beside them.
const SLOT_WIDTH: f64 = 9_000.0;
const SLOT_HEIGHT: f64 = 4_000.0;
const SLOT_COLUMNS: usize = 40;

/// A cluster's local frame: u along the river, v away from it, origin on the river-side edge.
#[derive(Debug, Clone, Copy)]
struct Frame {
    origin: Coord,
    t: Coord,
    n: Coord,
}

impl Frame {
    fn at(&self, u: f64, v: f64) -> Coord {
        self.origin + self.t * u + self.n * v
    }

    fn line(&self, uv: &[(f64, f64)]) -> LineString {
        LineString(uv.iter().map(|(u, v)| self.at(*u, *v)).collect())
    }

    fn rect(&self, u0: f64, v0: f64, u1: f64, v1: f64) -> Polygon {
        Polygon::new(
            self.line(&[(u0, v0), (u1, v0), (u1, v1), (u0, v1), (u0, v0)]),
            vec![],
        )
    }
}

fn unit(c: Coord) -> Coord {
    let len = (c.x * c.x + c.y * c.y).sqrt();
    c / len
}

/// Place a cluster's frame so its nearest edge is exactly `distance_m` from the river.
fn river_frame(river: &MultiLineString, hint: Coord, distance_m: f64) -> Frame {
    let mut best: Option<(f64, Coord, Coord)> = None;
    for ls in &river.0 {
        for seg in ls.lines() {
            let d = seg.delta();
            let len2 = d.x * d.x + d.y * d.y;
            let s =
                (((hint - seg.start).x * d.x + (hint - seg.start).y * d.y) / len2).clamp(0.0, 1.0);
            let foot = seg.start + d * s;
            let dist = ((hint - foot).x.powi(2) + (hint - foot).y.powi(2)).sqrt();
            if best.is_none_or(|b| dist < b.0) {
                best = Some((dist, foot, unit(d)));
            }
        }
    }
    let (_, foot, t) = best.expect("the river has segments");
    let mut n = coord! { x: -t.y, y: t.x };
    if (hint - foot).x * n.x + (hint - foot).y * n.y < 0.0 {
        n = -n;
    }
    let mut frame = Frame {
        origin: foot + n * distance_m,
        t,
        n,
    };
    // The river bends: measure the rectangle's real distance and move it until exact.
    let river_geom = Geometry::MultiLineString(river.clone());
    for _ in 0..8 {
        let rect = Geometry::Polygon(frame.rect(-WIDTH / 2.0, 0.0, WIDTH / 2.0, HEIGHT));
        let actual = Euclidean.distance(&rect, &river_geom);
        if (actual - distance_m).abs() < 0.01 {
            break;
        }
        frame.origin = frame.origin + n * (distance_m - actual);
    }
    frame
}

/// Deterministic attribute values.
struct Gen {
    rng: fastrand::Rng,
    /// Laying out a `--scale` copy (not the demo itself): see `generate`.
    copy: bool,
    /// The current cluster's enterprises carry their survey answers (雨污分流, 初期雨水).
    answers: bool,
    /// …all but its first enterprise's.
    answers_behind: bool,
}

const INDUSTRIES: &[&str] = &[
    "化工",
    "医药",
    "电子",
    "汽车零部件",
    "食品",
    "金属表面处理",
    "纺织印染",
    "装备制造",
];

fn feature(id: String, geom: Option<Geometry>, props: Value) -> OutFeature {
    let Value::Object(mut properties) = props else {
        unreachable!("props are built with json!({{…}})")
    };
    properties.insert("note".into(), json!(NOTE));
    OutFeature {
        id,
        geom,
        properties,
    }
}

#[derive(Default)]
struct Out {
    parks: Vec<OutFeature>,
    clusters: Vec<OutFeature>,
    enterprises: Vec<OutFeature>,
    pipes: Vec<OutFeature>,
    outfalls: Vec<OutFeature>,
    plants: Vec<OutFeature>,
    /// Rows of `inspections.csv`: outfall, date, weather, flowing, COD, NH3-N, inspector, note.
    inspections: Vec<[String; 8]>,
}

/// The cluster questions in the order `Roles::answers_missing` leaves them out, with the
/// demo's answer to each.
const CLUSTER_ANSWERS: [(&str, &str); 7] = [
    ("在线监控", "是"),
    ("责任主体", "园区管委会（示例）"),
    ("建设方案", "是"),
    ("一企一档", "是"),
    ("运维合同", "是"),
    ("巡查制度", "是"),
    ("巴渝治水", "是"),
];

/// A cluster's manual answers as properties: all but the first `missing`.
fn cluster_answers(roles: &plan::Roles) -> serde_json::Map<String, Value> {
    let missing = if roles.paperwork_none {
        CLUSTER_ANSWERS.len()
    } else {
        roles.answers_missing as usize
    };
    CLUSTER_ANSWERS
        .iter()
        .enumerate()
        .map(|(i, (k, v))| {
            (
                k.to_string(),
                if i < missing { Value::Null } else { json!(v) },
            )
        })
        .collect()
}

/// `inspections.csv`: a plain table (no geometry), Chinese headers, dates as bureaus type
/// them.
fn write_inspections(path: &Path, rows: &[[String; 8]]) -> Result<()> {
    let mut text = String::from("排口编号,检查日期,天气,是否有水,COD,氨氮,检查人,备注\n");
    for row in rows {
        text += &row.join(",");
        text.push('\n');
    }
    std::fs::write(path, text).with_context(|| format!("{}: cannot write", path.display()))
}

/// A pipe's invert levels as the survey gives them (m): 240 m at the foot of the cluster,
/// rising 4 m per kilometre up the frame and 2 m per kilometre out from its axis, so every
/// pipe falls towards the trunks and the outfalls.
fn invert(u: f64, v: f64) -> f64 {
    240.0 + 0.004 * v + 0.002 * u.abs()
}

/// Survey levels rounded to the millimetre.
fn mm(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// What a pipe carries beside its geometry: its diameter, and its levels when surveyed.
struct Size {
    diameter: u32,
    levels: Option<(f64, f64)>,
}

impl Gen {
    fn pipe(&mut self, out: &mut Out, id: String, kind: &str, geom: Option<LineString>) {
        let diameter = match kind {
            "雨水" => 600,
            _ => 300,
        };
        self.sized_pipe(
            out,
            id,
            kind,
            geom,
            Size {
                diameter,
                levels: None,
            },
        );
    }

    fn sized_pipe(
        &mut self,
        out: &mut Out,
        id: String,
        kind: &str,
        geom: Option<LineString>,
        size: Size,
    ) {
        let r = self.rng.f64();
        let grade = if r < 0.03 {
            json!(self.rng.u8(3..=4))
        } else if r < 0.12 {
            json!(self.rng.u8(1..=2))
        } else {
            Value::Null
        };
        // Drawn as before the demo had sizes, so every other random choice stays the same.
        self.rng.u32(0..4);
        let mut props = json!({ "pipe_id": id, "kind": kind, "diameter_mm": size.diameter, "defect_grade": grade });
        if let Some((from, to)) = size.levels {
            props["from_invert_m"] = json!(mm(from));
            props["to_invert_m"] = json!(mm(to));
        }
        out.pipes
            .push(feature(id.clone(), geom.map(Geometry::LineString), props));
    }

    /// A chain of pipes through the given vertices, flowing from first to last, with the
    /// levels of `invert` and diameters growing by 100 mm every third pipe from the
    /// kind's smallest (DN300 sewers, DN600 storm pipes).
    fn chain(&mut self, out: &mut Out, frame: &Frame, prefix: &str, kind: &str, uv: &[(f64, f64)]) {
        self.surveyed_chain(out, frame, prefix, kind, uv, |_, size| size, false);
    }

    /// A chain whose pipe sizes `adjust` changes (by pipe number from 1), surveyed from
    /// its lower end when `upwards` (each pipe drawn, and its levels given, the other way).
    #[allow(clippy::too_many_arguments)]
    fn surveyed_chain(
        &mut self,
        out: &mut Out,
        frame: &Frame,
        prefix: &str,
        kind: &str,
        uv: &[(f64, f64)],
        adjust: impl Fn(usize, Size) -> Size,
        upwards: bool,
    ) {
        let smallest = if kind == "雨水" { 600 } else { 300 };
        for (i, pair) in uv.windows(2).enumerate() {
            let size = adjust(
                i + 1,
                Size {
                    diameter: smallest + 100 * (i / 3) as u32,
                    levels: Some((invert(pair[0].0, pair[0].1), invert(pair[1].0, pair[1].1))),
                },
            );
            let (pair, size) = if upwards {
                let levels = size.levels.map(|(a, b)| (b, a));
                ([pair[1], pair[0]], Size { levels, ..size })
            } else {
                ([pair[0], pair[1]], size)
            };
            self.sized_pipe(
                out,
                format!("{prefix}{:02}", i + 1),
                kind,
                Some(frame.line(&pair)),
                size,
            );
        }
    }

    fn enterprise(
        &mut self,
        out: &mut Out,
        id: String,
        geom: Geometry,
        connected: bool,
        k: usize,
    ) -> f64 {
        // The survey answers: given unless the cluster's survey is behind (then its first
        // enterprise has none) or has not begun.
        let answered = self.answers && !(self.answers_behind && k == 1);
        let yes = if answered { json!("是") } else { Value::Null };
        let industry = INDUSTRIES[self.rng.usize(0..INDUSTRIES.len())];
        let tpd = (20 + self.rng.u32(0..780)) as f64;
        // A few volumes written as bureaus do, with separators and units.
        let volume = match k % 7 {
            3 => json!(format!("{tpd}吨/日")),
            _ => json!(tpd),
        };
        let code = format!("91500000MA{:08X}", self.rng.u32(..));
        out.enterprises.push(feature(
            id.clone(),
            Some(geom),
            json!({
                "企业编号": id,
                "企业名称": format!("示例{industry}企业{k:02}（虚构）"),
                "信用代码": code,
                "行业": industry,
                "废水量": volume,
                "纳管": if connected { "是" } else { "否" },
                "许可证号": format!("{code}001P"),
                "雨污分流": yes,
                "初期雨水": yes,
            }),
        ));
        tpd
    }

    /// How many enterprises a cluster's plan puts in it: two and a half times as many in a
    /// copy.
    fn enterprises(&self, plan: &ClusterPlan) -> usize {
        if self.copy {
            plan.enterprises * 5 / 2
        } else {
            plan.enterprises
        }
    }

    /// Networks, enterprises and outfalls of one cluster; returns its wastewater in t/d.
    fn cluster(
        &mut self,
        out: &mut Out,
        cid: &str,
        plan: &ClusterPlan,
        frame: &Frame,
        water: &str,
    ) -> f64 {
        let r = plan.roles;
        self.answers = !r.paperwork_none;
        self.answers_behind = r.answers_missing > 0;
        // Sewer trunk down the middle, branches joining it at its vertices.
        let trunk: Vec<(f64, f64)> = [900., 800., 700., 600., 500., 400., 300., 200., 100., 30.]
            .iter()
            .map(|v| (0.0, *v))
            .collect();
        // The trunk takes the branches' DN300 from its first pipe.
        let survey = r.survey_defects;
        let trunk_size = move |i: usize, size: Size| match i {
            5 if survey => Size {
                levels: size.levels.map(|(a, b)| (a + 0.08, b)),
                diameter: 500,
            },
            6 if survey => Size {
                diameter: 400,
                ..size
            },
            _ => Size {
                diameter: 400 + 100 * ((i - 1) / 3) as u32,
                ..size
            },
        };
        self.surveyed_chain(
            out,
            frame,
            &format!("{cid}-WS"),
            "污水",
            &trunk,
            trunk_size,
            false,
        );
        for (j, v) in [200., 400., 600., 800.].iter().enumerate() {
            for (s, side) in [(-1.0, "W"), (1.0, "E")] {
                let uv: Vec<(f64, f64)> = [700., 525., 350., 175., 0.]
                    .iter()
                    .map(|u| (s * u, *v))
                    .collect();
                let upwards = survey && j == 0 && side == "W";
                // Branches stay DN300 where they join the trunk.
                self.surveyed_chain(
                    out,
                    frame,
                    &format!("{cid}-WB{}{side}", j + 1),
                    "污水",
                    &uv,
                    |_, size| Size {
                        diameter: 300,
                        ..size
                    },
                    upwards,
                );
            }
        }
        // Two storm trunks to two storm outfalls, each with a branch.
        for (s, side) in [(-1.0, "W"), (1.0, "E")] {
            let mut uv: Vec<(f64, f64)> = (0..10)
                .map(|k| (s * 400.0, 950.0 - 100.0 * k as f64))
                .collect();
            uv.push((s * 400.0, 10.0));
            self.chain(out, frame, &format!("{cid}-YS{side}"), "雨水", &uv);
            self.chain(
                out,
                frame,
                &format!("{cid}-YB{side}"),
                "雨水",
                &[(s * 700.0, 550.0), (s * 550.0, 550.0), (s * 400.0, 550.0)],
            );
            let id = format!("{cid}-YS{}", if s < 0.0 { 1 } else { 2 });
            self.outfall(out, &id, "雨水", frame.at(s * 400.0, -5.0), water, None);
        }

        let mut tpd = 0.0;
        let slots: Vec<(f64, f64)> = [200., 400., 600., 800.]
            .iter()
            .flat_map(|v| [-600., -450., -250., 250., 450., 600.].map(move |u| (u, v + 40.0)))
            .collect();
        let enterprises = self.enterprises(plan);
        for k in 0..enterprises {
            let (u, v) = slots[k % slots.len()];
            let geom = if k % 4 == 3 {
                Geometry::Polygon(frame.rect(u - 30.0, v - 15.0, u + 30.0, v + 25.0))
            } else {
                Geometry::Point(Point(frame.at(u, v)))
            };
            let connected = !(r.not_connected_enterprise && k == 0);
            tpd += self.enterprise(out, format!("{cid}-E{:02}", k + 1), geom, connected, k + 1);
        }

        if self.copy {
            // Five more storm sewers, each to its own outfall, between the trunks and
            // below the first branch.
            for (n, u) in [-520.0, -150.0, 150.0, 300.0, 520.0]
                .into_iter()
                .enumerate()
            {
                self.chain(
                    out,
                    frame,
                    &format!("{cid}-YC{}", n + 1),
                    "雨水",
                    &[(u, 180.0), (u, 95.0), (u, 10.0)],
                );
                let id = format!("{cid}-YC{}", n + 1);
                self.outfall(out, &id, "雨水", frame.at(u, -5.0), water, None);
            }
        }

        // Each illegal connection has an enterprise beside it, so its trace names a source.
        let source = |g: &mut Gen, out: &mut Out, n: usize, u: f64, v: f64| {
            let k = enterprises + n;
            g.enterprise(
                out,
                format!("{cid}-E{k:02}"),
                Geometry::Point(Point(frame.at(u, v))),
                true,
                k,
            )
        };
        if r.cross_connection {
            // An enterprise's sewer joined to the storm trunk three pipes above its outfall.
            self.pipe(
                out,
                format!("{cid}-WS-X1"),
                "污水",
                Some(frame.line(&[(560.0, 330.0), (400.0, 350.0)])),
            );
            tpd += source(self, out, 4, 575.0, 318.0);
        }
        if r.sewage_outfall {
            self.chain(
                out,
                frame,
                &format!("{cid}-WP"),
                "污水",
                &[(-650.0, 250.0), (-650.0, 120.0), (-650.0, 10.0)],
            );
            self.outfall(
                out,
                &format!("{cid}-PW1"),
                "污水",
                frame.at(-650.0, -5.0),
                water,
                None,
            );
            tpd += source(self, out, 5, -635.0, 175.0);
        }
        if r.combined_outfall {
            self.chain(
                out,
                frame,
                &format!("{cid}-HL"),
                "合流",
                &[(650.0, 300.0), (650.0, 150.0), (650.0, 10.0)],
            );
            self.outfall(
                out,
                &format!("{cid}-HL1"),
                "合流",
                frame.at(650.0, -5.0),
                water,
                None,
            );
            tpd += source(self, out, 6, 680.0, 100.0);
        }
        if r.unmatched_outfall {
            self.outfall(
                out,
                &format!("{cid}-YS9"),
                "雨水",
                frame.at(-780.0, -40.0),
                water,
                None,
            );
        }
        if r.uncovered_enterprise {
            let k = enterprises + 1;
            tpd += self.enterprise(
                out,
                format!("{cid}-E{k:02}"),
                Geometry::Point(Point(frame.at(-760.0, 985.0))),
                true,
                k,
            );
        }
        if r.enterprise_outside {
            let k = enterprises + 2;
            let at = Geometry::Point(Point(frame.at(WIDTH / 2.0 + 200.0, 500.0)));
            self.enterprise(out, format!("{cid}-E{k:02}"), at, true, k);
        }
        if r.bow_tie_site {
            let k = enterprises + 3;
            let bow_tie = Polygon::new(
                frame.line(&[
                    (220.0, 680.0),
                    (280.0, 720.0),
                    (220.0, 720.0),
                    (280.0, 680.0),
                    (220.0, 680.0),
                ]),
                vec![],
            );
            tpd += self.enterprise(
                out,
                format!("{cid}-E{k:02}"),
                Geometry::Polygon(bow_tie),
                true,
                k,
            );
        }
        if r.pipe_without_geometry {
            self.pipe(out, format!("{cid}-WS99"), "污水", None);
        }
        if !self.copy && !r.paperwork_none && !r.uninspected {
            self.inspect(out, cid, &r);
        }
        tpd
    }

    /// Field inspections of the cluster's two storm outfalls: dry in dry weather, with the
    /// cases the plan asks for. Dates are written the several ways bureaus write them.
    fn inspect(&mut self, out: &mut Out, cid: &str, r: &plan::Roles) {
        // Not from the generator's random stream: the other layers stay as they were.
        let who = ["张工", "李工", "王工"][cid.len() % 3];
        let mut row = |outfall: String,
                       date: &str,
                       weather: &str,
                       flowing: &str,
                       cod: &str,
                       nh3n: &str,
                       note: &str| {
            out.inspections.push([
                outfall,
                date.into(),
                weather.into(),
                flowing.into(),
                cod.into(),
                nh3n.into(),
                who.into(),
                note.into(),
            ]);
        };
        let (ys1, ys2) = (format!("{cid}-YS1"), format!("{cid}-YS2"));
        if r.dry_flow_cleared {
            row(
                ys1.clone(),
                "2025/3/1",
                "晴",
                "是",
                "",
                "",
                "晴天有水，已通知整改（示例）",
            );
        }
        if r.dry_flow {
            row(ys1.clone(), "2025-02-10", "多云", "否", "", "", "");
            row(ys1, "2025-04-08", "晴", "是", "", "", "晴天有水（示例）");
        } else {
            row(ys1, "2025年4月8日", "晴", "否", "", "", "");
        }
        row(ys2.clone(), "2025-04-08", "阴", "否", "", "", "");
        if r.polluted_storm {
            row(
                ys2,
                "2025-05-20",
                "中雨",
                "是",
                "85",
                "4.2",
                "雨天采样超标（示例）",
            );
        } else {
            row(
                ys2,
                "2025-05-20",
                "小雨",
                "是",
                "18",
                "0.6",
                "雨天采样（示例）",
            );
        }
    }

    fn outfall(
        &mut self,
        out: &mut Out,
        id: &str,
        kind: &str,
        at: Coord,
        water: &str,
        plant: Option<&str>,
    ) {
        out.outfalls.push(feature(
            id.to_string(),
            Some(Geometry::Point(Point(at))),
            json!({
                "outfall_id": id,
                "name": format!("{id}排口（示例）"),
                "kind": kind,
                "receiving_water": water,
                "plant_id": plant,
            }),
        ));
    }

    fn park(&mut self, out: &mut Out, park: &ParkPlan, pid: &str, frames: &[Frame]) {
        let mut corners: Vec<Coord> = Vec::new();
        let mut tpd = 0.0;
        let plant_frame = frames[0];
        let plant_at = plant_frame.at(-WIDTH / 2.0 - 200.0, 100.0);
        let plant_id = format!("{pid}-WWTP");
        if self.copy {
            // A copy's park is one cluster over all its blocks (and the gaps between).
            let cid = format!("{pid}-{}", park.clusters[0].suffix);
            let (first, last) = (frames[0], frames[frames.len() - 1]);
            let outline: Vec<Coord> = [
                first.at(-WIDTH / 2.0, 0.0),
                last.at(WIDTH / 2.0, 0.0),
                last.at(WIDTH / 2.0, HEIGHT),
                first.at(-WIDTH / 2.0, HEIGHT),
                first.at(-WIDTH / 2.0, 0.0),
            ]
            .to_vec();
            corners.extend(outline.iter().copied());
            out.clusters.push(feature(
                cid.clone(),
                Some(Geometry::Polygon(Polygon::new(LineString(outline), vec![]))),
                {
                    let mut props = cluster_answers(&plan::Roles::default());
                    props.extend([
                        ("组团编号".to_string(), json!(cid)),
                        ("园区编号".to_string(), json!(pid)),
                        (
                            "组团名称".to_string(),
                            json!(format!("{}组团（示例）", park.name)),
                        ),
                        (
                            "示范".to_string(),
                            json!(if park.clusters.iter().any(|c| c.roles.demo) {
                                "是"
                            } else {
                                "否"
                            }),
                        ),
                    ]);
                    Value::Object(props)
                },
            ));
        }
        for (plan, frame) in park.clusters.iter().zip(frames) {
            let cid = format!("{pid}-{}", plan.suffix);
            let water = match plan.place {
                Place::River { river, .. } => river,
                Place::Free { .. } => "就近支流（示例）",
            };
            if !self.copy {
                let rect = frame.rect(-WIDTH / 2.0, 0.0, WIDTH / 2.0, HEIGHT);
                corners.extend(rect.exterior().0.iter().copied());
                out.clusters
                    .push(feature(cid.clone(), Some(Geometry::Polygon(rect)), {
                        let mut props = cluster_answers(&plan.roles);
                        props.extend([
                            ("组团编号".to_string(), json!(cid)),
                            ("园区编号".to_string(), json!(pid)),
                            (
                                "组团名称".to_string(),
                                json!(format!("{}{}（示例）", park.name, plan.name)),
                            ),
                            (
                                "示范".to_string(),
                                json!(if plan.roles.demo { "是" } else { "否" }),
                            ),
                        ]);
                        Value::Object(props)
                    }));
            }
            tpd += self.cluster(out, &cid, plan, frame, water);
            if !plan.roles.no_plant_link {
                // Transfer main from the trunk's end, out along the river side of the
                // cluster (so it reaches no enterprise on the way), to the park's plant.
                let end = plant_at + plant_frame.t * 15.0;
                let to_plant = end - frame.origin;
                let side = if to_plant.x * frame.t.x + to_plant.y * frame.t.y < 0.0 {
                    -1.0
                } else {
                    1.0
                };
                let path = vec![
                    frame.at(0.0, 30.0),
                    frame.at(0.0, -100.0),
                    frame.at(side * (WIDTH / 2.0 + 100.0), -100.0),
                    end,
                ];
                // The transfer main is as wide as the trunk's last pipe.
                let size = Size {
                    diameter: 600,
                    levels: None,
                };
                self.sized_pipe(
                    out,
                    format!("{cid}-WS-T"),
                    "污水",
                    Some(LineString(path)),
                    size,
                );
            }
        }
        let capacity = ((tpd * 1.4 / 500.0).ceil() * 500.0).max(1000.0);
        let inflow = if park.plant_overloaded {
            (capacity * 1.18).round()
        } else {
            (tpd * 0.9).round()
        };
        out.plants.push(feature(
            plant_id.clone(),
            Some(Geometry::Point(Point(plant_at))),
            json!({
                "污水厂编号": plant_id,
                "名称": format!("{}污水处理厂（示例）", park.name),
                "设计规模": capacity,
                "实际处理量": inflow,
            }),
        ));
        let water = match park.clusters[0].place {
            Place::River { river, .. } => river,
            Place::Free { .. } => "就近支流（示例）",
        };
        self.outfall(
            out,
            &format!("{pid}-DW1"),
            "污水厂",
            plant_frame.at(-WIDTH / 2.0 - 200.0, 40.0),
            water,
            Some(&plant_id),
        );

        let xs = corners.iter().map(|c| c.x);
        let ys = corners.iter().map(|c| c.y);
        let (x0, x1) = (
            xs.clone().fold(f64::MAX, f64::min) - 300.0,
            xs.fold(f64::MIN, f64::max) + 300.0,
        );
        let (y0, y1) = (
            ys.clone().fold(f64::MAX, f64::min) - 300.0,
            ys.fold(f64::MIN, f64::max) + 300.0,
        );
        // The plant lies beside the first cluster: keep it inside the park.
        let (x0, x1) = (x0.min(plant_at.x - 100.0), x1.max(plant_at.x + 100.0));
        let (y0, y1) = (y0.min(plant_at.y - 100.0), y1.max(plant_at.y + 100.0));
        out.parks.push(feature(
            pid.to_string(),
            Some(Geometry::Polygon(Polygon::new(
                LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
                vec![],
            ))),
            json!({
                "park_id": pid,
                "name": park.name,
                "level": if park.national { "国家级" } else { "省级" },
                "district": park.district,
            }),
        ));
    }
}

/// Natural Earth's 1:10m river centrelines through Chongqing (Yangtze, Jialing, Wu; public
/// domain, `data/README.md`), built in so that `zdz demo` runs from any folder and from the
/// installed package.
pub const BUILTIN_RIVERS: &[u8] = include_bytes!("chongqing_rivers_ne10m.geojson");

/// The rivers file's bytes and the name errors give it: `path`, else the built-in rivers.
fn rivers_source(path: Option<&Path>) -> Result<(String, Vec<u8>)> {
    match path {
        Some(p) => Ok((
            p.display().to_string(),
            std::fs::read(p).with_context(|| format!("{}: cannot read", p.display()))?,
        )),
        None => Ok(("built-in rivers".into(), BUILTIN_RIVERS.to_vec())),
    }
}

/// River centrelines by Chinese name, in the layout CRS.
fn read_rivers(source: &str, bytes: &[u8]) -> Result<Vec<(String, MultiLineString)>> {
    let text = std::str::from_utf8(bytes).with_context(|| format!("{source}: not UTF-8"))?;
    let fc: geojson::FeatureCollection = text
        .parse()
        .with_context(|| format!("{source}: not GeoJSON"))?;
    let to_layout = crs::transform(&crs::wgs84(), &crs::epsg(LAYOUT_EPSG))?;
    let mut rivers = Vec::new();
    for f in fc.features {
        let name = f
            .property("name_zh")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let Some(g) = f.geometry else { continue };
        let mut geom: Geometry = g
            .try_into()
            .with_context(|| format!("{source}: river {name}"))?;
        crs::reproject(&mut geom, &to_layout)?;
        let mls = match geom {
            Geometry::MultiLineString(m) => m,
            Geometry::LineString(l) => MultiLineString(vec![l]),
            _ => continue,
        };
        rivers.push((name, mls));
    }
    Ok(rivers)
}

/// Write the demo workspace's layers into `out` (which must exist), from the rivers file.
///
/// `scale` copies of the plan are laid out, ids suffixed by the copy number (copy 0 is the
/// demo itself): each later park copy in its own 9 km × 4 km slot of a grid, 40 slots wide,
/// starting at 108.8°E 28°N, east of the demo, with its clusters' blocks side by side.
/// Copies never overlap; corridor membership follows where a slot falls against the real
/// Yangtze.
///
/// A copy has the density of issue 6's national profile (about 10,000 clusters, 2,000,000
/// pipes, 200,000 outfalls and 500,000 enterprises): a park copy is one cluster over all
/// its blocks, each block with two and a half times the plan's enterprises and five more
/// storm sewers to their own outfalls. A copy then holds 11 clusters, 1,679 pipes, 170
/// outfalls and 427 enterprises: 60 copies hold about 100,000 pipes, 1,191 about
/// 2,000,000 (13,112 clusters, 202,000 outfalls, 508,000 enterprises).
pub fn generate(rivers_path: Option<&Path>, out: &Path, seed: u64, scale: usize) -> Result<()> {
    let (rivers_name, rivers) = rivers_source(rivers_path)?;
    let river_lines = read_rivers(&rivers_name, &rivers)?;
    let to_layout = crs::transform(&crs::wgs84(), &crs::epsg(LAYOUT_EPSG))?;
    let mut generator = Gen {
        rng: fastrand::Rng::with_seed(seed),
        copy: false,
        answers: true,
        answers_behind: false,
    };
    let mut layers = Out::default();
    let plans = plan::chongqing();
    let mut grid_origin = Geometry::Point(Point::new(GRID_LON, GRID_LAT));
    crs::reproject(&mut grid_origin, &to_layout)?;
    let Geometry::Point(grid_origin) = grid_origin else {
        unreachable!()
    };
    let grid_origin = grid_origin.0;
    for (copy, (park_index, park)) in
        (0..scale.max(1)).flat_map(|k| plans.iter().enumerate().map(move |p| (k, p)))
    {
        let frames = park
            .clusters
            .iter()
            .map(|c| {
                let (lon, lat) = match c.place {
                    Place::River { lon, lat, .. } | Place::Free { lon, lat } => (lon, lat),
                };
                let mut hint = Geometry::Point(Point::new(lon, lat));
                crs::reproject(&mut hint, &to_layout)?;
                let Geometry::Point(hint) = hint else {
                    unreachable!()
                };
                Ok(match c.place {
                    Place::River {
                        river, distance_m, ..
                    } => {
                        let Some((_, line)) = river_lines.iter().find(|(n, _)| n == river) else {
                            bail!("{rivers_name}: no river named {river}");
                        };
                        river_frame(line, hint.0, distance_m)
                    }
                    Place::Free { .. } => Frame {
                        origin: hint.0 - coord! { x: 0.0, y: HEIGHT / 2.0 },
                        t: coord! { x: 1.0, y: 0.0 },
                        n: coord! { x: 0.0, y: 1.0 },
                    },
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let frames = if copy == 0 {
            frames
        } else {
            // Later copies: each park in its own slot of a grid east of the demo, its
            // clusters side by side, so no copy overlaps another.
            let slot = (copy - 1) * plans.len() + park_index;
            let origin = grid_origin
                + coord! {
                    x: (slot % SLOT_COLUMNS) as f64 * SLOT_WIDTH,
                    y: (slot / SLOT_COLUMNS) as f64 * SLOT_HEIGHT,
                };
            (0..frames.len())
                .map(|j| Frame {
                    origin: origin + coord! { x: j as f64 * (WIDTH + 600.0), y: 0.0 },
                    t: coord! { x: 1.0, y: 0.0 },
                    n: coord! { x: 0.0, y: 1.0 },
                })
                .collect()
        };
        let pid = if copy == 0 {
            park.id.to_string()
        } else {
            format!("{}{copy}", park.id)
        };
        generator.copy = copy > 0;
        generator.park(&mut layers, park, &pid, &frames);
    }

    let to_wgs84 = crs::transform(&crs::epsg(LAYOUT_EPSG), &crs::wgs84())?;
    for (name, features) in [
        ("parks", layers.parks),
        ("clusters", layers.clusters),
        ("enterprises", layers.enterprises),
        ("pipes", layers.pipes),
        ("outfalls", layers.outfalls),
        ("plants", layers.plants),
    ] {
        write(&out.join(format!("{name}.geojson")), &features, &to_wgs84)?;
    }
    write_inspections(&out.join("inspections.csv"), &layers.inspections)?;
    // Copy the bytes, not the permissions: a rivers file given may be read-only.
    std::fs::write(out.join("rivers.geojson"), rivers)?;
    write_districts(&out.join("districts.geojson"))?;
    Ok(())
}

/// Chongqing's 38 districts and counties as an Amap export has them (GCJ-02; simplified to
/// about 80 m from tests/data/districts, GaryBikini/ChinaAdminDivisonSHP, MIT).
const GCJ02_DISTRICTS: &str = include_str!("chongqing_districts_gcj02.geojson");

/// The districts, corrected from GCJ-02 to WGS84 as zdz corrects a tagged layer, with
/// their names and codes.
fn write_districts(path: &Path) -> Result<()> {
    let fc: geojson::FeatureCollection = GCJ02_DISTRICTS
        .parse()
        .context("the built-in districts are GeoJSON")?;
    let mut features = Vec::with_capacity(fc.features.len());
    for f in fc.features {
        let Some(g) = f.geometry else { continue };
        let mut geom: Geometry = g.try_into().context("a district's geometry")?;
        crs::to_wgs84_from_tag(&mut geom, crate::project::CoordTag::Gcj02);
        let props = f.properties.unwrap_or_default();
        features.push(json!({
            "type": "Feature",
            "properties": {
                "name": props.get("name"),
                "adcode": props.get("adcode"),
                "note": "区县界：高德 GCJ-02 数据纠偏至 WGS84 (Amap boundaries corrected to WGS84)",
            },
            "geometry": geojson::Geometry::new(geojson::GeometryValue::from(&geom)),
        }));
    }
    let text =
        serde_json::to_string(&json!({ "type": "FeatureCollection", "features": features }))?;
    std::fs::write(path, text).with_context(|| format!("{}: cannot write", path.display()))
}
