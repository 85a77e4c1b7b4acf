//! A spot check's field sheet (现场核实抽查记录表).

super::phrases! {
    spotcheck_title(id) => "现场核实抽查记录表 {id}", "Spot check field sheet {id}";
    spotcheck_header(id) => "现场核实抽查 {id} · zdz", "Spot check {id} · zdz";
    check_id() => "抽查编号", "Check";
    seed() => "随机种子", "Random seed";
    drawn() => "抽查对象", "Drawn";
    items(n) => "{n} 项", "{n} items";
    spotcheck_note() =>
        "同一随机种子抽取相同样本；核查结果填入同名 XLSX 的“核查结果”列（合格/不合格），用 zdz ledger import 导入；已销号问题核查不合格的将重新打开。",
        "The same seed draws the same sample; write the results in the 核查结果 column of the XLSX of the same name (合格/不合格) and read it with zdz ledger import; a closed problem that fails is opened again.";
    spotcheck_cluster(id) => "组团 {id}", "Cluster {id}";
    spotcheck_map_caption(id, dropped) => "{id} 的排口、管网与问题{dropped}", "{id}: outfalls, pipes and problems{dropped}";
    name_or_problem() => "名称或问题", "Name or problem";
    problem_id() => "问题编号", "Problem";
    result() => "核查结果", "Result";
    pass_fail() => "□ 合格    □ 不合格", "□ pass    □ fail";
    checked_by() => "核查人 / 日期", "Checked by / on";
}
