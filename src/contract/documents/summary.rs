//! A cluster's 建设总结报告.

super::phrases! {
    summary_cover_title(name) =>
        "{name} 污水零直排区建设总结报告",
        "{name}: zero direct sewage discharge zone, construction summary report";
    summary_title(name) => "{name} 建设总结报告", "{name}: construction summary report";
    summary_header(name, id) =>
        "{name} ({id}) · 污水零直排区建设总结报告 · zdz",
        "{name} ({id}) · zero direct discharge zone: construction summary · zdz";
    heading_basics() => "一、基本情况", "1. The cluster";
    park() => "所属园区", "Park";
    park_level() => "园区级别", "Park level";
    district() => "所在区县", "District";
    deadline() => "完成时限", "Deadline";
    deadline_with_reason(deadline, reason) => "{deadline}（{reason}）", "{deadline} ({reason})";
    enterprises() => "企业（排水户）", "Enterprises (dischargers)";
    enterprise_count(n) => "{n} 家", "{n}";
    pipes() => "管段", "Pipes";
    pipe_count(n) => "{n} 段", "{n}";
    outfalls() => "排口", "Outfalls";
    outfall_count(n) => "{n} 个", "{n}";
    receiving_plants() => "接收污水处理厂", "Receiving treatment plants";
    heading_survey() => "二、排查情况", "2. The survey";
    first_survey(run, n) =>
        "首次排查（问题台账第 {run} 次运行）发现问题 {n} 项。",
        "The first survey (run {run} of the problem ledger) found {n} problems.";
    no_ledger_survey() =>
        "未接入问题台账：以下为本次分析的排查结果。",
        "No problem ledger: below is what this analysis found.";
    this_survey(n) => "本次排查发现问题 {n} 项。", "This survey found {n} problems.";
    kind_count_columns() => "问题类型|数量", "Kind|Problems";
    chain_count_columns() => "源、网、厂、口|数量", "Sources, network, plants, outfalls|Problems";
    heading_effects() => "三、整治成效（突出成效）", "3. What the remediation achieved";
    no_ledger_effects() =>
        "未接入问题台账：整治成效由台账中首次与最近一次运行对比得出。",
        "No problem ledger: the effects are the ledger's first run against its latest.";
    score_now(s) => "当前得分（暂行）{s}。", "Score now (provisional) {s}.";
    first_found() => "首次排查发现问题", "Problems the first survey found";
    problem_count_short(n) => "{n} 项", "{n}";
    closed() => "已销号", "Closed";
    dismissed() => "不予认定", "Dismissed";
    still_open() => "尚未销号", "Not yet closed";
    recurrences() => "反复（销号后再次检出）", "Recurrences (found again after closing)";
    times(n) => "{n} 次", "{n}";
    outfalls_now_traced() => "来源不明排口现已溯源", "Unmatched outfalls now traced";
    enterprises_now_connected() => "企业现已纳管或覆盖", "Enterprises now connected or covered";
    score_provisional() => "得分（暂行）", "Score (provisional)";
    before_after(before, now) => "整治前 {before} → 当前 {now}", "before {before} → now {now}";
    chain_first(k) => "{k} 首次排查", "{k}: first survey";
    chain_now(k) => "{k} 当前", "{k}: now";
    chart_before_after() => "整治前后问题数", "Problems before and after";
    before_after_caption() =>
        "源、网、厂、口问题数：首次排查与当前",
        "Problems of sources, network, plants and outfalls: first survey and now";
    heading_practices() => "四、典型做法与建设亮点", "4. Practices and highlights";
    practices() => "典型做法", "Practices";
    highlights() => "建设亮点", "Highlights";
    to_write() => "待填写", "to be written";
    heading_acceptance() => "五、验收情况", "5. Acceptance";
    accepted_on() => "验收日期", "Accepted on";
    official_score() => "官方得分", "Official score";
    zdz_score() => "zdz 得分（暂行）", "zdz score (provisional)";
    scored_by() => "评分人", "Scored by";
    conclusion() => "结论", "Conclusion";
    passed() => "达到验收标准，已销号", "meets the standard; closed";
    not_passed() => "未达到验收标准", "does not meet the standard";
    not_accepted() => "尚未验收。", "Not yet accepted.";
    acceptance_columns() => "项目|内容|满分|官方得分|zdz 得分", "Item|Content|Max|Official|zdz";
    heading_veto() => "一票否决项", "Vetoes";
    none_yet() => "无。", "None.";
    heading_remaining() => "遗留问题", "Problems remaining";
    remaining_columns() =>
        "问题编号|问题类型|严重程度|整改状态|完成时限",
        "Problem|Kind|Severity|Status|Due";
    heading_long_term() => "长效机制", "Long-term arrangements";
    om_contract() => "运维合同", "Operation and maintenance contract";
    patrol() => "巡查制度", "Patrol system";
}
