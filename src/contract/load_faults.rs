//! What the load found wrong with a feature's values, in English (the terminal in English,
//! `summary.json`) and in Chinese (the terminal in a Chinese locale): a value that cannot
//! be read, a field a feature cannot do without, an id given twice, a survey row that
//! names nothing. Geometry has its own words (`geometry_faults`).

use std::fmt;

use super::LayerKind;
use super::geometry_faults::GeometryFault;

/// Why a value could not be read, with the value as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    Boolean(String),
    PipeKind(String),
    OutfallKind(String),
    ParkLevel(String),
    Weather(String),
    Date(String),
    Number(String),
    NotFinite(String),
    Unit { value: String, unit: String },
}

impl Unreadable {
    pub fn en(&self) -> String {
        match self {
            Unreadable::Boolean(v) => {
                format!("`{v}` is not a boolean (true/false, 1/0, 是/否, Y/N)")
            }
            Unreadable::PipeKind(v) => format!(
                "`{v}` is not a pipe kind (sewage/storm/combined, 污水/雨水/合流, WS/YS/HS)"
            ),
            Unreadable::OutfallKind(v) => format!(
                "`{v}` is not an outfall kind (storm/sewage/combined/plant, 雨水/污水/合流/污水厂)"
            ),
            Unreadable::ParkLevel(v) => {
                format!("`{v}` is not a park level (national/provincial, 国家级/省级)")
            }
            Unreadable::Weather(v) => format!("`{v}` is not a weather (dry/rain, 晴/阴/多云/雨)"),
            Unreadable::Date(v) => {
                format!("`{v}` is not a date (2025-03-01, 2025/3/1, 2025年3月1日 or an Excel date)")
            }
            Unreadable::Number(v) => format!("`{v}` is not a number"),
            Unreadable::NotFinite(v) => format!("`{v}` is not a finite number"),
            Unreadable::Unit { value, unit } => format!("`{value}` has an unknown unit `{unit}`"),
        }
    }

    pub fn zh(&self) -> String {
        match self {
            Unreadable::Boolean(v) => format!("“{v}”不是是/否值（可写 是/否、1/0、Y/N）"),
            Unreadable::PipeKind(v) => {
                format!("“{v}”不是管道类型（可写 污水/雨水/合流、WS/YS/HS）")
            }
            Unreadable::OutfallKind(v) => {
                format!("“{v}”不是排口类型（可写 雨水/污水/合流/污水厂）")
            }
            Unreadable::ParkLevel(v) => format!("“{v}”不是园区级别（可写 国家级/省级）"),
            Unreadable::Weather(v) => format!("“{v}”不是天气（可写 晴/阴/多云/雨）"),
            Unreadable::Date(v) => {
                format!("“{v}”不是日期（可写 2025-03-01、2025/3/1、2025年3月1日 或 Excel 日期）")
            }
            Unreadable::Number(v) => format!("“{v}”不是数字"),
            Unreadable::NotFinite(v) => format!("“{v}”不是有限的数字"),
            Unreadable::Unit { value, unit } => format!("“{value}”的单位“{unit}”无法识别"),
        }
    }
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en())
    }
}

impl std::error::Error for Unreadable {}

/// How a feature without an id was given one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdFrom {
    Position,
    Row,
    /// A row of a pipe table, by the points it joins.
    Ends,
}

/// What the load found wrong with one feature.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadFault {
    /// A field's value cannot be read; the field is taken as absent.
    Value {
        field: String,
        why: Unreadable,
    },
    /// No id: the feature is known by one zdz made.
    NoId {
        field: String,
        from: IdFrom,
        id: String,
    },
    /// An inspection row names no outfall.
    InspectionWithoutOutfall,
    InspectionWithoutDate {
        outfall: String,
    },
    InspectionBadDate {
        outfall: String,
        why: Unreadable,
    },
    /// An inspection of an outfall the outfalls layer does not hold.
    InspectionOfUnknownOutfall {
        outfall: String,
    },
    DistrictWithoutName,
    PipeWithoutKind,
    /// A row of a pipe table without both ends.
    PipeRowWithoutEnds,
    /// A pipe table's ends at one place.
    PipeEndsTogether {
        from: String,
        to: String,
    },
    /// A pipe table's row whose ends the manholes layer does not hold (`(field, point)`).
    PipeEndsUnknown {
        missing: Vec<(String, String)>,
    },
    /// A pipe table with no manholes layer to draw it between.
    NoManholes,
    /// The same id on more than one feature.
    DuplicateId {
        field: String,
        id: String,
    },
    /// A filled-in survey's row naming no feature of the workspace.
    SurveyRowUnknown {
        place: String,
        sheet: String,
        row: usize,
        layer: LayerKind,
        id: String,
    },
    /// A filled-in survey's answer that cannot be read.
    SurveyAnswer {
        place: String,
        sheet: String,
        row: usize,
        column: String,
        why: Unreadable,
    },
    /// A warning GDAL raised reading the layer, as GDAL says it.
    Gdal(String),
    /// What was wrong with the geometry, and whether the feature was skipped.
    Geometry {
        faults: Vec<GeometryFault>,
        skipped: bool,
    },
}

impl LoadFault {
    pub fn en(&self) -> String {
        match self {
            LoadFault::Value { field, why } => format!("`{field}`: {why}"),
            LoadFault::NoId { field, from, id } => {
                let how = match from {
                    IdFrom::Position => "its position",
                    IdFrom::Row => "its row",
                    IdFrom::Ends => "the points it joins",
                };
                format!("no `{field}`: identified by {how} as {id}")
            }
            LoadFault::InspectionWithoutOutfall => {
                "no `outfall_id`: the inspection names no outfall; row skipped".into()
            }
            LoadFault::InspectionWithoutDate { outfall } => {
                format!("inspection of {outfall} has no `date`; row skipped")
            }
            LoadFault::InspectionBadDate { outfall, why } => {
                format!("inspection of {outfall}: `date`: {why}; row skipped")
            }
            LoadFault::InspectionOfUnknownOutfall { outfall } => format!(
                "inspection of `{outfall}` names no outfall of the outfalls layer; row skipped"
            ),
            LoadFault::DistrictWithoutName => "no `name`; district skipped".into(),
            LoadFault::PipeWithoutKind => "no `kind`; pipe skipped".into(),
            LoadFault::PipeRowWithoutEnds => "a row of a pipe table needs both `from_node` (起点点号) and `to_node` (终点点号); row skipped".into(),
            LoadFault::PipeEndsTogether { from, to } => format!(
                "`from_node` {from} and `to_node` {to} lie at the same place; row skipped"
            ),
            LoadFault::PipeEndsUnknown { missing } => format!(
                "{} names no point of the manholes layer; row skipped",
                missing
                    .iter()
                    .map(|(f, n)| format!("`{f}` {n}"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
            LoadFault::NoManholes => {
                "the workspace has no manholes layer (管点) to draw it between; row skipped".into()
            }
            LoadFault::DuplicateId { field, id } => {
                format!("`{field}` {id} is used by more than one feature")
            }
            LoadFault::SurveyRowUnknown {
                place,
                sheet,
                row,
                layer,
                id,
            } => format!(
                "{place}, sheet {sheet}, row {row}: no {} `{id}` in the workspace; row skipped",
                layer.name()
            ),
            LoadFault::SurveyAnswer {
                place,
                sheet,
                row,
                column,
                why,
            } => format!(
                "{place}, sheet {sheet}, row {row}: {column}: {why}; that answer is skipped"
            ),
            LoadFault::Gdal(m) => format!("GDAL: {m}"),
            LoadFault::Geometry { faults, skipped } => GeometryFault::all_en(faults, *skipped),
        }
    }

    pub fn zh(&self) -> String {
        match self {
            LoadFault::Value { field, why } => format!("字段 {field}：{}", why.zh()),
            LoadFault::NoId { field, from, id } => {
                let how = match from {
                    IdFrom::Position => "按位置",
                    IdFrom::Row => "按行号",
                    IdFrom::Ends => "按起止点号",
                };
                format!("缺少编号字段 {field}：{how}编为 {id}")
            }
            LoadFault::InspectionWithoutOutfall => {
                "缺少 outfall_id：该排查记录未写排口编号，已跳过该行".into()
            }
            LoadFault::InspectionWithoutDate { outfall } => {
                format!("排口 {outfall} 的排查记录缺少日期 date，已跳过该行")
            }
            LoadFault::InspectionBadDate { outfall, why } => {
                format!(
                    "排口 {outfall} 的排查记录：日期 date {}，已跳过该行",
                    why.zh()
                )
            }
            LoadFault::InspectionOfUnknownOutfall { outfall } => {
                format!("排查记录的排口 {outfall} 不在排口图层中，已跳过该行")
            }
            LoadFault::DistrictWithoutName => "区县缺少名称 name，已跳过".into(),
            LoadFault::PipeWithoutKind => "管段缺少类型 kind，已跳过".into(),
            LoadFault::PipeRowWithoutEnds => {
                "管线表的一行须同时有起点点号 from_node 和终点点号 to_node，已跳过该行".into()
            }
            LoadFault::PipeEndsTogether { from, to } => {
                format!("起点 {from} 与终点 {to} 位于同一位置，已跳过该行")
            }
            LoadFault::PipeEndsUnknown { missing } => format!(
                "{} 不在管点图层中，已跳过该行",
                missing
                    .iter()
                    .map(|(f, n)| {
                        let end = if f == "from_node" { "起点" } else { "终点" };
                        format!("{end} {n}")
                    })
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            LoadFault::NoManholes => "工作空间没有管点图层，无法绘出该管段，已跳过该行".into(),
            LoadFault::DuplicateId { field, id } => {
                format!("编号 {id}（字段 {field}）被多个要素使用")
            }
            LoadFault::SurveyRowUnknown {
                place,
                sheet,
                row,
                layer,
                id,
            } => format!(
                "{place} 工作表“{sheet}”第 {row} 行：工作空间中没有{} {id}，已跳过该行",
                layer.label_zh()
            ),
            LoadFault::SurveyAnswer {
                place,
                sheet,
                row,
                column,
                why,
            } => format!(
                "{place} 工作表“{sheet}”第 {row} 行：{column} {}，该项填报已跳过",
                why.zh()
            ),
            LoadFault::Gdal(m) => format!("GDAL 提示：{m}"),
            LoadFault::Geometry { faults, skipped } => GeometryFault::all_zh(faults, *skipped),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_reads_as_a_whole_sentence_in_each_language() {
        let f = LoadFault::Value {
            field: "capacity_tpd".into(),
            why: Unreadable::Number("about 800".into()),
        };
        assert_eq!(f.en(), "`capacity_tpd`: `about 800` is not a number");
        assert_eq!(f.zh(), "字段 capacity_tpd：“about 800”不是数字");
        let f = LoadFault::PipeEndsUnknown {
            missing: vec![("to_node".into(), "W9".into())],
        };
        assert_eq!(f.zh(), "终点 W9 不在管点图层中，已跳过该行");
    }
}
