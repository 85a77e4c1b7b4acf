//! Why the ledger refuses a change that breaks a rule of the campaign, worded once in
//! English (the command line and the API, as before) and in Chinese (the pages).

/// A change the ledger refuses.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// 不予认定 without a reason.
    DismissWithoutNote { problem: String },
    /// 已销号 while the latest run in which its rule ran still detects it; `forced`: a
    /// reason was given, by a user who is not the city.
    StillDetected {
        problem: String,
        detail: String,
        forced: bool,
    },
    /// An acceptance while the latest run detects veto problems in the cluster.
    VetoDetected {
        cluster: String,
        run: i64,
        veto: Vec<String>,
    },
    /// A cluster's summary text written since the version its writer saw.
    TextChanged {
        cluster: String,
        seen: i64,
        version: i64,
        by: String,
    },
}

impl Refusal {
    pub fn en(&self) -> String {
        match self {
            Refusal::DismissWithoutNote { problem } => {
                format!("dismissing {problem} (不予认定) needs a reason: give a note")
            }
            Refusal::StillDetected {
                problem,
                detail,
                forced,
            } => format!(
                "{problem} cannot be closed (已销号): the latest run in which its rule ran still detected it ({detail}){}",
                if *forced {
                    "; only a city role may force it"
                } else {
                    "; fix it and run the analysis again, or a city role gives --force-reason"
                }
            ),
            Refusal::VetoDetected { cluster, run, veto } => format!(
                "{cluster} cannot be accepted: zdz's latest run (run {run}) detects veto problems in it: {}. Fix them and run again, or a city user records the acceptance with an override and its reason",
                veto.join(", ")
            ),
            Refusal::TextChanged {
                cluster,
                seen,
                version,
                by,
            } => {
                format!("{cluster}'s text changed since version {seen}: version {version}, by {by}")
            }
        }
    }

    pub fn zh(&self) -> String {
        match self {
            Refusal::DismissWithoutNote { problem } => {
                format!("将 {problem} 认定为“不予认定”须在说明中写明理由。")
            }
            Refusal::StillDetected {
                problem,
                detail,
                forced,
            } => format!(
                "{problem} 不能销号：最近一次分析仍检出该问题（{detail}）。{}",
                if *forced {
                    "强制销号仅限市级用户。"
                } else {
                    "请整改后重新分析，或由市级用户写明理由强制销号。"
                }
            ),
            Refusal::VetoDetected { cluster, run, veto } => format!(
                "{cluster} 不能记录验收：最近一次分析（第 {run} 次）仍检出一票否决问题 {}。请整改后重新分析，或由市级用户写明理由强制记录。",
                veto.join("、")
            ),
            Refusal::TextChanged {
                cluster,
                seen,
                version,
                by,
            } => format!(
                "{cluster} 的总结文字在您看到的第 {seen} 版之后已由 {by} 改为第 {version} 版。"
            ),
        }
    }
}
