//! The words on the maps and charts.

super::phrases! {
    legend() => "图例", "Legend";
    legend_deadline() => "完成时限", "Deadline";
    legend_band(m) => "长江干流 {m} 米范围", "{m} m of the Yangtze main stem";
    legend_outfall() => "排口：", "Outfall: ";
    legend_problem() => "问题：", "Problem: ";
    legend_plant() => "污水厂", "Treatment plant";
    crs_line(name) => "坐标系 {name}", "CRS {name}";
    dropped_labels(names) => "；图中未标注（位置不足）：{names}", "; not labelled for want of room: {names}";
    chart_deadlines() => "组团完成时限与验收状态", "Clusters by deadline and readiness";
    chart_scores() => "得分分布（暂行）", "Scores (provisional)";
    chart_score_axis() => "得分", "Score";
    chart_clusters_axis() => "组团数", "Clusters";
}
