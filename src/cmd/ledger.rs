//! `zdz ledger …`: list entries, change one, import a filled-in problem sheet, write the
//! progress workbook, add a user. The command line is trusted as the city role, unless
//! `--by` names a registered user, whose role then applies.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Subcommand;

use rust_i18n::t;
use zdz::ledger::change::{Change, EvidenceFile};
use zdz::ledger::entry::Filter;
use zdz::ledger::status::Status;
use zdz::ledger::users::{self, Actor, Role};
use zdz::ledger::{Ledger, now};
use zdz::ledger::{acceptance, spotcheck};

#[derive(Subcommand)]
pub enum LedgerCommand {
    /// List entries (the problem list), optionally narrowed.
    #[command(
        after_help = "Examples:\n  zdz ledger list --ledger ledger.db --cluster CQJK-A\n  zdz ledger list --ledger ledger.db --status 待整改 --json"
    )]
    List {
        /// A SQLite file or postgres://user@host:port/database.
        #[arg(long)]
        ledger: String,
        #[arg(long)]
        cluster: Option<String>,
        #[arg(long)]
        district: Option<String>,
        /// open, in_progress, awaiting_review, closed, dismissed (or 待整改 … 不予认定).
        #[arg(long)]
        status: Option<String>,
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Change one entry: its status, measure, unit, due date, a note, evidence.
    #[command(
        after_help = "Examples:\n  zdz ledger set --ledger ledger.db P3c9e1a2b4f60 --status in_progress --by 张工 --unit 园区管委会 --measure 封堵混接点 --due 2025-10-31\n  zdz ledger set --ledger ledger.db P3c9e1a2b4f60 --status closed --by 李处 --evidence 照片.jpg"
    )]
    Set {
        #[arg(long)]
        ledger: String,
        problem_id: String,
        #[arg(long)]
        status: Option<String>,
        /// Who makes the change (recorded in the history).
        #[arg(long)]
        by: String,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        measure: Option<String>,
        /// Due date, YYYY-MM-DD.
        #[arg(long)]
        due: Option<String>,
        /// A photo or PDF (≤ 20 MiB), stored by its SHA-256; repeatable.
        #[arg(long)]
        evidence: Vec<PathBuf>,
        /// Close although the latest run still detected it, and why (city role).
        #[arg(long)]
        force_reason: Option<String>,
    },
    /// Apply a filled-in 问题清单 sheet of survey.xlsx as changes.
    #[command(
        after_help = "Example:\n  zdz ledger import --ledger ledger.db zdz-out/survey.xlsx --by 张工"
    )]
    Import {
        #[arg(long)]
        ledger: String,
        workbook: PathBuf,
        #[arg(long)]
        by: String,
    },
    /// Write the progress workbook (整改工作进展情况表).
    #[command(after_help = "Example:\n  zdz ledger report --ledger ledger.db --out progress.xlsx")]
    Report {
        #[arg(long)]
        ledger: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        district: Option<String>,
        /// Count overdue problems as of this date, YYYY-MM-DD (default: today).
        #[arg(long, value_parser = zdz::campaign::parse_as_of)]
        as_of: Option<chrono::NaiveDate>,
    },
    /// Record a cluster's official acceptance (验收): its score, by whom, on which date.
    #[command(
        after_help = "Examples:\n  zdz ledger accept CQJK-A --ledger ledger.db --date 2025-11-20 --score 92 --by 南岸区验收组\n  zdz ledger accept CQJK-A --ledger ledger.db --date 2025-11-20 --score 92 --by 南岸区验收组 --item S1=15 --item N1=10 --evidence 验收意见.pdf"
    )]
    Accept {
        cluster_id: String,
        #[arg(long)]
        ledger: String,
        /// The date of the acceptance, YYYY-MM-DD.
        #[arg(long)]
        date: String,
        /// The official score (0–100).
        #[arg(long)]
        score: f64,
        /// Who scored (recorded with the acceptance); a registered user's role applies.
        #[arg(long)]
        by: String,
        /// An official item score, ITEM=POINTS (repeatable), compared with zdz's.
        #[arg(long = "item", value_parser = item_points)]
        items: Vec<(String, f64)>,
        /// The acceptance opinion (验收意见), a PDF or photo stored by its SHA-256.
        #[arg(long)]
        evidence: Option<PathBuf>,
        #[arg(long)]
        note: Option<String>,
        /// Record it although zdz's latest run detects a veto problem, and why (city role).
        #[arg(long = "override")]
        override_reason: Option<String>,
    },
    /// List a cluster's acceptances, oldest first.
    Acceptances {
        cluster_id: String,
        #[arg(long)]
        ledger: String,
    },
    /// Draw a reproducible spot-check sample (抽查) and write its field sheet (PDF) and the
    /// XLSX to fill in, which `zdz ledger import` reads back.
    #[command(
        after_help = "Example:\n  zdz ledger spotcheck data --ledger ledger.db --cluster CQJK-A --outfalls 3 --enterprises 2 --closed 2 --seed 7 --out 抽查"
    )]
    Spotcheck {
        /// The workspace, as for analyze (default: the one the clusters' latest recorded run
        /// read).
        workspace: Option<String>,
        #[arg(long)]
        ledger: String,
        /// A cluster to draw from (repeatable).
        #[arg(long = "cluster", required = true)]
        clusters: Vec<String>,
        /// Outfalls per cluster (storm outfalls weigh three times as much).
        #[arg(long, default_value_t = 3)]
        outfalls: usize,
        /// Enterprises per cluster.
        #[arg(long, default_value_t = 2)]
        enterprises: usize,
        /// Closed problems per cluster (each recurrence weighs two more).
        #[arg(long, default_value_t = 2)]
        closed: usize,
        /// The seed: the same seed draws the same sample.
        #[arg(long)]
        seed: u64,
        /// Folder to write the field sheet and the XLSX into.
        #[arg(long)]
        out: PathBuf,
        /// Who draws it (recorded with it).
        #[arg(long, default_value = "市局")]
        by: String,
        /// Where the web map is, for the QR codes.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base_url: String,
    },
    /// Manage the users of the service's ledger endpoints.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a user and print its token (once, alone on the last line).
    #[command(
        after_help = "Example:\n  zdz ledger user add --ledger ledger.db 南岸区环境局 --role district --district 南岸区"
    )]
    Add {
        #[arg(long)]
        ledger: String,
        name: String,
        /// city, district or viewer.
        #[arg(long)]
        role: String,
        #[arg(long)]
        district: Option<String>,
        /// Also give it a password for signing in from a browser, read from the first
        /// line of standard input (at least 10 characters).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a user's password for signing in from a browser (`/signin`), read from the
    /// first line of standard input; its open sessions end.
    #[command(
        after_help = "Example:\n  printf '%s\\n' \"$PASSWORD\" | zdz ledger user password --ledger ledger.db 南岸区环境局"
    )]
    Password {
        #[arg(long)]
        ledger: String,
        name: String,
    },
}

/// The first line of standard input, for a password (not echoed, not an argument that
/// `ps` would show).
fn password_from_stdin() -> Result<String> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// `S1=15` as an item and its points.
fn item_points(s: &str) -> Result<(String, f64), String> {
    let (item, points) = s
        .split_once('=')
        .ok_or_else(|| format!("--item {s}: give ITEM=POINTS, e.g. S1=15"))?;
    let points: f64 = points
        .trim()
        .parse()
        .map_err(|_| format!("--item {s}: `{points}` is not a number"))?;
    Ok((item.trim().to_string(), points))
}

/// The actor `--by` names: a registered user's role, else the command line's (city).
fn actor(ledger: &Ledger, by: &str) -> Result<Actor> {
    Ok(users::by_name(ledger.store(), by)?.unwrap_or(Actor {
        name: by.to_string(),
        role: Role::City,
        district: None,
    }))
}

fn media_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("pdf") => "application/pdf",
        Some("heic") => "image/heic",
        _ => "application/octet-stream",
    }
}

pub fn run(command: LedgerCommand) -> Result<()> {
    match command {
        LedgerCommand::List {
            ledger,
            cluster,
            district,
            status,
            json,
        } => {
            let ledger = Ledger::open(&ledger)?;
            let filter = Filter {
                cluster,
                district,
                status: status
                    .as_deref()
                    .map(Status::parse)
                    .transpose()
                    .map_err(anyhow::Error::msg)?,
                code: None,
            };
            let entries = ledger.list(&filter)?;
            if json {
                let list: Vec<_> = entries.iter().map(|e| e.json()).collect();
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                println!(
                    "{:<14} {:<26} {:<10} {:<6} {:<4} {:>3} {:<10} 责任单位",
                    "problem_id", "code", "cluster", "状态", "检出", "反复", "完成时限"
                );
                for e in &entries {
                    println!(
                        "{:<14} {:<26} {:<10} {:<6} {:<4} {:>3} {:<10} {}",
                        e.problem_id,
                        e.code,
                        e.cluster_id.as_deref().unwrap_or("-"),
                        e.status.zh(),
                        if e.detected { "是" } else { "否" },
                        e.recurrences,
                        e.due.as_deref().unwrap_or("-"),
                        e.unit.as_deref().unwrap_or("")
                    );
                }
                eprintln!("{}", t!("ledger.entries", n = entries.len()));
            }
            Ok(())
        }
        LedgerCommand::Set {
            ledger,
            problem_id,
            status,
            by,
            note,
            unit,
            measure,
            due,
            evidence,
            force_reason,
        } => {
            let ledger = Ledger::open(&ledger)?;
            let actor = actor(&ledger, &by)?;
            let evidence = evidence
                .iter()
                .map(|p| {
                    Ok(EvidenceFile {
                        file_name: p
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                        media_type: media_type(p).into(),
                        bytes: std::fs::read(p)
                            .with_context(|| format!("{}: cannot read", p.display()))?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let change = Change {
                status: status
                    .as_deref()
                    .map(Status::parse)
                    .transpose()
                    .map_err(anyhow::Error::msg)?,
                note,
                unit,
                measure,
                due,
                evidence,
                force_reason,
                expected_version: None,
            };
            let e =
                zdz::ledger::change::apply(ledger.store(), &problem_id, &change, &actor, &now())?;
            eprintln!(
                "{}",
                t!(
                    "ledger.set",
                    id = e.problem_id,
                    status = e.status.as_str(),
                    zh = e.status.zh(),
                    version = e.version
                )
            );
            Ok(())
        }
        LedgerCommand::Import {
            ledger,
            workbook,
            by,
        } => {
            let ledger = Ledger::open(&ledger)?;
            let actor = actor(&ledger, &by)?;
            let report = zdz::ledger::import_workbook(ledger.store(), &workbook, &actor, &now())?;
            for s in &report.skipped {
                eprintln!(
                    "{}",
                    t!(
                        "ledger.skipped_row",
                        row = s.row,
                        id = s.problem_id,
                        reason = if zdz::i18n::chinese() {
                            s.why.zh()
                        } else {
                            s.why.en()
                        }
                    )
                );
            }
            println!(
                "{}",
                t!(
                    "ledger.imported",
                    applied = report.applied,
                    skipped = report.skipped.len(),
                    unchanged = report.unchanged
                )
            );
            if !report.skipped.is_empty() {
                bail!("{}", t!("ledger.rows_skipped", n = report.skipped.len()));
            }
            Ok(())
        }
        LedgerCommand::Accept {
            cluster_id,
            ledger,
            date,
            score,
            by,
            items,
            evidence,
            note,
            override_reason,
        } => {
            let ledger = Ledger::open(&ledger)?;
            let actor = actor(&ledger, &by)?;
            let evidence = evidence
                .map(|p| -> Result<EvidenceFile> {
                    Ok(EvidenceFile {
                        file_name: p
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                        media_type: media_type(&p).into(),
                        bytes: std::fs::read(&p)
                            .with_context(|| format!("{}: cannot read", p.display()))?,
                    })
                })
                .transpose()?;
            let request = acceptance::Request {
                cluster_id,
                accepted_on: date,
                score,
                items: items.into_iter().collect(),
                by: by.clone(),
                evidence,
                note,
                override_reason,
            };
            let a = acceptance::record(ledger.store(), &actor, &request, &zdz::ledger::now())?;
            println!("{}", serde_json::to_string_pretty(&a.json())?);
            eprintln!(
                "{}",
                t!(
                    "ledger.accepted",
                    cluster = a.cluster_id,
                    date = a.accepted_on,
                    score = a.score,
                    zdz = a.zdz_score.map_or("—".to_string(), |s| s.to_string()),
                    remaining = a.remaining.len(),
                    differing = a.differing_items().len()
                )
            );
            Ok(())
        }
        LedgerCommand::Spotcheck {
            workspace,
            ledger,
            clusters,
            outfalls,
            enterprises,
            closed,
            seed,
            out,
            by,
            base_url,
        } => {
            let ledger = Ledger::open(&ledger)?;
            let workspace = match workspace {
                Some(w) => w,
                None => {
                    spotcheck::workspace_of(ledger.store(), &clusters[0])?.with_context(|| {
                        format!(
                            "the ledger has no recorded run of cluster {}: give the workspace",
                            clusters[0]
                        )
                    })?
                }
            };
            let input = zdz::run::load(&workspace, None)?;
            let loaded = &input.loaded;
            for c in &clusters {
                if !loaded.layers.clusters.iter().any(|x| &x.id == c) {
                    bail!("{}: no cluster {c}", loaded.origin);
                }
            }
            let assessed = zdz::run::assess(
                loaded,
                zdz::run::LedgerStep::Read(&ledger),
                zdz::clock::today(),
            )?;
            let view = assessed.ledger.as_ref().expect("a ledger was read");
            let candidates = spotcheck::candidates(loaded, &assessed.analysis, view, &clusters);
            let counts = spotcheck::Counts {
                outfalls,
                enterprises,
                closed,
            };
            let items = spotcheck::draw(candidates, counts, seed);
            let id = spotcheck::record(ledger.store(), seed, &clusters, &items, &by, &now())?;
            std::fs::create_dir_all(&out)
                .with_context(|| format!("{}: cannot create", out.display()))?;
            let xlsx = out.join(format!("抽查-{id}.xlsx"));
            zdz::publish::spotcheck::write(&xlsx, &id, &items)?;
            let doc = zdz::report::spotcheck::document(
                assessed.outcome(loaded, true),
                &id,
                seed,
                &items,
                base_url.trim_end_matches('/'),
            )?;
            let pdf = out.join(format!("抽查-{id}.pdf"));
            zdz::atomic::write_atomically(&pdf, &zdz::report::typst::pdf(&doc)?)?;
            println!(
                "{}",
                serde_json::to_string_pretty(
                    &serde_json::json!({"check_id": id, "seed": seed, "items": items})
                )?
            );
            eprintln!(
                "{}",
                t!(
                    "ledger.spotcheck",
                    id = id,
                    n = items.len(),
                    pdf = pdf.display(),
                    xlsx = xlsx.display()
                )
            );
            Ok(())
        }
        LedgerCommand::Acceptances { cluster_id, ledger } => {
            let ledger = Ledger::open(&ledger)?;
            let all: Vec<serde_json::Value> = acceptance::history(ledger.store(), &cluster_id)?
                .iter()
                .map(|a| a.json())
                .collect();
            println!("{}", serde_json::to_string_pretty(&all)?);
            Ok(())
        }
        LedgerCommand::Report {
            ledger,
            out,
            district,
            as_of,
        } => {
            let ledger = Ledger::open(&ledger)?;
            let filter = Filter {
                district,
                ..Filter::default()
            };
            let p = zdz::ledger::progress::progress(
                ledger.store(),
                &filter,
                as_of.unwrap_or_else(zdz::clock::today),
            )?;
            zdz::publish::progress::write_progress(&out, &p)?;
            eprintln!(
                "{}",
                t!(
                    "ledger.progress",
                    out = out.display(),
                    found = p.total.found,
                    clusters = p.clusters.len(),
                    districts = p.districts.len(),
                    closed = p.total.closed,
                    overdue = p.total.overdue,
                    recurrences = p.total.recurrences
                )
            );
            Ok(())
        }
        LedgerCommand::User {
            command:
                UserCommand::Add {
                    ledger,
                    name,
                    role,
                    district,
                    password_stdin,
                },
        } => {
            let ledger = Ledger::open(&ledger)?;
            let role = Role::parse(&role)?;
            // The password is read (and checked) before the user is added, so a short one
            // adds nobody.
            let password = password_stdin.then(password_from_stdin).transpose()?;
            if let Some(p) = &password
                && p.chars().count() < users::PASSWORD_MIN_CHARS
            {
                anyhow::bail!(
                    "a password needs at least {} characters",
                    users::PASSWORD_MIN_CHARS
                );
            }
            let token = users::add(ledger.store(), &name, role, district.as_deref(), &now())?;
            if let Some(p) = password {
                users::set_password(ledger.store(), name.trim(), &p)?;
            }
            eprintln!(
                "{}",
                t!("ledger.user_added", name = name, role = role.as_str())
            );
            println!("{token}");
            Ok(())
        }
        LedgerCommand::User {
            command: UserCommand::Password { ledger, name },
        } => {
            let ledger = Ledger::open(&ledger)?;
            users::set_password(ledger.store(), &name, &password_from_stdin()?)?;
            eprintln!("{}", t!("ledger.password_set", name = name));
            Ok(())
        }
    }
}
