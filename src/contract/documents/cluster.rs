//! A cluster's 排查整治报告: cover, map, 源 网 厂 口, score, problem list.

super::phrases! {
    cluster_title(name) => "{name} 排查整治报告", "{name}: survey and remediation report";
    cluster_header(name, id) =>
        "{name} ({id}) · 污水零直排区排查整治报告 · zdz",
        "{name} ({id}) · zero direct discharge zone: survey and remediation · zdz";
    cluster_cover_title(name) =>
        "{name} 污水零直排区建设排查整治报告",
        "{name}: zero direct sewage discharge zone, survey and remediation report";
    cluster_id_line(id) => "组团编号 {id}", "Cluster {id}";
    not_stated() => "未注明", "not stated";
    park_not_stated() => "园区未注明", "park not stated";
    deadline_line(deadline, reason) => "完成时限 {deadline}（{reason}）", "Deadline {deadline} ({reason})";
    campaign_line(as_of, status) => "建设进度（截至 {as_of}）：{status}", "Progress as of {as_of}: {status}";
    corridor_yes_at(d) => "长江沿线: 是, 距长江干流 {d}", "Yangtze corridor: yes, {d} from the main stem";
    corridor_yes() => "长江沿线: 是", "Yangtze corridor: yes";
    corridor_no_at(d) => "长江沿线: 否, 距长江干流 {d}", "Yangtze corridor: no, {d} from the main stem";
    corridor_no() => "长江沿线: 否", "Yangtze corridor: no";
    score_line(provisional, score, state) =>
        "得分{provisional} {score} / 100 · {state}", "Score{provisional} {score} / 100 · {state}";
    made_on(date, version) => "{date} 编制 · zdz {version}", "Made on {date} · zdz {version}";
    cluster_cover_note() =>
        "本报告由 zdz 根据工作空间数据自动生成；示例数据为虚构。评分依据暂行评分细则，正式评分细则到位后以正式细则为准。",
        "Made by zdz from the workspace's data; the demo data are fictitious. Scores follow the provisional rubric until the official one is in hand.";
    state_out_of_scope() => "不纳入", "out of scope";
    state_vetoed(n) => "一票否决（{n} 项否决问题）", "vetoed ({n} veto problems)";
    state_ready() => "已达标", "ready";
    state_not_ready() => "未达标", "not ready";
    provisional_mark() => "(暂行)", " (provisional)";
    heading_location() => "组团位置与管网", "Location and network";
    cluster_map_caption(name, corridor, scale, crs, dropped) =>
        "{name}：管网、排口、问题与长江干流 {corridor} 范围；比例尺 {scale}；坐标系 {crs}{dropped}",
        "{name}: pipes, outfalls, problems and the {corridor} band along the Yangtze main stem; scale bar {scale}; CRS {crs}{dropped}";
    heading_sources() => "源：企业（排水户）", "Sources: enterprises (dischargers)";
    to_answer() => "待填报", "not answered";
    not_declared() => "未申报", "not declared";
    drains_to(pipe, d) => "是: {pipe} ({d})", "yes: {pipe} ({d})";
    none() => "无", "none";
    enterprises_in_cluster(n) => "组团内企业 {n} 家。", "{n} enterprises in the cluster.";
    enterprise_columns() =>
        "企业编号|企业名称|纳管(申报)|管网覆盖(接入管段)|排污许可|雨污分流|初期雨水",
        "Enterprise|Name|Connected (declared)|Covered (pipe)|Discharge permit|Separated|First flush";
    heading_network() => "网：管网", "Network: pipes";
    pipe_columns() => "管网类型|管段数|总长度|3–4级缺陷", "Kind|Pipes|Length|Grade 3–4 defects";
    heading_defects() => "管道缺陷（3–4 级）", "Pipe defects (grade 3–4)";
    defect_columns() => "问题编号|管段|说明", "Problem|Pipe|Detail";
    heading_cross_connections() => "雨污混接", "Storm/sewage cross-connections";
    cross_connection(problem, outfall, detail) =>
        "{problem} 排口 {outfall}：{detail}", "{problem}, outfall {outfall}: {detail}";
    trace_caption(outfall, dropped) =>
        "排口 {outfall} 上游溯源（紫红色为上游管段）{dropped}",
        "Upstream trace of outfall {outfall} (upstream pipes in magenta){dropped}";
    heading_plants() => "厂：接收污水的污水处理厂", "Plants: the treatment plants receiving the sewage";
    no_plant() =>
        "未找到接收本组团污水的污水厂(污水去向不明)。",
        "No plant receives this cluster's sewage (where it goes is unknown).";
    plant_columns() =>
        "污水厂编号|名称|设计规模(t/d)|实际处理量(t/d)|负荷率|超负荷",
        "Plant|Name|Capacity (t/d)|Inflow (t/d)|Load|Overloaded";
    heading_outfalls() => "口：排口", "Outfalls";
    not_inspected() => "未排查", "not inspected";
    flowing() => "有水", "flowing";
    dry() => "无水", "dry";
    outfall_columns() =>
        "排口编号|类型|状态|上游管段/企业|最近晴天排查|最近采样(mg/L)|问题",
        "Outfall|Kind|Status|Upstream pipes/enterprises|Last dry-weather check|Last sample (mg/L)|Problems";
    heading_score(provisional) => "验收评分{provisional}", "Acceptance score{provisional}";
    not_scored() =>
        "本组团无企业，不纳入本次建设范围，不评分。",
        "The cluster has no enterprise: it is outside the campaign and not scored.";
    score_para(provisional, score, pass, state) =>
        "得分{provisional} {score} / 100，达标线 {pass}；{state}。",
        "Score{provisional} {score} / 100, pass line {pass}; {state}.";
    provisional_note() =>
        "暂行：正式评分细则尚未取得，以下为 zdz 依领域资料拟定的暂行细则；取得正式细则后，在 zdz.toml 中以 `rubric = \"….toml\"` 替换。",
        "Provisional: the official rubric is not in hand; the items below are zdz's reading of the campaign's documents. Once it is, name it in zdz.toml as `rubric = \"….toml\"`.";
    score_columns() => "项目|维度|名称|得分|满分|计分依据", "Item|Dimension|Name|Points|Max|Counted";
    vetoes(list) => "否决项：{list}", "Vetoes: {list}";
    heading_fewest_actions() => "达标最少措施", "Fewest actions to pass";
    plan_ready() => "已达标，无需措施。", "Ready: no action needed.";
    plan_unreachable(pass, best, reason) =>
        "即使采取全部措施亦无法达到 {pass} 分（最高 {best}）：{reason}",
        "Even every action cannot reach {pass} (at best {best}): {reason}";
    veto_item() => "一票否决", "veto";
    action(label, item, points) => "{label}（{item} +{points}）", "{label} ({item} +{points})";
    plan_actions(n, after) => "共 {n} 项措施，完成后得分 {after}：", "{n} actions; the score after them {after}:";
    unreachable(best, pass, stuck) =>
        "采取全部措施后得分 {best}，仍低于达标线 {pass}：{stuck}",
        "with every action the score reaches {best}, below the pass line {pass}: {stuck}";
    stuck_item(item, name, at_most, max, cause) =>
        "{item} {name} 最多 {at_most} 分（满分 {max}，{cause}）",
        "{item} {name} at most {at_most} of {max} ({cause})";
    stuck_no_member(of) => "组团内无{of}", "the cluster holds no {of}";
    stuck_no_plant() => "无接收污水的污水厂", "no plant receives the cluster's sewage";
    stuck_no_action() => "无措施可得满分", "no action reaches full points";
    heading_problems() => "问题清单", "Problem list";
    change_new() => "新发现", "new";
    change_recurred() => "反复", "recurred";
    change_detected_again() => "再次检出", "detected again";
    change_no_longer_detected() => "不再检出", "no longer detected";
    change_not_detected() => "未检出", "not detected";
    problem_columns() => "问题编号|问题类型|对象|说明", "Problem|Kind|Feature|Detail";
    ledger_columns() =>
        "整改状态|责任单位|整改措施|完成时限|反复|本次变化",
        "Status|Unit|Measure|Due|Recurrences|Change this run";
    problem_count(n) => "问题 {n} 项。", "{n} problems.";
}
