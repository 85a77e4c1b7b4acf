//! The words of the workbooks zdz writes: `survey.xlsx` (the "源、网、厂" 调查表 and its
//! per-cluster copies) and the ledger's progress workbook. Chinese only: a workbook's
//! headers are also what `--survey` and `zdz ledger import` read back.

/// The problem sheet's name and the headers the ledger's import reads.
pub const SHEET: &str = "问题清单";
pub const ID: &str = "问题编号";
pub const MEASURE: &str = "整改措施";
pub const UNIT: &str = "责任单位";
pub const DUE: &str = "完成时限";
pub const STATUS: &str = "整改状态";
pub const VERSION: &str = "台账版本";
pub const NOTE: &str = "备注";

/// The workbook's title (its document properties).
pub const SURVEY_TITLE: &str =
    "工业园区\u{201c}污水零直排区\u{201d}建设\u{201c}源、网、厂\u{201d}调查表";

pub const NETWORK_SHEET: &str = "网 管网";
pub const PIPE_SHEET: &str = "管网 管段";
pub const PLANT_SHEET: &str = "厂 污水厂";
pub const OUTFALL_SHEET: &str = "口 排口";

/// What stands in a cell: a pipe of no cluster, a cluster that cannot pass, an entry
/// the ledger does not hold yet.
pub const OUTSIDE_CLUSTERS: &str = "组团外";
pub const UNREACHABLE: &str = "无法达标";
pub const NOT_STARTED: &str = "待整改";

/// What changed for a problem at the latest run (`new`, `recurred`, `not_detected`, else
/// detected again).
pub fn change(c: &str) -> &'static str {
    match c {
        "new" => "新发现",
        "recurred" => "反复",
        "not_detected" => "不再检出",
        _ => "再次检出",
    }
}

/// The notes on the headers of the columns a bureau fills in.
pub fn yes_no_hint(label: &str) -> String {
    format!("填写“是”或“否”：{label}")
}
pub fn text_hint(label: &str) -> String {
    format!("填写{label}（文字）")
}
pub const STATUS_HINT: &str = "选择整改状态；销号须在最近一次分析不再检出之后";
pub const DUE_HINT: &str = "填写完成时限，格式 2025-10-31";
pub const MEASURE_HINT: &str = "填写整改措施";
pub const UNIT_HINT: &str = "填写责任单位";
pub const NOTE_HINT: &str = "填写备注（可选）";

/// The problem sheet's columns.
pub const PROBLEM_COLUMNS: [&str; 19] = [
    ID,
    "问题代码",
    "问题类型",
    "严重程度",
    "对象图层",
    "对象编号",
    "所在组团",
    "组团验收时限",
    "说明",
    "距离(m)",
    MEASURE,
    UNIT,
    DUE,
    STATUS,
    NOTE,
    "是否仍检出",
    "反复次数",
    "本次变化",
    VERSION,
];

/// The progress workbook (`zdz ledger report`).
pub const TALLY_COLUMNS: [&str; 9] = [
    "问题数",
    "待整改",
    "整改中",
    "待验收",
    "已销号",
    "不予认定",
    "逾期",
    "反复次数",
    "销号率(%)",
];
pub const ENTRY_COLUMNS: [&str; 11] = [
    "问题编号",
    "问题代码",
    "所在组团",
    "区县",
    "整改状态",
    "是否仍检出",
    "反复次数",
    "完成时限",
    "责任单位",
    "整改措施",
    "最近发现",
];
pub const BY_DISTRICT_SHEET: &str = "按区县";
pub const BY_DISTRICT_COLUMNS: [&str; 2] = ["区县", "组团数"];
pub const TOTAL: &str = "合计";
pub const BY_CLUSTER_SHEET: &str = "按组团";
pub const BY_CLUSTER_COLUMNS: [&str; 5] =
    ["组团编号", "组团名称", "区县", "完成时限", "距时限天数"];
pub const OVERDUE_SHEET: &str = "逾期问题";
pub const RECURRENT_SHEET: &str = "反复问题";

/// The survey workbook's sheets' columns.
pub const CLUSTER_COLUMNS: [&str; 20] = [
    "组团编号",
    "组团名称",
    "园区编号",
    "园区名称",
    "园区级别",
    "所在区县",
    "是否示范组团",
    "企业数量",
    "是否长江沿线",
    "与长江干流距离(m)",
    "沿线判定依据",
    "完成时限",
    "时限依据",
    "建设进度",
    "问题数量",
    "得分(暂行)",
    "是否达标",
    "否决项",
    "距达标措施数",
    "待填报项数",
];

pub const ENTERPRISE_COLUMNS: [&str; 11] = [
    "企业编号",
    "企业名称",
    "统一社会信用代码",
    "行业类别",
    "废水产生量(t/d)",
    "是否纳管(申报)",
    "排污许可证编号",
    "所在组团",
    "污水管网覆盖",
    "接入管段",
    "距污水管距离(m)",
];

pub const NETWORK_COLUMNS: [&str; 10] = [
    "组团编号",
    "管网类型",
    "管段数",
    "总长度(m)",
    "3–4级缺陷管段数",
    "按管底高程定向管段数",
    "与提交方向相反管段数",
    "混接点",
    "管底倒挂",
    "大管接小管",
];

pub const PIPE_COLUMNS: [&str; 11] = [
    "管段编号",
    "管网类型",
    "管径(mm)",
    "上游点号",
    "下游点号",
    "流向依据",
    "与提交方向相反",
    "缺陷等级",
    "问题代码",
    "问题类型",
    "说明",
];

pub const PLANT_COLUMNS: [&str; 6] = [
    "污水厂编号",
    "名称",
    "设计规模(t/d)",
    "实际处理量(t/d)",
    "负荷率(%)",
    "是否超负荷",
];

pub const OUTFALL_COLUMNS: [&str; 13] = [
    "排口编号",
    "排口名称",
    "排口类型",
    "受纳水体",
    "所在组团",
    "是否接入管网",
    "接入管段",
    "匹配距离(m)",
    "上游管段数",
    "上游企业数",
    "溯源状态",
    "问题代码",
    "污水厂编号",
];
