//! The outfall signboards (排口标识牌, 一口一码).

super::phrases! {
    signboards_title() => "排口标识牌", "Outfall signboards";
    signboards_header() => "排口标识牌 · 一口一码 · zdz", "Outfall signboards · one code per outfall · zdz";
    signboard_heading() => "排口标识牌", "Outfall signboard";
    outfall_name() => "排口名称", "Outfall";
    outfall_code() => "排口编码", "Code";
    outfall_kind() => "排口类型", "Kind";
    kind_not_stated() => "类型未注明", "kind not stated";
    receiving_water() => "受纳水体", "Receiving water";
    in_cluster() => "所在组团", "Cluster";
    responsible_body() => "责任主体", "Responsible body";
    scan_to_open(url) => "扫码查看排口溯源：{url}", "Scan to open the outfall's trace: {url}";
    no_outfall() => "所选组团没有排口。", "The chosen clusters have no outfall.";
    in_no_cluster() => "不属于任何组团", "in no cluster";
    cluster_out_of_scope() => "所在组团不纳入（无企业）", "its cluster is out of scope (no enterprise)";
    heading_left_out() => "未制作标识牌的排口", "Outfalls without a signboard";
    left_out_columns() => "排口编码|排口名称|原因", "Code|Outfall|Why";
}
