//! The project file `zdz.toml`: where each layer comes from, how its fields map onto the
//! contract, the analysis parameters and the deadline schedule.
//!
//! Defaults live in `defaults.toml` beside this file, so the Chongqing schedule is data, not
//! code. This module parses and merges; it does not open any layer.

use rust_i18n::t;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::contract::LayerKind;

/// The acceptance rubric (评分细则) as data.
pub mod rubric;

pub use rubric::Rubric;

const DEFAULTS: &str = include_str!("defaults.toml");

/// The parameters of docs/rules.md: distances in metres, sample limits in mg/L.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    pub snap_m: f64,
    pub outfall_match_m: f64,
    pub coverage_m: f64,
    pub plant_match_m: f64,
    pub corridor_m: f64,
    pub outfall_cluster_m: f64,
    pub storm_cod_mgl: f64,
    pub storm_nh3n_mgl: f64,
    pub flat_m: f64,
    pub step_m: f64,
}

impl Params {
    /// Every parameter with its value, in the order of docs/rules.md.
    pub fn all(&self) -> [(&'static str, f64); 10] {
        [
            ("snap_m", self.snap_m),
            ("outfall_match_m", self.outfall_match_m),
            ("coverage_m", self.coverage_m),
            ("plant_match_m", self.plant_match_m),
            ("corridor_m", self.corridor_m),
            ("outfall_cluster_m", self.outfall_cluster_m),
            ("storm_cod_mgl", self.storm_cod_mgl),
            ("storm_nh3n_mgl", self.storm_nh3n_mgl),
            ("flat_m", self.flat_m),
            ("step_m", self.step_m),
        ]
    }
}

/// A condition a deadline rule may test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Condition {
    NoEnterprises,
    Demo,
    InCorridor,
    National,
    Provincial,
    Always,
}

impl Condition {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One rule of the schedule: the deadline applies when any of `when` holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadlineRule {
    pub when: Vec<Condition>,
    /// A date (`2025-12-31`) or a status such as `out_of_scope`.
    pub deadline: String,
}

/// How the Yangtze corridor is decided.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorridorConfig {
    /// Names (in any text field of the rivers layer) that make a feature part of the main stem.
    #[serde(default)]
    pub main_stem: Vec<String>,
    /// When set, a cluster is along the Yangtze when its park's district is listed here,
    /// instead of by distance.
    #[serde(default)]
    pub districts: Option<Vec<String>>,
}

/// Coordinates from Chinese web maps, which no EPSG code describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CoordTag {
    Wgs84,
    Gcj02,
    Bd09,
}

/// Where one layer comes from and how to read it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerConfig {
    /// Any path (relative to the project file) or connection string GDAL opens; empty: the
    /// layer is found beside the project file by its name, and the rest of this section
    /// says how to read it.
    #[serde(default)]
    pub source: String,
    /// The layer inside the source; by default the one whose name is the layer's name or
    /// alias, or the only layer.
    pub layer: Option<String>,
    /// OGR SQL attribute filter, e.g. `Type = 'Combined sewer outfall'`.
    #[serde(rename = "where")]
    pub filter: Option<String>,
    /// CRS of the source when it has none or a wrong one (`EPSG:4545`, WKT, PROJ string).
    pub crs: Option<String>,
    /// `gcj02` or `bd09` for coordinates from Chinese web maps.
    pub coords: Option<CoordTag>,
    /// Text encoding of a Shapefile .dbf, e.g. `GB18030`, `UTF-8`.
    pub encoding: Option<String>,
    /// Canonical field → field name in the source.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Canonical field → constant value for every feature.
    #[serde(default)]
    pub set: BTreeMap<String, String>,
    /// Canonical field → (value in the source → value zdz understands).
    #[serde(default)]
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    /// Canonical numeric field → factor to multiply by (e.g. MGD → t/d: 3785.41).
    #[serde(default)]
    pub scale: BTreeMap<String, f64>,
    /// A table's coordinate columns, when their names do not say (`x`/`y`, `X坐标`/`Y坐标`,
    /// `东坐标`/`北坐标`, `lon`/`lat`, `经度`/`纬度` are found by themselves).
    pub coords_fields: Option<CoordsFields>,
}

/// The columns of a table holding a point's coordinates. Which is the easting is decided
/// by where the points fall (docs/workspace.md): a surveyor's X is the northing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoordsFields {
    pub x: String,
    pub y: String,
}

/// Project-wide settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectInfo {
    pub name: Option<String>,
    /// Where the web map is served for the people in the field: the signboards' QR codes
    /// point there (`zdz report --base-url` overrides it).
    pub base_url: Option<String>,
    /// Working CRS for distances; by default a CGCS2000 3° Gauss–Krüger zone from the data's centre.
    pub crs: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProject {
    #[serde(default)]
    project: ProjectInfo,
    #[serde(default)]
    params: Option<toml::Table>,
    #[serde(default)]
    corridor: Option<CorridorConfig>,
    #[serde(default)]
    deadline: Option<Vec<DeadlineRule>>,
    #[serde(default)]
    layers: BTreeMap<String, LayerConfig>,
    /// The acceptance rubric (评分细则) to score with, instead of the provisional one.
    #[serde(default)]
    rubric: Option<String>,
    /// Where the ledger is: a SQLite file or a postgres:// URL.
    #[serde(default)]
    ledger: Option<LedgerConfig>,
    /// The demonstration list's milestone and size.
    #[serde(default)]
    demo: Option<DemoConfig>,
}

/// `[demo]` in zdz.toml: the demonstration list as the notice runs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoConfig {
    /// By when a candidate's remediation must be done (备选清单: 2024-12-01).
    pub target_date: String,
    /// How many clusters the city names to its final list (5).
    pub count: usize,
}

/// `[ledger]` in zdz.toml.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerConfig {
    /// A SQLite file (relative to the project file) or `postgres://…`.
    pub url: String,
}

/// A project: defaults merged with what a `zdz.toml` says.
#[derive(Debug, Clone)]
pub struct Project {
    pub info: ProjectInfo,
    pub params: Params,
    pub corridor: CorridorConfig,
    pub deadlines: Vec<DeadlineRule>,
    pub layers: BTreeMap<LayerKind, LayerConfig>,
    /// The acceptance rubric: the provisional default unless `rubric = "path"`.
    pub rubric: Rubric,
    /// The ledger named by `[ledger] url`, resolved against the project folder.
    pub ledger: Option<String>,
    /// The demonstration list's milestone and size.
    pub demo: DemoConfig,
    /// Folder that relative layer sources are resolved against.
    pub base_dir: PathBuf,
}

impl Project {
    /// The defaults alone, for workspaces without a project file.
    pub fn defaults(base_dir: &Path) -> Project {
        Project::parse(DEFAULTS, base_dir).expect("the built-in defaults.toml is valid")
    }

    pub fn from_file(path: &Path) -> Result<Project> {
        let text = std::fs::read_to_string(path)
            .with_context(|| t!("err.cannot_read_project", path = path.display()).into_owned())?;
        let base = path.parent().unwrap_or(Path::new("."));
        Project::parse(&text, base).with_context(|| format!("{}", path.display()))
    }

    /// Parse a project file's text over the defaults.
    pub fn parse(text: &str, base_dir: &Path) -> Result<Project> {
        let defaults: RawProject = toml::from_str(DEFAULTS).expect("defaults.toml parses");
        let raw: RawProject = toml::from_str(text)?;

        let mut params = defaults.params.unwrap_or_default();
        for (k, v) in raw.params.unwrap_or_default() {
            params.insert(k, v);
        }
        // Integers are fine where metres are asked for: `coverage_m = 100`.
        let params: toml::Table = params
            .into_iter()
            .map(|(k, v)| match v {
                toml::Value::Integer(i) => (k, toml::Value::Float(i as f64)),
                v => (k, v),
            })
            .collect();
        let params: Params = toml::Value::Table(params)
            .try_into()
            .context("[params]: unknown parameter or a value that is not a number")?;
        for (name, value) in params.all() {
            if !(value.is_finite() && value >= 0.0) {
                let unit = match (name.ends_with("_mgl"), crate::i18n::chinese()) {
                    (true, false) => "a concentration in mg/L",
                    (false, false) => "a distance in metres",
                    (true, true) => "浓度（mg/L）",
                    (false, true) => "距离（米）",
                };
                bail!(
                    "{}",
                    t!(
                        "err.params_negative",
                        name = name,
                        value = value,
                        unit = unit
                    )
                );
            }
        }

        let default_corridor = defaults.corridor.unwrap_or_default();
        let mut corridor = raw.corridor.unwrap_or_else(|| default_corridor.clone());
        if corridor.main_stem.is_empty() {
            corridor.main_stem = default_corridor.main_stem;
        }

        let deadlines = raw.deadline.or(defaults.deadline).unwrap_or_default();
        if deadlines.is_empty() {
            bail!("[[deadline]]: the schedule has no rule");
        }

        let mut layers = BTreeMap::new();
        for (name, config) in raw.layers {
            let Some(kind) = LayerKind::from_name(&name) else {
                bail!(
                    "{}",
                    t!(
                        "err.unknown_layer",
                        name = name,
                        expected = LayerKind::ALL.map(|k| k.name()).join(", ")
                    )
                );
            };
            for field in config
                .fields
                .keys()
                .chain(config.set.keys())
                .chain(config.values.keys())
            {
                if !kind.fields().iter().any(|f| f.name == field) {
                    bail!(
                        "{}",
                        t!(
                            "err.unknown_field",
                            name = name,
                            field = field,
                            layer = kind.name(),
                            fields = kind
                                .fields()
                                .iter()
                                .map(|f| f.name)
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    );
                }
            }
            layers.insert(kind, config);
        }

        let rubric = match &raw.rubric {
            None => Rubric::provisional(),
            Some(path) => {
                let path = base_dir.join(path);
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("rubric = \"{}\": cannot read", path.display()))?;
                Rubric::parse(&text).with_context(|| format!("{}", path.display()))?
            }
        };
        let ledger = raw.ledger.map(|l| {
            if is_connection_string(&l.url) || Path::new(&l.url).is_absolute() {
                l.url
            } else {
                base_dir.join(&l.url).to_string_lossy().into_owned()
            }
        });

        let demo = raw
            .demo
            .or(defaults.demo)
            .expect("defaults.toml has [demo]");
        if chrono::NaiveDate::parse_from_str(&demo.target_date, "%Y-%m-%d").is_err() {
            bail!(
                "[demo] target_date = \"{}\" is not a date (YYYY-MM-DD)",
                demo.target_date
            );
        }
        Ok(Project {
            info: raw.project,
            params,
            corridor,
            deadlines,
            layers,
            rubric,
            ledger,
            demo,
            base_dir: base_dir.to_path_buf(),
        })
    }

    /// A layer source as GDAL should open it: relative paths against the project folder.
    pub fn resolve_source(&self, source: &str) -> String {
        if is_connection_string(source) || Path::new(source).is_absolute() {
            source.to_string()
        } else {
            self.base_dir.join(source).to_string_lossy().into_owned()
        }
    }
}

/// Whether a workspace argument is a database connection rather than a path.
pub fn is_connection_string(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    lower.starts_with("pg:")
        || lower.starts_with("postgresql://")
        || lower.starts_with("postgres://")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_spec_parameters_and_chongqing_schedule() {
        let p = Project::defaults(Path::new("."));
        assert_eq!(p.params.snap_m, 1.0);
        assert_eq!(p.params.outfall_match_m, 20.0);
        assert_eq!(p.params.coverage_m, 100.0);
        assert_eq!(p.params.plant_match_m, 50.0);
        assert_eq!(p.params.corridor_m, 1000.0);
        assert_eq!(p.params.outfall_cluster_m, 500.0);
        assert_eq!(p.params.storm_cod_mgl, 40.0);
        assert_eq!(p.params.storm_nh3n_mgl, 2.0);
        let dates: Vec<_> = p.deadlines.iter().map(|r| r.deadline.as_str()).collect();
        assert_eq!(
            dates,
            ["out_of_scope", "2024-12-31", "2025-12-31", "2027-12-31"]
        );
    }

    #[test]
    fn a_project_overrides_one_parameter_and_keeps_the_others() {
        let p = Project::parse("[params]\ncoverage_m = 150\n", Path::new(".")).unwrap();
        assert_eq!(p.params.coverage_m, 150.0);
        assert_eq!(p.params.snap_m, 1.0);
    }

    #[test]
    fn an_unknown_parameter_is_an_error() {
        let err = Project::parse("[params]\ncoverage = 150\n", Path::new(".")).unwrap_err();
        assert!(format!("{err:#}").contains("params"));
    }

    #[test]
    fn an_unknown_field_in_a_layer_map_names_the_layer_and_its_fields() {
        let text = "[layers.pipes]\nsource = \"a.shp\"\nfields = { pipe = \"ID\" }\n";
        let err = format!("{:#}", Project::parse(text, Path::new(".")).unwrap_err());
        assert!(
            err.contains("[layers.pipes]") && err.contains("pipe_id"),
            "{err}"
        );
    }

    #[test]
    fn layers_may_be_keyed_by_chinese_alias() {
        let text = "[layers.\"排口\"]\nsource = \"pk.shp\"\n";
        let p = Project::parse(text, Path::new("/w")).unwrap();
        assert!(p.layers.contains_key(&LayerKind::Outfalls));
        assert_eq!(p.resolve_source("pk.shp"), "/w/pk.shp");
    }
}
