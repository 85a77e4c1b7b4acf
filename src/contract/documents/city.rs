//! The city's overview (建设进展总览).

super::phrases! {
    campaign_name() => "工业园区污水零直排区", "Industrial parks' zero direct sewage discharge zones";
    city_title(title) => "{title} 建设进展总览", "{title}: progress overview";
    city_header(title) => "{title} · 建设进展总览 · zdz", "{title} · progress overview · zdz";
    city_clusters_line(all, scored, groups) =>
        "组团 {all} 个，纳入 {scored} 个：{groups}",
        "{all} clusters, {scored} in scope: {groups}";
    group_count(group, n) => "{group} {n} 个", "{group} {n}";
    group_separator() => "，", ", ";
    problems_line(n) => "问题 {n} 项", "{n} problems";
    city_provisional_note() =>
        "得分依据暂行评分细则；正式评分细则到位后以正式细则为准。",
        "Scores follow the provisional rubric until the official one is in hand.";
    heading_deadlines() => "完成时限与验收状态", "Deadlines and readiness";
    deadlines_caption() => "各完成时限下组团数，按验收状态分", "Clusters per deadline, by readiness";
    scores_caption(pass) =>
        "得分分布(暂行)，按验收状态着色，竖线为达标线 {pass}",
        "Scores (provisional), coloured by readiness; the vertical line is the pass line {pass}";
    heading_problem_spread() => "问题分布", "Problems";
    outside_clusters() => "组团外", "outside any cluster";
    chart_by_code() => "问题按类型", "Problems by kind";
    by_code_caption() => "各类问题数量", "Problems of each kind";
    chart_by_district() => "问题按区县", "Problems by district";
    top_districts_caption(n) => "问题最多的 {n} 个区县", "The {n} districts with the most problems";
    districts_caption() => "各区县问题数量", "Problems per district";
    heading_cluster_map() => "组团分布", "Where the clusters are";
    overview_caption(crs, dropped) =>
        "全部组团，按完成时限着色；坐标系 {crs}{dropped}",
        "Every cluster, coloured by deadline; CRS {crs}{dropped}";
    heading_cluster_table() => "组团一览", "Every cluster";
    cluster_table_columns() =>
        "组团编号|组团名称|区县|完成时限|得分|状态|距达标措施|问题数",
        "Cluster|Name|District|Deadline|Score|Readiness|Actions to pass|Problems";
    overdue_problems_column() => "逾期问题", "Overdue problems";
    unreachable_short() => "无法达标", "unreachable";
    heading_campaign(as_of) => "建设进度（截至 {as_of}）", "Progress as of {as_of}";
    campaign_columns() => "完成时限|组团", "Deadline|Clusters";
    heading_overdue_clusters(n) => "逾期组团（{n} 个）", "Overdue clusters ({n})";
    no_overdue_cluster() => "无逾期组团。", "No cluster is overdue.";
    overdue_columns() =>
        "组团编号|组团名称|区县|完成时限|得分|达标还需措施",
        "Cluster|Name|District|Deadline|Score|Actions to pass";
    heading_demo_list() => "示范清单", "Demonstration list";
    no_demo() => "工作空间未标注示范或示范备选组团。", "The workspace marks no demonstration cluster nor candidate.";
    demo() => "示范", "demonstration";
    demo_candidate() => "示范备选", "candidate";
    demo_columns() =>
        "组团编号|组团名称|区县|类别|完成时限|示范整治节点|进度",
        "Cluster|Name|District|Kind|Deadline|Demonstration date|Progress";
}
