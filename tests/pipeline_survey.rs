//! Networks as a pipeline survey (管线普查) delivers them: a 管点 table of points with the
//! surveyor's X (north) and Y (east), a 管线 table naming each line's end points, and the
//! levels that decide the flow (docs/workspace.md, docs/rules.md "Flow").

mod common;

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use common::*;
use geo::Coord;
use zdz::analysis::{Analysis, analyze};
use zdz::load::Loaded;

/// A survey point: id, east and north in metres from the fixtures' origin, ground level.
type Point3 = (&'static str, f64, f64, f64);

/// A survey line: id, start point, end point, kind code, DN, and its levels at start and
/// end, as inverts (`管底高程`) or as depths below the points' ground (`埋深`).
struct Row {
    id: &'static str,
    from: &'static str,
    to: &'static str,
    kind: &'static str,
    dn: Option<f64>,
    levels: Levels,
}

enum Levels {
    Inverts(f64, f64),
    Depths(f64, f64),
    None,
}

/// Write a survey workspace: 管点.csv in the surveying order (X = northing) with the zone's
/// `.prj`, 管线.csv, and one storm outfall at `outfall` (east, north) as lon/lat CSV.
fn survey(dir: &Path, points: &[Point3], rows: &[Row], outfall: (f64, f64)) {
    let mut text = String::from("物探点号,X坐标,Y坐标,地面高程,附属物\n");
    for (id, e, n, ground) in points {
        writeln!(text, "{id},{:.3},{:.3},{ground},检查井", Y0 + n, X0 + e).unwrap();
    }
    std::fs::write(dir.join("管点.csv"), text).unwrap();
    let wkt = zdz::crs::epsg(4545).to_wkt().unwrap();
    std::fs::write(dir.join("管点.prj"), wkt).unwrap();
    let mut text = String::from(
        "管线编号,起点点号,终点点号,类别,管径,起点管底高程,终点管底高程,起点埋深,终点埋深\n",
    );
    for r in rows {
        let (a, b, c, d) = match r.levels {
            Levels::Inverts(a, b) => (a.to_string(), b.to_string(), String::new(), String::new()),
            Levels::Depths(c, d) => (String::new(), String::new(), c.to_string(), d.to_string()),
            Levels::None => Default::default(),
        };
        let dn = r.dn.map(|d| d.to_string()).unwrap_or_default();
        writeln!(
            text,
            "{},{},{},{},{dn},{a},{b},{c},{d}",
            r.id, r.from, r.to, r.kind
        )
        .unwrap();
    }
    std::fs::write(dir.join("管线.csv"), text).unwrap();
    let mut outfalls = Layer::new("outfalls", &["outfall_id", "kind"]);
    outfalls.add(&["YS1", "storm"], pt(outfall.0, outfall.1));
    write_csv(dir, "排口.csv", &outfalls, "lon", "lat");
}

fn run(dir: &Path) -> (Loaded, Analysis) {
    let loaded = zdz::run::load(dir.to_str().unwrap(), None).unwrap().loaded;
    let analysis = analyze(&loaded.layers, &loaded.project);
    (loaded, analysis)
}

/// (code, layer, feature) of every problem of the new codes.
fn network_checks(a: &Analysis) -> Vec<(String, String, String)> {
    a.problems
        .iter()
        .filter(|p| {
            matches!(
                p.code.as_str(),
                "CROSS_CONNECTION_POINT" | "PIPE_INVERT_STEP_UP" | "PIPE_DIAMETER_DECREASE"
            )
        })
        .map(|p| {
            (
                p.code.as_str().to_string(),
                p.layer.name().to_string(),
                p.feature_id.clone(),
            )
        })
        .collect()
}

fn found(code: &str, layer: &str, id: &str) -> (String, String, String) {
    (code.into(), layer.into(), id.into())
}

#[test]
fn a_surveyors_xy_table_lands_where_its_prj_says_and_check_says_which_column_is_north() {
    let dir = tempfile::tempdir().unwrap();
    let points = [("W1", 0.0, 100.0, 250.0), ("W2", 0.0, 0.0, 249.0)];
    let rows = [Row {
        id: "G1",
        from: "W1",
        to: "W2",
        kind: "WS",
        dn: Some(300.0),
        levels: Levels::None,
    }];
    survey(dir.path(), &points, &rows, (0.0, -5.0));
    let (loaded, _) = run(dir.path());
    assert_eq!(loaded.working_crs, "EPSG:4545");
    let at: HashMap<&str, Coord> = loaded
        .layers
        .manholes
        .iter()
        .map(|m| (m.id.as_str(), m.geom.0))
        .collect();
    let w1 = at["W1"];
    assert!(
        (w1.x - X0).abs() < 1e-6 && (w1.y - (Y0 + 100.0)).abs() < 1e-6,
        "{w1:?}"
    );
    let pipe = &loaded.layers.pipes[0];
    assert_eq!(pipe.ends(), (w1, at["W2"]));
    let report = loaded
        .reports
        .iter()
        .find(|r| r.layer.name() == "manholes")
        .unwrap();
    let order = report.coord_order.as_ref().unwrap();
    assert!(order.swapped);
    assert_eq!(
        (order.east.as_str(), order.north.as_str()),
        ("Y坐标", "X坐标")
    );
    assert_eq!((order.inside, order.inside_other_way), (2, 0));
    let check = zdz_ok(&["check", dir.path().to_str().unwrap()]);
    assert!(
        check.contains("northing ← X坐标") && check.contains("X is the northing"),
        "{check}"
    );
    // An Esri .prj, as ArcGIS writes it, names no EPSG code: the same points, the same order.
    std::fs::write(dir.path().join("管点.prj"), ESRI_4545).unwrap();
    let (loaded, _) = run(dir.path());
    let m = loaded
        .layers
        .manholes
        .iter()
        .find(|m| m.id == "W1")
        .unwrap();
    assert!((m.geom.x() - X0).abs() < 1e-6 && (m.geom.y() - (Y0 + 100.0)).abs() < 1e-6);
}

/// CGCS2000 / 3° Gauss–Krüger CM 108°E as an Esri .prj.
const ESRI_4545: &str = r#"PROJCS["CGCS2000_3_Degree_GK_CM_108E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",108.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;

#[test]
fn a_table_with_coordinates_nowhere_in_its_zone_either_way_is_an_error_naming_the_layer() {
    let dir = tempfile::tempdir().unwrap();
    survey(
        dir.path(),
        &[("W1", 0.0, 0.0, 250.0), ("W2", 0.0, 50.0, 250.0)],
        &[],
        (0.0, -5.0),
    );
    // Degrees where metres belong.
    std::fs::write(
        dir.path().join("管点.csv"),
        "物探点号,X坐标,Y坐标\nW1,29.8,108.2\nW2,29.9,108.3\n",
    )
    .unwrap();
    let out = std::process::Command::new(zdz_bin())
        .args(["check", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("管点.csv") && err.contains("[layers.manholes]"),
        "{err}"
    );
}

#[test]
fn a_sewage_pipe_entering_a_storm_manhole_is_one_cross_connection_point_at_that_manhole() {
    let dir = tempfile::tempdir().unwrap();
    // A storm line Y1 → Y2 → outfall; an enterprise's sewer S1 → Y2, surveyed from Y2.
    let points = [
        ("Y1", 0.0, 200.0, 252.0),
        ("Y2", 0.0, 100.0, 251.0),
        ("Y3", 0.0, 0.0, 250.0),
        ("S1", 80.0, 100.0, 251.5),
    ];
    let rows = [
        Row {
            id: "YS1",
            from: "Y1",
            to: "Y2",
            kind: "YS",
            dn: Some(600.0),
            levels: Levels::Depths(2.0, 2.0),
        },
        Row {
            id: "YS2",
            from: "Y2",
            to: "Y3",
            kind: "YS",
            dn: Some(600.0),
            levels: Levels::Depths(2.0, 2.0),
        },
        Row {
            id: "WS1",
            from: "Y2",
            to: "S1",
            kind: "WS",
            dn: Some(300.0),
            levels: Levels::Inverts(249.2, 249.5),
        },
    ];
    survey(dir.path(), &points, &rows, (0.0, -5.0));
    let (loaded, a) = run(dir.path());
    let ws1 = loaded.layers.pipes.iter().find(|p| p.id == "WS1").unwrap();
    assert!(ws1.reversed, "WS1 falls from S1 to Y2");
    assert_eq!(
        network_checks(&a),
        [found("CROSS_CONNECTION_POINT", "manholes", "Y2")]
    );
    let p = a
        .problems
        .iter()
        .find(|p| p.code.as_str() == "CROSS_CONNECTION_POINT")
        .unwrap();
    assert_eq!(p.severity.as_str(), "high");
    assert!(p.detail.contains("流入 WS1，流出 YS2"), "{}", p.detail);
    assert!(p.detail_en.contains("in WS1; out YS2"), "{}", p.detail_en);
    // The storm outfall sees the sewage too.
    assert!(codes(&a, "outfalls", "YS1").contains(&"STORM_CROSS_CONNECTION"));
}

/// A straight sewer A → B → C (outfall at C) whose second pipe leaves B `step` metres
/// above where the first arrives, with diameters `dn1` then `dn2`.
fn two_pipes(step: f64, dn1: f64, dn2: f64) -> Vec<(String, String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let points = [
        ("A", 0.0, 200.0, 252.0),
        ("B", 0.0, 100.0, 251.0),
        ("C", 0.0, 0.0, 250.0),
    ];
    let rows = [
        Row {
            id: "G1",
            from: "A",
            to: "B",
            kind: "WS",
            dn: Some(dn1),
            levels: Levels::Inverts(249.5, 249.0),
        },
        Row {
            id: "G2",
            from: "C",
            to: "B",
            kind: "WS",
            dn: Some(dn2),
            levels: Levels::Inverts(248.0, 249.0 + step),
        },
    ];
    survey(dir.path(), &points, &rows, (0.0, -5.0));
    network_checks(&run(dir.path()).1)
}

#[test]
fn a_0_06_m_step_up_is_found_and_a_0_04_m_one_is_not() {
    assert_eq!(
        two_pipes(0.06, 400.0, 400.0),
        [found("PIPE_INVERT_STEP_UP", "pipes", "G2")]
    );
    assert_eq!(two_pipes(0.04, 400.0, 400.0), []);
}

#[test]
fn a_dn400_leaving_a_dn600_of_the_same_kind_is_found() {
    assert_eq!(
        two_pipes(0.0, 600.0, 400.0),
        [found("PIPE_DIAMETER_DECREASE", "pipes", "G2")]
    );
    assert_eq!(two_pipes(0.0, 400.0, 600.0), []);
}

/// The demo's straight pipes, once as GeoPackage lines in the flow direction and once as
/// a survey's tables: random 起点, levels as inverts or depths, X/Y in the surveying order.
#[test]
fn the_demo_delivered_as_survey_tables_gives_the_same_problems_as_lines_in_the_flow_direction() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let demo_loaded = zdz::run::load(demo.to_str().unwrap(), None).unwrap().loaded;
    assert_eq!(demo_loaded.working_crs, "EPSG:4545");
    let pipes: Vec<&zdz::model::Pipe> = demo_loaded
        .layers
        .pipes
        .iter()
        .filter(|p| p.geom.0.len() == 2)
        .collect();
    assert!(pipes.len() > 1400);

    let copy_others = |dir: &Path| {
        for f in std::fs::read_dir(&demo).unwrap() {
            let f = f.unwrap().path();
            let name = f.file_name().unwrap().to_str().unwrap().to_string();
            if name != "pipes.geojson" && name != "README.md" {
                std::fs::copy(&f, dir.join(name)).unwrap();
            }
        }
    };
    // Delivery A: lines digitised in the flow direction, with their levels.
    let a_dir = tempfile::tempdir().unwrap();
    copy_others(a_dir.path());
    let mut lines = Layer::new(
        "pipes",
        &[
            "pipe_id",
            "kind",
            "diameter_mm",
            "defect_grade",
            "from_invert_m",
            "to_invert_m",
        ],
    );
    let text = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    for p in &pipes {
        let l = p.levels();
        let values = [
            p.id.clone(),
            p.kind.as_str().to_string(),
            text(p.diameter_mm),
            text(p.defect_grade.map(f64::from)),
            text(l.from_invert_m),
            text(l.to_invert_m),
        ];
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        lines.add(&values, geo::Geometry::LineString(p.geom.clone()));
    }
    write_gpkg(a_dir.path(), "pipes.gpkg", 4545, &[lines]);

    // Delivery B: one point per joint (ends within 0.5 m), lines named by their points.
    let b_dir = tempfile::tempdir().unwrap();
    copy_others(b_dir.path());
    let mut joints: Vec<Coord> = Vec::new();
    let mut joint_of = |c: Coord| -> usize {
        match joints
            .iter()
            .position(|j| (j.x - c.x).hypot(j.y - c.y) < 0.5)
        {
            Some(i) => i,
            None => {
                joints.push(c);
                joints.len() - 1
            }
        }
    };
    let ends: Vec<[usize; 2]> = pipes
        .iter()
        .map(|p| {
            let (a, b) = p.ends();
            [joint_of(a), joint_of(b)]
        })
        .collect();
    // Ground 3 m above the lowest invert that reaches each point, for the depths.
    let mut ground = vec![f64::NAN; joints.len()];
    for (p, e) in pipes.iter().zip(&ends) {
        let l = p.levels();
        for (j, inv) in [(e[0], l.from_invert_m), (e[1], l.to_invert_m)] {
            if let Some(inv) = inv {
                ground[j] = if ground[j].is_nan() {
                    inv + 3.0
                } else {
                    ground[j].min(inv + 3.0)
                };
            }
        }
    }
    let mut text_points = String::from("物探点号,X坐标,Y坐标,地面高程\n");
    for (j, c) in joints.iter().enumerate() {
        let g = if ground[j].is_nan() {
            String::new()
        } else {
            format!("{:.3}", ground[j])
        };
        writeln!(text_points, "J{j},{:.4},{:.4},{g}", c.y, c.x).unwrap();
    }
    std::fs::write(b_dir.path().join("管点.csv"), text_points).unwrap();
    let mut rng = fastrand::Rng::with_seed(28);
    let mut text_lines = String::from(
        "管线编号,起点点号,连接点号,类别,管径,缺陷等级,起点管底高程,终点管底高程,起点埋深,终点埋深\n",
    );
    let code = |k: zdz::model::PipeKind| match k {
        zdz::model::PipeKind::Sewage => "WS",
        zdz::model::PipeKind::Storm => "YS",
        zdz::model::PipeKind::Combined => "HS",
    };
    let mut surveyed_against = 0;
    for (p, e) in pipes.iter().zip(&ends) {
        let l = p.levels();
        let levelled = l.from_invert_m.is_some() && l.to_invert_m.is_some();
        // A line with levels may be surveyed from either end; one without keeps its record.
        let turn = levelled && rng.bool();
        surveyed_against += usize::from(turn);
        let (s, t, si, ti) = if turn {
            (e[1], e[0], l.to_invert_m, l.from_invert_m)
        } else {
            (e[0], e[1], l.from_invert_m, l.to_invert_m)
        };
        let (inverts, depths) = if levelled && rng.bool() {
            let depth = |j: usize, inv: Option<f64>| format!("{:.3}", ground[j] - inv.unwrap());
            (
                ",".to_string(),
                format!("{},{}", depth(s, si), depth(t, ti)),
            )
        } else {
            (format!("{},{}", text(si), text(ti)), ",".to_string())
        };
        writeln!(
            text_lines,
            "{},J{s},J{t},{},{},{},{inverts},{depths}",
            p.id,
            code(p.kind),
            text(p.diameter_mm),
            text(p.defect_grade.map(f64::from)),
        )
        .unwrap();
    }
    assert!(surveyed_against > 500, "{surveyed_against}");
    std::fs::write(b_dir.path().join("管线.csv"), text_lines).unwrap();
    let mut toml = std::fs::read_to_string(demo.join("zdz.toml")).unwrap();
    toml += "\n[layers.\"管点\"]\ncrs = \"EPSG:4545\"\n";
    std::fs::write(b_dir.path().join("zdz.toml"), toml).unwrap();

    let (a_loaded, a) = run(a_dir.path());
    let (b_loaded, b) = run(b_dir.path());
    assert_eq!(b_loaded.layers.pipes.len(), pipes.len());
    assert_eq!(b_loaded.layers.flow.reversed, surveyed_against);
    assert_eq!(a_loaded.layers.flow.reversed, 0);
    let existing = |x: &Analysis| -> BTreeSet<(String, String, String)> {
        x.problems
            .iter()
            .filter(|p| !network_checks_code(p.code.as_str()))
            .map(|p| {
                (
                    p.code.as_str().to_string(),
                    p.layer.name().to_string(),
                    p.feature_id.clone(),
                )
            })
            .collect()
    };
    assert_eq!(existing(&a), existing(&b));
    // The new codes, exactly: at manholes where the survey has them, else at pipes.
    let mut at_lines = network_checks(&a);
    at_lines.sort();
    assert_eq!(
        at_lines,
        [
            found("CROSS_CONNECTION_POINT", "pipes", "CQJK-A-YSE07"),
            found("CROSS_CONNECTION_POINT", "pipes", "HCGY-A-YSE07"),
            found("PIPE_DIAMETER_DECREASE", "pipes", "CQJK-B-WS06"),
            found("PIPE_INVERT_STEP_UP", "pipes", "CQJK-B-WS05"),
        ]
    );
    let mut at_points = network_checks(&b);
    at_points.sort();
    let cross: Vec<&(String, String, String)> = at_points
        .iter()
        .filter(|p| p.0 == "CROSS_CONNECTION_POINT")
        .collect();
    assert_eq!(cross.len(), 2);
    assert!(cross.iter().all(|p| p.1 == "manholes"), "{cross:?}");
    assert_eq!(
        at_points[2..],
        [
            found("PIPE_DIAMETER_DECREASE", "pipes", "CQJK-B-WS06"),
            found("PIPE_INVERT_STEP_UP", "pipes", "CQJK-B-WS05"),
        ]
    );
}

fn network_checks_code(code: &str) -> bool {
    matches!(
        code,
        "CROSS_CONNECTION_POINT" | "PIPE_INVERT_STEP_UP" | "PIPE_DIAMETER_DECREASE"
    )
}

#[test]
fn zdz_init_maps_a_survey_delivery_and_proposes_the_zone_the_other_layers_lie_in() {
    let dir = tempfile::tempdir().unwrap();
    let points = [("W1", 0.0, 100.0, 252.0), ("W2", 0.0, 0.0, 251.0)];
    let rows = [Row {
        id: "G1",
        from: "W2",
        to: "W1",
        kind: "WS",
        dn: Some(300.0),
        levels: Levels::Inverts(248.5, 249.5),
    }];
    survey(dir.path(), &points, &rows, (0.0, -5.0));
    // The survey came without its .prj.
    std::fs::remove_file(dir.path().join("管点.prj")).unwrap();
    zdz_ok(&["init", dir.path().to_str().unwrap()]);
    let toml = std::fs::read_to_string(dir.path().join("zdz.toml")).unwrap();
    let project = zdz::project::Project::parse(&toml, dir.path()).unwrap();
    let manholes = &project.layers[&zdz::contract::LayerKind::Manholes];
    assert_eq!(manholes.crs.as_deref(), Some("EPSG:4545"), "{toml}");
    assert!(toml.contains("以 X坐标 为北坐标"), "{toml}");
    let pipes = &project.layers[&zdz::contract::LayerKind::Pipes];
    for (field, source) in [
        ("from_node", "起点点号"),
        ("to_node", "终点点号"),
        ("from_invert_m", "起点管底高程"),
        ("to_invert_m", "终点管底高程"),
        ("kind", "类别"),
    ] {
        assert_eq!(
            pipes.fields.get(field).map(String::as_str),
            Some(source),
            "{toml}"
        );
    }
    // The mapped folder analyses: G1 was surveyed from its lower end and is turned round.
    let (loaded, _) = run(dir.path());
    assert_eq!(loaded.layers.flow.reversed, 1);
    assert_eq!(loaded.layers.pipes[0].from_node.as_deref(), Some("W1"));
}
