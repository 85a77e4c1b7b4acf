//! A cluster's 建设总结报告, the report a district submits at acceptance: 基本情况,
//! 排查情况 (what the first ledger run found), 整治成效 (first run against the latest), the
//! district's own 典型做法 and 建设亮点 (written on the cluster's page of the service and
//! kept in the ledger, else `总结/<cluster_id>.md`), and 验收情况 (the official
//! score beside zdz's, vetoes, 遗留问题, the 长效机制 answers). In Chinese, as PDF, HTML and
//! an editable DOCX.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::doc::{Block, Document, Paper};
use super::yes_no;
use crate::contract::{ProblemCode, Vocabulary, words};
use crate::ledger::entry::Entry;
use crate::ledger::status::Status;
use crate::outcome::Outcome;
use crate::readiness::json::round2;
use crate::render::chart;

/// The district's own text for one cluster.
#[derive(Debug, Clone, Default)]
pub struct Narrative {
    /// 典型做法.
    pub practices: Vec<String>,
    /// 建设亮点.
    pub highlights: Vec<String>,
}

/// Mark for a section the district has yet to write.
const TO_WRITE: &str = "待填写";

/// The narrative of `cluster_id` from `dir/<cluster_id>.md`: the paragraphs under a heading
/// naming 典型做法, and those under one naming 建设亮点 (a file without such headings is all
/// 典型做法). `None` when the file is missing.
pub fn read_narrative(dir: &Path, cluster_id: &str) -> Option<Narrative> {
    let text = std::fs::read_to_string(narrative_path(dir, cluster_id)).ok()?;
    let mut n = Narrative::default();
    let mut highlights = false;
    let mut paragraph = String::new();
    let flush = |p: &mut String, highlights: bool, n: &mut Narrative| {
        let t = p.trim().to_string();
        if !t.is_empty() {
            if highlights {
                n.highlights.push(t);
            } else {
                n.practices.push(t);
            }
        }
        p.clear();
    };
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(heading) = trimmed.strip_prefix('#') {
            flush(&mut paragraph, highlights, &mut n);
            if heading.contains("建设亮点") {
                highlights = true;
            } else if heading.contains("典型做法") {
                highlights = false;
            }
            continue;
        }
        if trimmed.is_empty() {
            flush(&mut paragraph, highlights, &mut n);
        } else {
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(trimmed);
        }
    }
    flush(&mut paragraph, highlights, &mut n);
    Some(n)
}

/// The narrative of `cluster_id` written on its page of the service and kept in the ledger,
/// when there is one.
pub fn ledger_narrative(o: Outcome, cluster_id: &str) -> Option<Narrative> {
    let n = o.ledger?.narratives.get(cluster_id)?;
    Some(Narrative {
        practices: crate::ledger::narratives::Narrative::paragraphs(&n.practices),
        highlights: crate::ledger::narratives::Narrative::paragraphs(&n.highlights),
    })
}

/// Where the narrative of `cluster_id` is read from.
pub fn narrative_path(dir: &Path, cluster_id: &str) -> PathBuf {
    dir.join(format!("{cluster_id}.md"))
}

/// The cluster's entries in the ledger, when there is one.
fn entries<'a>(o: Outcome<'a>, cluster_id: &str) -> Option<Vec<&'a Entry>> {
    let view = o.ledger?;
    let mut v: Vec<&Entry> = view
        .entries
        .values()
        .filter(|e| e.cluster_ids.iter().any(|c| c == cluster_id))
        .collect();
    v.sort_by(|a, b| a.problem_id.cmp(&b.problem_id));
    Some(v)
}

/// The 建设总结报告 of cluster `i`.
pub fn document(o: Outcome, i: usize, narrative: Option<&Narrative>) -> anyhow::Result<Document> {
    let c = &o.loaded.layers.clusters[i];
    let name = c.name.clone().unwrap_or_else(|| c.id.clone());
    let mut b = vec![Block::Cover {
        title: format!("{name} 污水零直排区建设总结报告"),
        lines: vec![
            format!("组团编号 {}", c.id),
            format!(
                "{} 编制 · zdz {}",
                crate::clock::now().format("%Y-%m-%d"),
                env!("CARGO_PKG_VERSION")
            ),
        ],
    }];
    b.push(Block::PageBreak);
    basics(o, i, &mut b);
    survey(o, i, &mut b);
    effects(o, i, &mut b)?;
    practices(narrative, &mut b);
    acceptance(o, i, &mut b);
    Ok(Document {
        title: format!("{name} 建设总结报告"),
        ident: format!("zdz-summary-{}", c.id),
        header: format!("{name} ({}) · 污水零直排区建设总结报告 · zdz", c.id),
        paper: Paper::A4,
        blocks: b,
    })
}

/// 一、基本情况: the park, its level and district, the deadline and its reason, and what the
/// cluster holds.
fn basics(o: Outcome, i: usize, b: &mut Vec<Block>) {
    let (l, a) = (&o.loaded.layers, o.analysis);
    let r = &a.clusters[i];
    let park = r.park.map(|p| &l.parks[p]);
    let pipes = a.pipe_clusters.iter().filter(|c| **c == Some(i)).count();
    let outfalls = a.outfalls.iter().filter(|x| x.cluster == Some(i)).count();
    let plants: Vec<String> = r
        .downstream
        .plants
        .iter()
        .map(|p| {
            l.plants[*p]
                .name
                .clone()
                .unwrap_or_else(|| l.plants[*p].id.clone())
        })
        .collect();
    b.push(Block::Heading(1, "一、基本情况".into()));
    b.push(Block::KeyValues(vec![
        (
            "所属园区".into(),
            park.and_then(|p| p.name.clone())
                .unwrap_or_else(|| "未注明".into()),
        ),
        (
            "园区级别".into(),
            r.park_level
                .map_or("未注明", |l| {
                    words::zh(Vocabulary::ParkLevel, l.as_str())
                })
                .into(),
        ),
        (
            "所在区县".into(),
            r.district.clone().unwrap_or_else(|| "未注明".into()),
        ),
        (
            "完成时限".into(),
            format!(
                "{}（{}）",
                r.deadline,
                words::reasons_zh(Vocabulary::DeadlineReason, &r.deadline_reason)
            ),
        ),
        (
            "企业（排水户）".into(),
            format!("{} 家", r.enterprise_count),
        ),
        ("管段".into(), format!("{pipes} 段")),
        ("排口".into(), format!("{outfalls} 个")),
        (
            "接收污水处理厂".into(),
            if plants.is_empty() {
                "无".into()
            } else {
                plants.join("、")
            },
        ),
    ]));
}

/// Problems counted by code and by link of the chain.
fn counted<'c>(codes: impl Iterator<Item = &'c str>) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_chain: BTreeMap<&str, usize> = BTreeMap::new();
    for code in codes {
        *by_code.entry(code).or_default() += 1;
        let chain = ProblemCode::from_name(code).map_or("其他", |c| c.chain());
        *by_chain.entry(chain).or_default() += 1;
    }
    let label = |code: &str| {
        ProblemCode::from_name(code).map_or(code.to_string(), |c| c.label_zh().to_string())
    };
    (
        by_code
            .into_iter()
            .map(|(c, n)| vec![label(c), n.to_string()])
            .collect(),
        ["源", "网", "厂", "口", "其他"]
            .into_iter()
            .filter_map(|k| by_chain.get(k).map(|n| vec![k.to_string(), n.to_string()]))
            .collect(),
    )
}

/// 二、排查情况: what the first ledger run found (without a ledger, this run).
fn survey(o: Outcome, i: usize, b: &mut Vec<Block>) {
    let c = &o.loaded.layers.clusters[i];
    b.push(Block::Heading(1, "二、排查情况".into()));
    let found: Vec<String> = match entries(o, &c.id) {
        Some(es) if !es.is_empty() => {
            let first = es.iter().map(|e| e.first_run).min().unwrap_or(0);
            b.push(Block::Para(format!(
                "首次排查（问题台账第 {first} 次运行）发现问题 {} 项。",
                es.iter().filter(|e| e.first_run == first).count()
            )));
            es.iter()
                .filter(|e| e.first_run == first)
                .map(|e| e.code.clone())
                .collect()
        }
        _ => {
            let codes: Vec<String> = o
                .analysis
                .problems
                .iter()
                .filter(|p| p.cluster_ids.contains(&c.id))
                .map(|p| p.code.as_str().to_string())
                .collect();
            b.push(Block::Note(
                "未接入问题台账：以下为本次分析的排查结果。".into(),
            ));
            b.push(Block::Para(format!(
                "本次排查发现问题 {} 项。",
                codes.len()
            )));
            codes
        }
    };
    let (by_code, by_chain) = counted(found.iter().map(String::as_str));
    b.push(Block::Table {
        headers: vec!["问题类型".into(), "数量".into()],
        rows: by_code,
    });
    b.push(Block::Table {
        headers: vec!["源、网、厂、口".into(), "数量".into()],
        rows: by_chain,
    });
}

/// 三、整治成效: the first ledger run against the latest.
fn effects(o: Outcome, i: usize, b: &mut Vec<Block>) -> anyhow::Result<()> {
    let c = &o.loaded.layers.clusters[i];
    b.push(Block::Heading(1, "三、整治成效（突出成效）".into()));
    let score_now = o.readiness.clusters[i].as_ref().map(|s| round2(s.score));
    let Some(es) = entries(o, &c.id).filter(|es| !es.is_empty()) else {
        b.push(Block::Note(
            "未接入问题台账：整治成效由台账中首次与最近一次运行对比得出。".into(),
        ));
        if let Some(s) = score_now {
            b.push(Block::Para(format!("当前得分（暂行）{s}。")));
        }
        return Ok(());
    };
    let first = es.iter().map(|e| e.first_run).min().unwrap_or(0);
    let first_found: Vec<&&Entry> = es.iter().filter(|e| e.first_run == first).collect();
    let count = |f: &dyn Fn(&Entry) -> bool| es.iter().filter(|e| f(e)).count();
    let fixed = |codes: &[ProblemCode]| {
        first_found
            .iter()
            .filter(|e| codes.iter().any(|c| c.as_str() == e.code) && !e.detected)
            .count()
    };
    let score_before = o.ledger.and_then(|v| v.first_scores.get(&c.id)).copied();
    let fmt = |s: Option<f64>| s.map_or("—".to_string(), |s| s.to_string());
    b.push(Block::KeyValues(vec![
        (
            "首次排查发现问题".into(),
            format!("{} 项", first_found.len()),
        ),
        (
            "已销号".into(),
            format!("{} 项", count(&|e| e.status == Status::Closed)),
        ),
        (
            "不予认定".into(),
            format!("{} 项", count(&|e| e.status == Status::Dismissed)),
        ),
        (
            "尚未销号".into(),
            format!(
                "{} 项",
                count(&|e| !matches!(e.status, Status::Closed | Status::Dismissed))
            ),
        ),
        (
            "反复（销号后再次检出）".into(),
            format!("{} 次", es.iter().map(|e| e.recurrences).sum::<i64>()),
        ),
        (
            "来源不明排口现已溯源".into(),
            format!("{} 个", fixed(&[ProblemCode::OutfallUnmatched])),
        ),
        (
            "企业现已纳管或覆盖".into(),
            format!(
                "{} 家",
                fixed(&[
                    ProblemCode::EnterpriseUncovered,
                    ProblemCode::EnterpriseNotConnected
                ])
            ),
        ),
        (
            "得分（暂行）".into(),
            format!("整治前 {} → 当前 {}", fmt(score_before), fmt(score_now)),
        ),
    ]));
    let now_codes: Vec<&str> = es
        .iter()
        .filter(|e| e.detected && !matches!(e.status, Status::Closed | Status::Dismissed))
        .map(|e| e.code.as_str())
        .collect();
    let (_, before) = counted(first_found.iter().map(|e| e.code.as_str()));
    let (_, now) = counted(now_codes.into_iter());
    let n = |rows: &[Vec<String>], k: &str| {
        rows.iter()
            .find(|r| r[0] == k)
            .and_then(|r| r[1].parse().ok())
            .unwrap_or(0)
    };
    let rows: Vec<(String, usize)> = ["源", "网", "厂", "口"]
        .iter()
        .flat_map(|k| {
            [
                (format!("{k} 首次排查"), n(&before, k)),
                (format!("{k} 当前"), n(&now, k)),
            ]
        })
        .collect();
    b.push(Block::Figure {
        svg: chart::bars("整治前后问题数", &rows, 720, 320)?,
        width: 0.9,
        caption: "源、网、厂、口问题数：首次排查与当前".into(),
    });
    Ok(())
}

/// 四、典型做法与建设亮点: the district's own words, or 待填写.
fn practices(narrative: Option<&Narrative>, b: &mut Vec<Block>) {
    b.push(Block::Heading(1, "四、典型做法与建设亮点".into()));
    for (title, paragraphs) in [
        ("典型做法", narrative.map(|n| &n.practices)),
        ("建设亮点", narrative.map(|n| &n.highlights)),
    ] {
        b.push(Block::Heading(2, title.into()));
        match paragraphs.filter(|p| !p.is_empty()) {
            Some(ps) => b.extend(ps.iter().cloned().map(Block::Para)),
            None => b.push(Block::Para(TO_WRITE.into())),
        }
    }
}

/// 五、验收情况: the official score beside zdz's item by item, vetoes, 遗留问题 and the
/// 长效机制 answers.
fn acceptance(o: Outcome, i: usize, b: &mut Vec<Block>) {
    let c = &o.loaded.layers.clusters[i];
    b.push(Block::Heading(1, "五、验收情况".into()));
    let scored = o.readiness.clusters[i].as_ref();
    let accepted = o.ledger.and_then(|v| v.acceptances.get(&c.id));
    match accepted {
        Some(a) => b.push(Block::KeyValues(vec![
            ("验收日期".into(), a.accepted_on.clone()),
            ("官方得分".into(), a.score.to_string()),
            (
                "zdz 得分（暂行）".into(),
                a.zdz_score.map_or("—".into(), |s| s.to_string()),
            ),
            ("评分人".into(), a.by.clone()),
            (
                "结论".into(),
                if a.passes(o.readiness.rubric.pass_line) {
                    "达到验收标准，已销号".into()
                } else {
                    "未达到验收标准".into()
                },
            ),
        ])),
        None => b.push(Block::Para("尚未验收。".into())),
    }
    let rows = o
        .readiness
        .rubric
        .items
        .iter()
        .map(|item| {
            vec![
                item.id.clone(),
                item.name_zh.clone(),
                item.points.to_string(),
                accepted
                    .and_then(|a| a.items.get(&item.id))
                    .map_or("—".into(), |p| p.to_string()),
                scored
                    .and_then(|s| s.item(&item.id))
                    .map_or("—".into(), |s| round2(s.points).to_string()),
            ]
        })
        .collect();
    b.push(Block::Table {
        headers: ["项目", "内容", "满分", "官方得分", "zdz 得分"]
            .map(String::from)
            .to_vec(),
        rows,
    });
    let veto: Vec<String> = scored
        .map(|s| {
            s.veto
                .iter()
                .map(|p| format!("{} {}（{}）", p.problem_id, p.code.label_zh(), p.feature_id))
                .collect()
        })
        .unwrap_or_default();
    b.push(Block::Heading(2, "一票否决项".into()));
    b.push(Block::Para(if veto.is_empty() {
        "无。".into()
    } else {
        veto.join("；")
    }));
    b.push(Block::Heading(2, "遗留问题".into()));
    let remaining: Vec<Vec<String>> = entries(o, &c.id)
        .unwrap_or_default()
        .into_iter()
        .filter(|e| !matches!(e.status, Status::Closed | Status::Dismissed))
        .map(|e| {
            let code = ProblemCode::from_name(&e.code);
            vec![
                e.problem_id.clone(),
                code.map_or(e.code.clone(), |c| c.label_zh().to_string()),
                code.map_or("", |c| {
                    words::zh(Vocabulary::Severity, c.severity().as_str())
                })
                .to_string(),
                e.status.zh().to_string(),
                e.due.clone().unwrap_or_default(),
            ]
        })
        .collect();
    if remaining.is_empty() {
        b.push(Block::Para("无。".into()));
    } else {
        b.push(Block::Table {
            headers: ["问题编号", "问题类型", "严重程度", "整改状态", "完成时限"]
                .map(String::from)
                .to_vec(),
            rows: remaining,
        });
    }
    b.push(Block::Heading(2, "长效机制".into()));
    let answer = |f: &str| match c.answers.get(f) {
        Some(a) => yes_no(a.holds()).to_string(),
        None => "待填报".into(),
    };
    b.push(Block::KeyValues(vec![
        ("运维合同".into(), answer("om_contract")),
        ("巡查制度".into(), answer("patrol")),
    ]));
}
