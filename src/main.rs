//! The `zdz` command line: `analyze` writes every output of docs/outputs.md; `check` loads and
//! validates a workspace without analysing it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::{CommandFactory, Parser, Subcommand};

/// The subcommands, one file each.
mod cmd;

// The same message catalogue as the library's (locales/zdz.yml).
rust_i18n::i18n!("locales", fallback = "en");

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
    #[command(
        after_help = "Examples:\n  zdz analyze                                   # the demo workspace in data/ → zdz-out/\n  zdz analyze 巴南区数据/ --out 结果 --force\n  zdz analyze 巴南区数据/zdz.toml --survey 结果/survey.xlsx --ledger ledger.db\n  zdz analyze 'PG:host=127.0.0.1 dbname=gis user=zdz' --out 结果 --no-maps"
    )]
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
        /// Also write one survey workbook per in-scope cluster, survey/<cluster_id>.xlsx,
        /// with that cluster's rows and its pipes: each district fills in its own.
        #[arg(long)]
        survey_per_cluster: bool,
        /// Record the run in this ledger (a SQLite file or postgres://…) and reconcile it.
        #[arg(long)]
        ledger: Option<String>,
        /// Say where each cluster stands in the campaign (campaign_status) as of this date,
        /// YYYY-MM-DD (default: today).
        #[arg(long, value_parser = zdz::campaign::parse_as_of)]
        as_of: Option<chrono::NaiveDate>,
    },
    /// Analyse the workspace and serve it over HTTP (OGC API – Features and /api/).
    #[command(
        after_help = "Examples:\n  zdz serve                                     # the demo on http://127.0.0.1:8080\n  zdz serve 巴南区数据/ --addr 0.0.0.0:8080 --watch\n  zdz serve 巴南区数据/ --ledger ledger.db --public-ledger --cors https://gis.example.gov.cn"
    )]
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
        /// Record every load and reload in this ledger and serve its endpoints (with tokens).
        #[arg(long)]
        ledger: Option<String>,
        /// Show the ledger's status, recurrences, due date and unit on the public problems.
        #[arg(long, requires = "ledger")]
        public_ledger: bool,
        /// An XYZ raster basemap under the web map, e.g. https://host/{z}/{x}/{y}.png (none by
        /// default: the map works offline on the workspace's own rivers and outlines).
        #[arg(long)]
        basemap: Option<String>,
        /// Say where each cluster stands in the campaign (campaign_status) as of this date,
        /// YYYY-MM-DD (default: the day of each load).
        #[arg(long, value_parser = zdz::campaign::parse_as_of)]
        as_of: Option<chrono::NaiveDate>,
    },
    /// Write the reports: per cluster a 排查整治报告, the city's overview, outfall signboards.
    #[command(
        after_help = "Examples:\n  zdz report --out 报告                           # every in-scope cluster of the demo\n  zdz report 巴南区数据/ --out 报告 --cluster BNJS-A --ledger ledger.db\n  zdz report 巴南区数据/ --out 报告 --format html --base-url http://10.1.2.3:8080"
    )]
    Report {
        /// As for analyze (default: the demo workspace in data/).
        workspace: Option<String>,
        /// Folder to write into; must be empty unless --force.
        #[arg(long, default_value = "zdz-report")]
        out: PathBuf,
        /// Replace zdz's own files in a non-empty --out folder.
        #[arg(long)]
        force: bool,
        /// A cluster to report on (repeatable); all in-scope clusters by default.
        #[arg(long = "cluster")]
        clusters: Vec<String>,
        /// Show this ledger's status, unit, measure, due date and changes (read only).
        #[arg(long)]
        ledger: Option<String>,
        /// pdf, html or pdf,html.
        #[arg(long, default_value = "pdf,html", value_delimiter = ',')]
        format: Vec<String>,
        /// Where the web map is served for the people in the field, for the signboards' QR
        /// codes (default: `base_url` under [project] in zdz.toml; without either, or at a
        /// loopback address, no signboards are written).
        #[arg(long)]
        base_url: Option<String>,
        /// A filled-in survey.xlsx whose manual answers override the layers'.
        #[arg(long)]
        survey: Option<PathBuf>,
        /// Say where each cluster stands in the campaign (campaign_status) as of this date,
        /// YYYY-MM-DD (default: today).
        #[arg(long, value_parser = zdz::campaign::parse_as_of)]
        as_of: Option<chrono::NaiveDate>,
        /// Write each cluster's 建设总结报告 (PDF, HTML and an editable DOCX) instead of the
        /// other reports.
        #[arg(long)]
        summary: bool,
        /// With --summary: the folder of the districts' text, <cluster_id>.md each
        /// (default: 总结/ beside the workspace).
        #[arg(long, requires = "summary")]
        narrative: Option<PathBuf>,
        /// The documents' language: zh (Chinese, what a bureau submits) or en.
        #[arg(long, default_value = "zh", value_parser = zdz::contract::Lang::parse)]
        lang: zdz::contract::Lang,
    },
    /// The problem ledger: list, change, import, report, users.
    #[command(
        after_help = "Examples:\n  zdz ledger list --ledger ledger.db --cluster CQJK-A\n  zdz ledger set --ledger ledger.db P3c9e1a2b4f60 --status in_progress --by 张工\n  zdz ledger report --ledger ledger.db --out progress.xlsx"
    )]
    Ledger {
        #[command(subcommand)]
        command: cmd::ledger::LedgerCommand,
    },
    /// Build the synthetic Chongqing demo workspace around the real rivers.
    #[command(
        after_help = "Examples:\n  zdz demo --out data --force\n  zdz demo --out /tmp/national --scale 1191    # about 2,000,000 pipes"
    )]
    Demo {
        /// Folder to write the layer files into; must be empty unless --force.
        #[arg(long, default_value = "data")]
        out: PathBuf,
        /// Rivers for Chongqing (GeoJSON, WGS84, with `name_zh`); default: the Natural Earth
        /// rivers built into zdz.
        #[arg(long)]
        rivers: Option<PathBuf>,
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
    #[command(after_help = "Example:\n  zdz styles --out styles")]
    Styles {
        #[arg(long, default_value = "styles")]
        out: PathBuf,
    },
    /// Look at a folder of a bureau's layers and write the zdz.toml that maps them.
    #[command(
        after_help = "Examples:\n  zdz init 巴南区数据/                            # writes 巴南区数据/zdz.toml, then checks it\n  zdz init 巴南区数据/ --force                    # write it anew (the old one is kept as zdz.toml.bak)"
    )]
    Init {
        /// The folder holding the layer files (Shapefiles, GeoPackages, CSV …).
        folder: PathBuf,
        /// Replace a zdz.toml already there (kept as zdz.toml.bak).
        #[arg(long)]
        force: bool,
    },
    /// Load and validate a workspace: per layer its source, CRS, encoding, fields and findings.
    #[command(
        after_help = "Examples:\n  zdz check\n  zdz check 巴南区数据/\n  LANG=zh_CN.UTF-8 zdz check 巴南区数据/          # in Chinese"
    )]
    Check {
        /// As for analyze (default: the demo workspace in data/).
        workspace: Option<String>,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Examples:\n  zdz completions bash > /etc/bash_completion.d/zdz\n  zdz completions zsh > ~/.zfunc/_zdz"
    )]
    Completions { shell: clap_complete::Shell },
    /// Write the man pages (zdz.1 and one per command) into a folder.
    #[command(after_help = "Example:\n  zdz man --out /usr/share/man/man1")]
    Man {
        #[arg(long, default_value = "man")]
        out: PathBuf,
    },
}

/// zdz.1 and a page per command (zdz-analyze.1 …), from the command-line definition.
fn man_pages(out: &Path) -> Result<()> {
    std::fs::create_dir_all(out)?;
    let cmd = Cli::command();
    clap_mangen::generate_to(cmd, out)?;
    Ok(())
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

fn demo(out: &Path, rivers: Option<&Path>, seed: u64, scale: usize, force: bool) -> Result<()> {
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
    // A client that hangs up in the middle of an answer makes the next write to its
    // socket fail with EPIPE, and raise SIGPIPE, whose default (set in `main` for the
    // command line) ends the process: the service ignores it, and the write's error ends
    // that one connection only.
    // SAFETY: sets one signal's disposition before the runtime starts any thread.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    // Blocking work (ledger transactions, pages, tiles, reloads) runs on a bounded set of
    // threads that live as long as the service: a thread that ends leaves its allocator
    // heap behind, and a service that starts and ends threads for every burst of
    // requests grows by those heaps (bench/soak.sh).
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(BLOCKING_THREADS)
        .thread_keep_alive(std::time::Duration::from_secs(24 * 3600))
        .build()?
        .block_on(zdz::serve::run(workspace, options))
}

/// Threads for blocking work in `zdz serve`: enough for every ledger transaction of a
/// busy office at once; more requests wait their turn.
const BLOCKING_THREADS: usize = 64;

// A run allocates millions of small values (feature properties, index entries) across
// threads; mimalloc does that markedly faster than glibc's malloc (bench/RESULTS.md).
// Built without transparent huge pages (Cargo.toml's `no_thp`): with them the kernel
// zeroes 2 MiB at each first touch, and the national run spent 7.5-7.7 s in the kernel
// and 13.5-13.8 s end to end, against 1.9-2.4 s and 11.3-11.8 s with 4 KiB pages (3 runs
// each, back to back; bench/RESULTS.md).
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

/// An error as the user reads it: a rule of the campaign that refused a change, or a value
/// the ledger does not take, in the user's language; anything else as it was said.
fn error_text(e: &anyhow::Error) -> String {
    use zdz::ledger::LedgerError;
    match e.downcast_ref::<LedgerError>() {
        Some(
            le @ (LedgerError::Refused { .. } | LedgerError::Blocked(_) | LedgerError::Invalid(_)),
        ) if zdz::i18n::chinese() => le.zh(),
        _ => format!("{e:#}"),
    }
}

fn main() -> ExitCode {
    // Piped into `head`, zdz stops quietly as other tools do, instead of panicking.
    // SAFETY: restores the default disposition of one signal before any thread starts.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    sqlite_without_memory_statistics();
    zdz::i18n::init_from_env();
    // GDAL's messages through zdz's handler from the start: never bare on stderr.
    zdz::load::gdal_messages::init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Analyze {
            workspace,
            out,
            force,
            maps,
            no_maps,
            survey,
            survey_per_cluster,
            ledger,
            as_of,
        } => {
            keep_freed_memory();
            cmd::analyze::analyze(
                &workspace.unwrap_or_else(demo_workspace),
                cmd::analyze::Options {
                    out: &out,
                    force,
                    maps,
                    no_maps,
                    survey: survey.as_deref(),
                    survey_per_cluster,
                    ledger: ledger.as_deref(),
                    as_of: as_of.unwrap_or_else(zdz::clock::today),
                },
            )
        }
        Command::Demo {
            out,
            rivers,
            seed,
            scale,
            force,
        } => demo(&out, rivers.as_deref(), seed, scale, force),
        Command::Serve {
            workspace,
            addr,
            cors,
            watch,
            timeout_s,
            ledger,
            public_ledger,
            basemap,
            as_of,
        } => serve(
            workspace.unwrap_or_else(demo_workspace),
            zdz::serve::Options {
                addr,
                cors,
                watch,
                timeout: std::time::Duration::from_secs(timeout_s),
                ledger,
                public_ledger,
                basemap,
                as_of,
            },
        ),
        Command::Report {
            workspace,
            out,
            force,
            clusters,
            ledger,
            format,
            base_url,
            survey,
            as_of,
            summary,
            narrative,
            lang,
        } => cmd::report::report(
            &workspace.unwrap_or_else(demo_workspace),
            cmd::report::Options {
                out: &out,
                force,
                clusters,
                ledger: ledger.as_deref(),
                formats: &format,
                base_url: base_url.as_deref(),
                survey: survey.as_deref(),
                as_of: as_of.unwrap_or_else(zdz::clock::today),
                summary: summary.then_some(narrative.as_deref()),
                lang,
            },
        ),
        Command::Ledger { command } => cmd::ledger::run(command),
        Command::Styles { out } => {
            let schedule = zdz::project::Project::defaults(Path::new(".")).deadlines;
            zdz::styles::write_all(&out, &schedule)
        }
        Command::Init { folder, force } => match cmd::init::init(&folder, force) {
            Ok(cmd::init::Done::Complete) => Ok(()),
            Ok(cmd::init::Done::Undecided) => return ExitCode::FAILURE,
            Err(e) => Err(e),
        },
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "zdz", &mut std::io::stdout());
            Ok(())
        }
        Command::Man { out } => man_pages(&out),
        Command::Check { workspace } => {
            cmd::check::check(&workspace.unwrap_or_else(demo_workspace))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{} {}", rust_i18n::t!("error.prefix"), error_text(&e));
            ExitCode::FAILURE
        }
    }
}
