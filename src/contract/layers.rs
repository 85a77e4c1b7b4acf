//! The input layers of the layer contract (docs/workspace.md): canonical names, Chinese aliases and fields.
//!
//! Matching is case-insensitive. Aliases stay within five Chinese characters so they fit
//! the 10-byte field names of a GBK Shapefile.

use serde::Serialize;

/// One input layer of a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LayerKind {
    Parks,
    Clusters,
    Enterprises,
    Pipes,
    Outfalls,
    Plants,
    Rivers,
    /// Field inspections of outfalls (排查记录): points or a plain table.
    Inspections,
    /// The manholes and other points of a pipeline survey (管点): points or a table with
    /// coordinate columns.
    Manholes,
    /// District and county boundaries (区县): drawn under everything, and the district of
    /// a cluster whose park names none.
    Districts,
}

/// A field of a layer: its canonical name, aliases, and whether the layer is unusable without it.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

const fn field(name: &'static str, aliases: &'static [&'static str], required: bool) -> FieldSpec {
    FieldSpec {
        name,
        aliases,
        required,
    }
}

const PARK_FIELDS: &[FieldSpec] = &[
    field("park_id", &["园区编号"], true),
    field("name", &["名称", "园区名称"], false),
    field("level", &["级别"], true),
    field("district", &["区县"], false),
    field("yangtze_side", &["长江沿线"], false),
];

const CLUSTER_FIELDS: &[FieldSpec] = &[
    field("cluster_id", &["组团编号"], true),
    field("park_id", &["园区编号"], false),
    field("name", &["名称", "组团名称"], false),
    field("demo", &["示范"], false),
    // On the city's candidate list (备选清单), not (yet) its final demonstration list.
    field("demo_candidate", &["示范备选", "申报示范"], false),
    field("yangtze_side", &["长江沿线"], false),
    // Manual answers the acceptance rubric reads (absent = unanswered).
    field("plant_online", &["在线监控"], false),
    field("responsible_body", &["责任主体"], false),
    field("plan", &["建设方案"], false),
    field("archives", &["一企一档"], false),
    field("om_contract", &["运维合同"], false),
    field("patrol", &["巡查制度"], false),
    field("digital_link", &["巴渝治水"], false),
];

const ENTERPRISE_FIELDS: &[FieldSpec] = &[
    field("enterprise_id", &["企业编号"], true),
    field("name", &["名称", "企业名称"], false),
    field("credit_code", &["信用代码", "统一社会信用代码"], false),
    field("industry", &["行业"], false),
    field("wastewater_tpd", &["废水量"], false),
    field("connected", &["纳管"], false),
    field("permit_no", &["许可证号"], false),
    // Manual answers the acceptance rubric reads (absent = unanswered).
    field("separated", &["雨污分流"], false),
    field("first_flush", &["初期雨水"], false),
];

const PIPE_FIELDS: &[FieldSpec] = &[
    field("pipe_id", &["管段编号", "管线编号"], true),
    field("kind", &["类型", "管类", "类别"], true),
    field("from_node", &["起点井", "起点点号"], false),
    field("to_node", &["终点井", "连接点号", "终点点号"], false),
    field("diameter_mm", &["管径"], false),
    field("defect_grade", &["缺陷等级"], false),
    // Levels of a pipeline survey (管线普查): the pipe's inner bottom at each end, or its
    // depth (埋深, to the inner bottom) below the end manhole's ground level.
    field("from_invert_m", &["起点管底高程", "起点高程"], false),
    field("to_invert_m", &["终点管底高程", "终点高程"], false),
    field("from_depth_m", &["起点埋深"], false),
    field("to_depth_m", &["终点埋深", "连接点埋深"], false),
];

const OUTFALL_FIELDS: &[FieldSpec] = &[
    field("outfall_id", &["排口编号"], true),
    field("name", &["名称"], false),
    field("kind", &["类型"], true),
    field("receiving_water", &["受纳水体"], false),
    field("plant_id", &["污水厂编号"], false),
];

const PLANT_FIELDS: &[FieldSpec] = &[
    field("plant_id", &["污水厂编号"], true),
    field("name", &["名称"], false),
    field("capacity_tpd", &["设计规模"], false),
    field("inflow_tpd", &["实际处理量"], false),
];

const MANHOLE_FIELDS: &[FieldSpec] = &[
    field("node_id", &["物探点号", "点号", "井号", "管点编号"], true),
    field("kind", &["管类", "类别", "类型"], false),
    field("ground_m", &["地面高程"], false),
    field("invert_m", &["井底高程"], false),
    field("feature", &["附属物", "特征"], false),
];

const DISTRICT_FIELDS: &[FieldSpec] = &[field("name", &["名称", "区县名称"], true)];

const RIVER_FIELDS: &[FieldSpec] = &[field("name", &["名称"], false)];

const INSPECTION_FIELDS: &[FieldSpec] = &[
    field("outfall_id", &["排口编号"], true),
    field("date", &["日期", "检查日期"], true),
    field("weather", &["天气"], false),
    field("flowing", &["有水", "是否有水"], false),
    field("cod_mgl", &["COD", "化学需氧量"], false),
    field("nh3n_mgl", &["氨氮"], false),
    field("inspector", &["检查人"], false),
    field("note", &["备注"], false),
];

/// The fields every layer's builder reads as numbers: a source typing them as numbers is
/// read as such, not through text.
pub const NUMBER_FIELDS: [&str; 13] = [
    "wastewater_tpd",
    "diameter_mm",
    "defect_grade",
    "from_invert_m",
    "to_invert_m",
    "from_depth_m",
    "to_depth_m",
    "capacity_tpd",
    "inflow_tpd",
    "cod_mgl",
    "nh3n_mgl",
    "ground_m",
    "invert_m",
];

/// Whether a manual answer is a yes/no or a text (a text counts when it is not empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    YesNo,
    Text,
}

/// A manual answer the acceptance rubric reads: its layer's field, its kind, and the
/// Chinese label the survey workbook heads its column with.
#[derive(Debug, Clone, Copy)]
pub struct ManualField {
    pub layer: LayerKind,
    pub name: &'static str,
    pub kind: AnswerKind,
    pub label_zh: &'static str,
}

const fn manual(
    layer: LayerKind,
    name: &'static str,
    kind: AnswerKind,
    label_zh: &'static str,
) -> ManualField {
    ManualField {
        layer,
        name,
        kind,
        label_zh,
    }
}

/// Every manual answer of the layer contract (docs/workspace.md), in the order the survey workbook shows them.
pub const MANUAL_FIELDS: [ManualField; 9] = [
    manual(
        LayerKind::Clusters,
        "plant_online",
        AnswerKind::YesNo,
        "在线监控",
    ),
    manual(
        LayerKind::Clusters,
        "responsible_body",
        AnswerKind::Text,
        "责任主体",
    ),
    manual(LayerKind::Clusters, "plan", AnswerKind::YesNo, "建设方案"),
    manual(
        LayerKind::Clusters,
        "archives",
        AnswerKind::YesNo,
        "一企一档",
    ),
    manual(
        LayerKind::Clusters,
        "om_contract",
        AnswerKind::YesNo,
        "运维合同",
    ),
    manual(LayerKind::Clusters, "patrol", AnswerKind::YesNo, "巡查制度"),
    manual(
        LayerKind::Clusters,
        "digital_link",
        AnswerKind::YesNo,
        "巴渝治水",
    ),
    manual(
        LayerKind::Enterprises,
        "separated",
        AnswerKind::YesNo,
        "雨污分流",
    ),
    manual(
        LayerKind::Enterprises,
        "first_flush",
        AnswerKind::YesNo,
        "初期雨水",
    ),
];

/// The survey workbook's sheets that carry manual answers, each with the header of its
/// id column: what zdz writes into `survey.xlsx` and reads back from a filled-in copy.
pub const ANSWER_SHEETS: [(LayerKind, &str, &str); 2] = [
    (LayerKind::Clusters, "组团园区", "组团编号"),
    (LayerKind::Enterprises, "源 企业", "企业编号"),
];

/// The manual field of `layer` called `name`, if it is one.
pub fn manual_field(layer: LayerKind, name: &str) -> Option<&'static ManualField> {
    MANUAL_FIELDS
        .iter()
        .find(|f| f.layer == layer && f.name == name)
}

impl LayerKind {
    pub const ALL: [LayerKind; 10] = [
        LayerKind::Parks,
        LayerKind::Clusters,
        LayerKind::Enterprises,
        LayerKind::Pipes,
        LayerKind::Outfalls,
        LayerKind::Plants,
        LayerKind::Rivers,
        LayerKind::Inspections,
        LayerKind::Manholes,
        LayerKind::Districts,
    ];

    /// The canonical layer name, also the name zdz writes.
    pub fn name(self) -> &'static str {
        match self {
            LayerKind::Parks => "parks",
            LayerKind::Clusters => "clusters",
            LayerKind::Enterprises => "enterprises",
            LayerKind::Pipes => "pipes",
            LayerKind::Outfalls => "outfalls",
            LayerKind::Plants => "plants",
            LayerKind::Rivers => "rivers",
            LayerKind::Inspections => "inspections",
            LayerKind::Manholes => "manholes",
            LayerKind::Districts => "districts",
        }
    }

    /// Chinese names a workspace may use for the layer.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            LayerKind::Parks => &["园区"],
            LayerKind::Clusters => &["组团"],
            LayerKind::Enterprises => &["企业", "排水户"],
            LayerKind::Pipes => &["管网", "管段", "管线"],
            LayerKind::Outfalls => &["排口"],
            LayerKind::Plants => &["污水处理厂", "污水厂"],
            LayerKind::Rivers => &["水系", "河流"],
            LayerKind::Inspections => &["排查记录", "巡查记录"],
            LayerKind::Manholes => &["管点", "检查井", "窨井"],
            LayerKind::Districts => &["区县", "行政区"],
        }
    }

    /// The label users read: Chinese, then English.
    /// The layer's Chinese name: 管网, 排口 ….
    pub fn label_zh(self) -> &'static str {
        self.label().split(' ').next().unwrap_or("")
    }

    pub fn label(self) -> &'static str {
        match self {
            LayerKind::Parks => "园区 parks",
            LayerKind::Clusters => "组团 clusters",
            LayerKind::Enterprises => "企业 enterprises",
            LayerKind::Pipes => "管网 pipes",
            LayerKind::Outfalls => "排口 outfalls",
            LayerKind::Plants => "污水厂 plants",
            LayerKind::Rivers => "水系 rivers",
            LayerKind::Inspections => "排查记录 inspections",
            LayerKind::Manholes => "管点 manholes",
            LayerKind::Districts => "区县 districts",
        }
    }

    pub fn fields(self) -> &'static [FieldSpec] {
        match self {
            LayerKind::Parks => PARK_FIELDS,
            LayerKind::Clusters => CLUSTER_FIELDS,
            LayerKind::Enterprises => ENTERPRISE_FIELDS,
            LayerKind::Pipes => PIPE_FIELDS,
            LayerKind::Outfalls => OUTFALL_FIELDS,
            LayerKind::Plants => PLANT_FIELDS,
            LayerKind::Rivers => RIVER_FIELDS,
            LayerKind::Inspections => INSPECTION_FIELDS,
            LayerKind::Manholes => MANHOLE_FIELDS,
            LayerKind::Districts => DISTRICT_FIELDS,
        }
    }

    /// The field holding the feature's identity, if the layer has one.
    pub fn id_field(self) -> Option<&'static str> {
        match self {
            LayerKind::Parks => Some("park_id"),
            LayerKind::Clusters => Some("cluster_id"),
            LayerKind::Enterprises => Some("enterprise_id"),
            LayerKind::Pipes => Some("pipe_id"),
            LayerKind::Outfalls => Some("outfall_id"),
            LayerKind::Plants => Some("plant_id"),
            LayerKind::Manholes => Some("node_id"),
            LayerKind::Rivers | LayerKind::Inspections | LayerKind::Districts => None,
        }
    }

    /// Layers whose features are points that a table (CSV, spreadsheet, .dbf) may give as
    /// coordinate columns.
    pub fn points_from_tables(self) -> bool {
        matches!(
            self,
            LayerKind::Enterprises | LayerKind::Outfalls | LayerKind::Plants | LayerKind::Manholes
        )
    }

    /// Layers without which no analysis of the sewer network is possible.
    pub fn required(self) -> bool {
        matches!(self, LayerKind::Pipes | LayerKind::Outfalls)
    }

    /// Whether `name` (a layer or file stem in a workspace) names this layer.
    pub fn matches_name(self, name: &str) -> bool {
        let name = name.trim().to_lowercase();
        name == self.name() || self.aliases().iter().any(|a| name == *a)
    }

    pub fn from_name(name: &str) -> Option<LayerKind> {
        LayerKind::ALL.into_iter().find(|k| k.matches_name(name))
    }
}

/// dBASE (Shapefile) field names hold at most this many bytes.
const DBF_NAME_BYTES: usize = 10;

/// A name as a UTF-8 .dbf stores it: cut at 10 bytes, perhaps inside a character.
fn cut_like_dbf(name: &str) -> String {
    let bytes = name.as_bytes();
    String::from_utf8_lossy(&bytes[..bytes.len().min(DBF_NAME_BYTES)]).into_owned()
}

impl FieldSpec {
    /// Whether a field called `name` in the data is this field: its name or an alias, or
    /// an alias as a UTF-8 Shapefile cuts it (`管段编号` is 12 bytes and arrives as `管段编�`).
    pub fn matches(&self, name: &str) -> bool {
        let name = name.trim().to_lowercase();
        name == self.name
            || self.aliases.iter().any(|a| {
                name == a.to_lowercase()
                    || (a.len() > DBF_NAME_BYTES && name == cut_like_dbf(a).to_lowercase())
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_names_match_english_case_insensitively_and_chinese_aliases() {
        assert_eq!(LayerKind::from_name("Pipes"), Some(LayerKind::Pipes));
        assert_eq!(LayerKind::from_name("排水户"), Some(LayerKind::Enterprises));
        assert_eq!(LayerKind::from_name("污水厂"), Some(LayerKind::Plants));
        assert_eq!(LayerKind::from_name("roads"), None);
    }

    #[test]
    fn an_alias_cut_to_10_bytes_by_a_utf8_dbf_still_matches() {
        let pipe_id = LayerKind::Pipes.fields()[0];
        assert!(pipe_id.matches("管段编\u{FFFD}"));
        assert!(pipe_id.matches("管段编号"));
        assert!(!pipe_id.matches("管段"));
    }

    #[test]
    fn every_field_has_a_chinese_alias_that_fits_a_gbk_shapefile_field_name() {
        for kind in LayerKind::ALL {
            for f in kind.fields() {
                // GBK spends two bytes per Chinese character; dBASE allows 10 bytes.
                assert!(
                    f.aliases.iter().any(|a| a.chars().count() * 2 <= 10),
                    "{} has no alias within 10 bytes",
                    f.name
                );
            }
        }
    }
}
