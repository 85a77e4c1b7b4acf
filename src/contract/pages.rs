//! The words of the service's pages (sign-in, the problem list, a problem's page, the
//! dashboard, the users): one place, so that a page builder writes none of its own.

/// The service's name in the page titles.
pub const SERVICE: &str = "污水零直排区 问题台账";

pub const SIGN_IN: &str = "登录";
pub const SIGN_OUT: &str = "退出";
pub const NAME: &str = "用户名";
pub const PASSWORD: &str = "密码";
pub const SIGN_IN_REFUSED: &str = "用户名或密码不正确，或该用户已停用。";
/// Too many failed sign-ins: the minutes to wait follow.
pub const SIGN_IN_THROTTLED: &str = "登录失败次数过多，请稍后再试。等待（分钟）：";
pub const FORM_EXPIRED: &str = "表单已过期或来源不明（缺少 CSRF 令牌），请刷新页面后重新提交。";
pub const NO_LEDGER: &str =
    "此服务未连接问题台账，无法登录或处理问题。请以 zdz serve --ledger <台账> 启动服务。";

pub const NAV_PROBLEMS: &str = "问题清单";
pub const NAV_DASHBOARD: &str = "整改进展";
pub const NAV_USERS: &str = "用户管理";
pub const NAV_MAP: &str = "一张图";

pub const MY_CLUSTERS: &str = "组团";
pub const MY_PROBLEMS: &str = "问题（逾期在前）";
pub const CLUSTER: &str = "组团";
pub const CLUSTER_NAME: &str = "组团名称";
pub const DISTRICT: &str = "区县";
pub const DEADLINE: &str = "完成时限";
pub const CAMPAIGN_STATUS: &str = "验收状态";
pub const SCORE: &str = "得分";
pub const PROBLEM: &str = "问题编号";
pub const CODE: &str = "问题类型";
pub const FEATURE: &str = "要素";
pub const STATUS: &str = "状态";
pub const DUE: &str = "整改时限";
pub const DUE_BEFORE: &str = "时限不晚于";
pub const UNIT: &str = "责任单位";
pub const MEASURE: &str = "整改措施";
pub const NOTE: &str = "说明";
pub const DETAIL: &str = "问题描述";
pub const DETECTED: &str = "本次分析仍检出";
pub const RECURRENCES: &str = "复发次数";
pub const OVERDUE: &str = "逾期";
pub const ANY: &str = "全部";
pub const FILTER: &str = "筛选";
pub const NONE_FOUND: &str = "没有符合条件的问题。";
pub const OPEN_ON_MAP: &str = "在一张图中查看";
pub const COUNT: &str = "共";
pub const CLUSTERS_UNIT: &str = "个";
pub const ITEMS_UNIT: &str = "项";
pub const PAGES: &str = "分页";
pub const PREV_PAGE: &str = "上一页";
pub const NEXT_PAGE: &str = "下一页";
pub const ROWS_SHOWN_FROM: &str = "本页为第";
pub const PAGE_OF: &str = "第";
pub const PAGE_UNIT: &str = "页";

pub const HISTORY: &str = "处理记录";
pub const WHEN: &str = "时间";
pub const WHO: &str = "操作人";
pub const WHAT: &str = "内容";
pub const EVIDENCE: &str = "整改佐证";
pub const NO_EVIDENCE: &str = "尚无佐证材料。";
pub const CHANGE: &str = "更新问题";
pub const SAVE: &str = "保存";
pub const UPLOAD: &str = "上传照片或文件";
pub const UPLOAD_HINT: &str = "可直接用手机拍照；单个文件不超过 20 MB。";
pub const VERSION: &str = "版本";
pub const SAVED: &str = "已保存。";
/// A stale edit: who changed the entry since follows.
pub const STALE: &str = "您打开此页面后，该问题已被他人修改，您的修改未保存。最近修改人：";
pub const STALE_AGAIN: &str = "下面是当前内容，请核对后重新提交。";
pub const REFUSED: &str = "未保存：";
pub const READ_ONLY: &str = "您的角色只能查看，不能修改。";

pub const FORBIDDEN_TITLE: &str = "无权访问";
pub const FORBIDDEN: &str = "此问题不属于您所在区县，您无权查看或修改。";
pub const NOT_FOUND_TITLE: &str = "未找到";
pub const NOT_FOUND: &str = "台账中没有这个问题。";

pub const DASHBOARD_TITLE: &str = "整改进展（按区县、完成时限）";
pub const BY_DISTRICT: &str = "按区县";
pub const BY_DEADLINE: &str = "按完成时限";
pub const CLUSTERS: &str = "组团数";
pub const ACCEPTED: &str = "已验收";
pub const CLUSTERS_OVERDUE: &str = "逾期未验收";
pub const CLUSTERS_DUE: &str = "整治中";
pub const FOUND: &str = "问题总数";
pub const SHARE_CLOSED: &str = "销号率";
pub const TOTAL: &str = "合计";
pub const OVERDUE_CLUSTERS: &str = "逾期未验收的组团";
pub const OVERDUE_PROBLEMS: &str = "逾期未整改的问题";
pub const AS_OF: &str = "统计日期：";

pub const USERS_TITLE: &str = "用户管理";
pub const ROLE: &str = "角色";
pub const STATE: &str = "状态";
pub const ENABLED: &str = "启用";
pub const DISABLED: &str = "已停用";
pub const DISABLE: &str = "停用";
pub const ENABLE: &str = "启用";
pub const RESET_PASSWORD: &str = "重设密码";
pub const NEW_PASSWORD: &str = "新密码（至少 10 个字符）";
pub const SET_DISTRICT: &str = "设置区县";
pub const ADD_USER: &str = "添加用户";
pub const ADD: &str = "添加";
pub const HAS_PASSWORD: &str = "可登录";
pub const TOKEN_ONCE: &str = "该用户的脚本令牌（只显示这一次，请妥善保存）：";
pub const DONE: &str = "已完成。";

/// A role in the reader's words.
pub fn role_zh(role: &str) -> &'static str {
    match role {
        "city" => "市级",
        "district" => "区县",
        _ => "查看",
    }
}

/// What a history row records, in the reader's words.
pub fn change_zh(change: &str) -> &str {
    match change {
        "new" => "首次检出",
        "recurred" => "再次检出（复发）",
        "not_detected" => "本次分析未检出",
        "status" => "状态变更",
        "edit" => "修改",
        "evidence" => "上传佐证",
        "import" => "台账导入",
        other => other,
    }
}

pub const LEDGER_UNAVAILABLE: &str = "问题台账暂时无法访问，请稍后再试。";

pub const OUTFALL: &str = "排口";
pub const OUTFALL_KIND: &str = "排口类型";
pub const OUTFALL_STATUS: &str = "排口状态";
pub const RECEIVING_WATER: &str = "受纳水体";
pub const PROBLEMS: &str = "问题";
pub const LAST_DRY: &str = "最近晴天排查";
pub const LAST_SAMPLE: &str = "最近采样";
pub const NO_OUTFALL: &str = "没有这个排口。";
pub const INSPECT: &str = "记录排查";
pub const INSPECTIONS: &str = "排查记录（网页录入）";
pub const NO_INSPECTIONS: &str = "尚无网页录入的排查记录。";
pub const INSPECTED_ON: &str = "排查日期";
pub const WEATHER: &str = "天气";
/// The weathers the form offers; the loader reads each (晴/阴 are dry, any 雨 is rain).
pub const WEATHERS: [&str; 6] = ["晴", "阴", "多云", "小雨", "中雨", "大雨"];
pub const FLOWING: &str = "是否有水流出";
pub const FLOWING_YES: &str = "有水流出";
pub const FLOWING_NO: &str = "无水流出";
pub const NOT_SEEN: &str = "未观察";
pub const COD: &str = "COD（mg/L）";
pub const NH3N: &str = "氨氮 NH₃-N（mg/L）";
pub const PHOTO: &str = "现场照片";
pub const INSPECTOR: &str = "排查人";
pub const RECORDED: &str = "排查记录已保存，下次分析（或服务重新载入）时计入。";
pub const SIGN_IN_TO_INSPECT: &str = "登录后可在此记录排查";
pub const NOT_YOUR_OUTFALL: &str = "此排口不在您所在区县，不能记录排查。";
/// The outbox line: the number waiting follows.
pub const OUTBOX: &str = "无网络时填写的排查记录保存在本机，联网后自动发送。待发送：";
pub const OUTBOX_SENT: &str = "已发送保存在本机的排查记录。";

pub const CLUSTER_PAGE: &str = "组团";
pub const PROBLEMS_OF_CLUSTER: &str = "本组团问题清单";
pub const ACCEPTANCES: &str = "验收记录";
pub const NO_ACCEPTANCES: &str = "尚无验收记录。";
pub const RECORD_ACCEPTANCE: &str = "记录验收";
pub const ACCEPTED_ON: &str = "验收日期";
pub const OFFICIAL_SCORE: &str = "验收得分";
pub const SCORED_BY: &str = "评分单位";
pub const ITEMS: &str = "分项得分（如 S1=15 S2=10，可不填）";
pub const OVERRIDE: &str = "强制记录理由（仅市级；一票否决问题仍检出时）";
pub const OPINION: &str = "验收意见（PDF 或照片）";
pub const ZDZ_SCORE: &str = "zdz 得分";
pub const REMAINING: &str = "遗留问题（项）";
pub const RECORDED_BY: &str = "记录人";
pub const NARRATIVE: &str = "典型做法与建设亮点（写入建设总结报告）";
pub const NARRATIVE_HINT: &str =
    "段落之间空一行。保存后，zdz report --summary 生成的建设总结报告即采用这里的文字。";
pub const PRACTICES: &str = "典型做法";
pub const HIGHLIGHTS: &str = "建设亮点";
pub const LAST_WRITTEN: &str = "最近填写：";
pub const NARRATIVE_STALE: &str = "您打开此页面后，该组团的总结文字已被他人修改，您的修改未保存。";
pub const NO_CLUSTER: &str = "没有这个组团，或台账尚未记录它所在工作空间的分析。";
pub const NOT_YOUR_CLUSTER: &str = "此组团不在您所在区县，您无权查看或填写。";
