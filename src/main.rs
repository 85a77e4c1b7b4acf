//! The `zdz` command line: `analyze` writes every output of SPEC §5; `check` loads and
//! validates a workspace without analysing it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;
use clap::{Parser, Subcommand};

use zdz::analysis;
use zdz::load;
use zdz::publish::{self, summary::Timings};

#[derive(Parser)]
#[command(
    name = "zdz",
    version,
    about = "污水零直排区 analysis for industrial-park clusters"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every analysis and write clusters, problems, outfalls and summary files.
    Analyze {
        /// A GeoPackage, a folder of layer files, a zdz.toml, or a PG: connection string
        /// (default: the demo workspace in data/).
        workspace: Option<String>,
        /// Folder to write into; must be empty unless --force.
        #[arg(long, default_value = "zdz-out")]
        out: PathBuf,
        /// Replace zdz's own files in a non-empty --out folder.
        #[arg(long)]
        force: bool,
        /// Draw a PNG overview per cluster even above 500 clusters.
        #[arg(long, conflicts_with = "no_maps")]
        maps: bool,
        /// Draw no overview maps.
        #[arg(long)]
        no_maps: bool,
        /// A filled-in survey.xlsx whose manual answers (在线监控, 雨污分流 …) override the layers'.
        #[arg(long)]
        survey: Option<PathBuf>,
    },
    /// Analyse the workspace and serve it over HTTP (OGC API – Features and /api/).
    Serve {
        /// As for analyze (default: the demo workspace in data/).
        workspace: Option<String>,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Origins allowed by CORS (repeatable), or `*` for any; none by default.
        #[arg(long)]
        cors: Vec<String>,
        /// Re-analyse when a workspace file changes.
        #[arg(long)]
        watch: bool,
        /// Longest time a request may take, in seconds.
        #[arg(long, default_value_t = 30)]
        timeout_s: u64,
    },
    /// Build the synthetic Chongqing demo workspace around the real rivers.
    Demo {
        /// Folder to write the layer files into; must be empty unless --force.
        #[arg(long, default_value = "data")]
        out: PathBuf,
        /// Natural Earth rivers for Chongqing (GeoJSON, WGS84, with `name_zh`).
        #[arg(
            long,
            default_value = "../shared/data/rivers/chongqing_rivers_ne10m.geojson"
        )]
        rivers: PathBuf,
        /// Seed for the invented attributes; the same seed gives the same files.
        #[arg(long, default_value_t = 2024)]
        seed: u64,
        /// Copies of the demo plan to lay out (1 = the demo; 60 ≈ 100,000 pipes, 1191 ≈ 2,000,000).
        #[arg(long, default_value_t = 1)]
        scale: usize,
        /// Replace the layer files in a non-empty --out folder.
        #[arg(long)]
        force: bool,
    },
    /// Write the QGIS (.qml) and SLD styles of every output layer into a folder.
    Styles {
        #[arg(long, default_value = "styles")]
        out: PathBuf,
    },
    /// Load and validate a workspace: per layer its source, CRS, encoding, fields and findings.
    Check {
        /// As for analyze (default: the demo workspace in data/).
        workspace: Option<String>,
    },
}

/// The demo workspace: `data/` in the current folder, else beside the sources.
fn demo_workspace() -> String {
    let local = Path::new("data");
    if local.join("zdz.toml").is_file() {
        return "data".into();
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .to_string_lossy()
        .into_owned()
}

fn analyze(
    workspace: &str,
    out: &Path,
    force: bool,
    (maps, no_maps): (bool, bool),
    survey: Option<&Path>,
) -> Result<()> {
    let t0 = Instant::now();
    let mut loaded = load::load(workspace)?;
    if let Some(survey) = survey {
        let applied = load::survey::apply(&mut loaded.layers, survey)?;
        eprintln!(
            "zdz: {}: {} answers applied, {} rows skipped",
            survey.display(),
            applied.answers,
            applied.skipped_rows
        );
    }
    let loaded = loaded;
    let out = publish::prepare_out_dir(out, &loaded, force)?;
    let t1 = Instant::now();
    let draw_maps = !no_maps && (maps || loaded.layers.clusters.len() <= publish::MAX_AUTO_MAPS);
    // The workspace's own layers go into results.gpkg while the analysis runs, and while
    // the other files are written after it.
    let (result, readiness, timings) = std::thread::scope(|s| -> Result<_> {
        let early = s.spawn(|| publish::start_gpkg(&out, &loaded));
        let result = analysis::analyze(&loaded.layers, &loaded.project);
        let readiness = zdz::timing::phase("readiness: score and plan", || {
            zdz::readiness::assess(
                &loaded.layers,
                &result,
                &loaded.project.rubric,
                &Default::default(),
            )
        });
        let t2 = Instant::now();
        let mut timings = Timings {
            load_ms: (t1 - t0).as_millis(),
            analyze_ms: (t2 - t1).as_millis(),
            write_ms: 0,
        };
        let gpkg = move || {
            early
                .join()
                .unwrap_or_else(|_| Err(anyhow::anyhow!("writing results.gpkg failed")))
        };
        let o = zdz::outcome::Outcome {
            loaded: &loaded,
            analysis: &result,
            readiness: &readiness,
        };
        publish::write_all(&out, o, &timings, draw_maps, (gpkg, t2))?;
        timings.write_ms = t2.elapsed().as_millis();
        Ok((result, readiness, timings))
    })?;

    let l = &loaded.layers;
    eprintln!(
        "zdz: {} → {} (working CRS {})",
        loaded.origin,
        out.display(),
        loaded.working_crs
    );
    eprintln!(
        "  loaded {} parks, {} clusters, {} enterprises, {} pipes, {} outfalls, {} plants, {} rivers in {} ms",
        l.parks.len(),
        l.clusters.len(),
        l.enterprises.len(),
        l.pipes.len(),
        l.outfalls.len(),
        l.plants.len(),
        l.rivers.len(),
        timings.load_ms
    );
    eprintln!(
        "  {} problems in {} ms; written in {} ms",
        result.problems.len(),
        timings.analyze_ms,
        timings.write_ms
    );
    let scored: Vec<&zdz::readiness::ClusterReadiness> =
        readiness.clusters.iter().flatten().collect();
    eprintln!(
        "  readiness{}: {} of {} in-scope clusters ready (≥ {}), {} vetoed, {} one or two actions away, {} unreachable",
        if readiness.rubric.provisional {
            " (暂行 provisional rubric)"
        } else {
            ""
        },
        scored.iter().filter(|r| r.ready).count(),
        scored.len(),
        readiness.rubric.pass_line,
        scored.iter().filter(|r| !r.veto.is_empty()).count(),
        scored
            .iter()
            .filter(|r| matches!(r.actions_to_ready(), Some(1 | 2)))
            .count(),
        scored
            .iter()
            .filter(|r| r.actions_to_ready().is_none())
            .count(),
    );
    let mut counts = std::collections::BTreeMap::new();
    for p in &result.problems {
        *counts.entry(p.code).or_insert(0) += 1;
    }
    for (code, n) in counts {
        eprintln!("  {:>6}  {:<28} {}", n, code.as_str(), code.label_zh());
    }
    for finding in l
        .findings
        .iter()
        .filter(|f| f.kind != zdz::model::FindingKind::Geometry)
    {
        eprintln!(
            "  note: {} {}: {}",
            finding.layer.name(),
            finding.feature_id,
            finding.message
        );
    }
    // The process ends here: handing millions of features back to the allocator one by
    // one would only delay the exit (seconds at national scale); the OS takes it all.
    std::mem::forget(result);
    std::mem::forget(readiness);
    std::mem::forget(loaded);
    Ok(())
}

fn demo(out: &Path, rivers: &Path, seed: u64, scale: usize, force: bool) -> Result<()> {
    std::fs::create_dir_all(out)?;
    if !force && std::fs::read_dir(out)?.next().is_some() {
        anyhow::bail!(
            "{}: folder is not empty; pass --force to replace the demo's layer files in it",
            out.display()
        );
    }
    zdz::demo::generate(rivers, out, seed, scale)?;
    eprintln!("zdz: demo workspace written to {}", out.display());
    Ok(())
}

fn serve(workspace: String, options: zdz::serve::Options) -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(zdz::serve::run(workspace, options))
}

fn check(workspace: &str) -> Result<()> {
    let loaded = load::load(workspace)?;
    println!(
        "workspace {} (working CRS {})",
        loaded.origin, loaded.working_crs
    );
    for r in &loaded.reports {
        println!(
            "{:<12} {} [layer {}, {}] CRS {}{}{}: {} features",
            r.layer.name(),
            r.source,
            r.layer_name,
            r.driver,
            r.crs,
            r.coords
                .map(|c| format!(", coords {c:?}"))
                .unwrap_or_default(),
            r.encoding
                .as_deref()
                .map(|e| format!(", encoding {e}"))
                .unwrap_or_default(),
            r.feature_count
        );
        if let Some(b) = r.bounds_wgs84 {
            println!(
                "{:<12} bounds lon {:.5}…{:.5}, lat {:.5}…{:.5}",
                "", b[0], b[2], b[1], b[3]
            );
        }
        for (field, source) in &r.fields {
            println!("{:<12}   {field:<16} ← {source}", "");
        }
    }
    for kind in &loaded.layers.missing {
        println!(
            "{:<12} not in the workspace ({})",
            kind.name(),
            kind.aliases().join(", ")
        );
    }
    let p = &loaded.project;
    println!(
        "parameters   {}",
        p.params
            .all()
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let r = &p.rubric;
    println!(
        "rubric       {}{}: pass line {}, veto {}",
        r.name,
        if r.provisional {
            " (暂行 provisional)"
        } else {
            ""
        },
        r.pass_line,
        r.veto
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    for item in &r.items {
        println!(
            "{:<12} {:<4} {:<6} {:>5}  {} {}",
            "", item.id, item.dimension, item.points, item.name_zh, item.name_en
        );
    }
    for (code, ran) in zdz::analysis::rules_ran(&loaded.layers) {
        if !ran {
            println!(
                "rule         {} ({}) cannot run: it needs {}",
                code.as_str(),
                code.label_zh(),
                code.needs()
                    .iter()
                    .map(|(layer, fields)| if fields.is_empty() {
                        format!("the {} layer", layer.name())
                    } else {
                        format!("{}.{}", layer.name(), fields.join(" or "))
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    for f in &loaded.layers.findings {
        println!(
            "finding: {} {}: {}",
            f.layer.name(),
            f.feature_id,
            f.message
        );
    }
    Ok(())
}

// A run allocates millions of small values (feature properties, index entries) across
// threads; mimalloc does that markedly faster than glibc's malloc (bench/RESULTS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `purge_delay` option (`mi_option_purge_delay` in mimalloc.h).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keep freed memory for reuse instead of handing it back to the system. mimalloc returns
/// free pages after a delay, and the next allocation faults them back in zeroed: on the
/// national benchmark that was 210,000 page faults and 6.1 s of system time, against
/// 88,000 and 3.3 s kept. A run ends within seconds, so it keeps its peak; `zdz serve`,
/// which runs for days, does not call this.
fn keep_freed_memory() {
    // SAFETY: sets one of mimalloc's documented options to a documented value.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}

/// SQLite, as Debian builds it, counts every allocation under a global mutex; zdz never
/// reads those counts. Turned off before anything opens a database (SQLite accepts it only
/// then), it saves two mutex operations per allocation: inserting two million pipe rows
/// into `results.gpkg` makes tens of millions of them.
fn sqlite_without_memory_statistics() {
    // SAFETY: SQLITE_CONFIG_MEMSTATUS takes one int; called before SQLite is initialised,
    // and when it is not, SQLite refuses with SQLITE_MISUSE and changes nothing.
    unsafe {
        libsqlite3_sys::sqlite3_config(libsqlite3_sys::SQLITE_CONFIG_MEMSTATUS, 0);
    }
}

fn main() -> ExitCode {
    sqlite_without_memory_statistics();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Analyze {
            workspace,
            out,
            force,
            maps,
            no_maps,
            survey,
        } => {
            keep_freed_memory();
            analyze(
                &workspace.unwrap_or_else(demo_workspace),
                &out,
                force,
                (maps, no_maps),
                survey.as_deref(),
            )
        }
        Command::Demo {
            out,
            rivers,
            seed,
            scale,
            force,
        } => demo(&out, &rivers, seed, scale, force),
        Command::Serve {
            workspace,
            addr,
            cors,
            watch,
            timeout_s,
        } => serve(
            workspace.unwrap_or_else(demo_workspace),
            zdz::serve::Options {
                addr,
                cors,
                watch,
                timeout: std::time::Duration::from_secs(timeout_s),
            },
        ),
        Command::Styles { out } => {
            let schedule = zdz::project::Project::defaults(Path::new(".")).deadlines;
            zdz::styles::write_all(&out, &schedule)
        }
        Command::Check { workspace } => check(&workspace.unwrap_or_else(demo_workspace)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("zdz: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
