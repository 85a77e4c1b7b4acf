//! The documentation says what the code does: the contract pages (`docs/workspace.md`,
//! `docs/rules.md`) list every problem code, layer alias, field, parameter and rubric item
//! the code defines, and their `zdz.toml` example parses; the README stays a page for
//! users (at most 200 lines) whose commands exist as written; every link and path the
//! README and `docs/` name is in the repository; and nothing in the repository reads or
//! cites a path outside it.

use std::path::{Path, PathBuf};

use zdz::contract::{LayerKind, ProblemCode};
use zdz::project::Project;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The contract pages, together: the layer contract and the rules.
fn readme() -> String {
    ["docs/workspace.md", "docs/rules.md"]
        .iter()
        .map(|p| std::fs::read_to_string(root().join(p)).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_rules_page_lists_every_problem_code_with_its_chinese_label() {
    let text = readme();
    for code in ProblemCode::ALL {
        let row = text
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", code.as_str())))
            .unwrap_or_else(|| panic!("docs/rules.md has no row for {}", code.as_str()));
        assert!(row.contains(code.label_zh()), "{row}");
        assert!(row.contains(code.severity().as_str()), "{row}");
    }
}

#[test]
fn the_workspace_page_lists_every_layer_alias_and_field() {
    let text = readme();
    for kind in LayerKind::ALL {
        for alias in kind.aliases() {
            assert!(
                text.contains(alias),
                "docs/workspace.md lacks layer alias {alias}"
            );
        }
        for field in kind.fields() {
            assert!(
                text.contains(&format!("`{}`", field.name)),
                "docs/workspace.md lacks field {}",
                field.name
            );
            for alias in field.aliases {
                assert!(
                    text.contains(alias),
                    "docs/workspace.md lacks field alias {alias}"
                );
            }
        }
    }
}

#[test]
fn the_workspace_pages_zdz_toml_example_parses() {
    let text = readme();
    let section = text.find("## `zdz.toml`").expect("the zdz.toml section");
    let start =
        section + text[section..].find("```toml\n").expect("a toml block") + "```toml\n".len();
    let end = start + text[start..].find("```").unwrap();
    let project = Project::parse(&text[start..end], Path::new("/ws")).unwrap();
    assert_eq!(project.layers.len(), 4);
    assert_eq!(project.deadlines.len(), 4);
    assert_eq!(project.info.crs.as_deref(), Some("EPSG:4545"));
}

#[test]
fn the_contract_pages_list_every_parameter_and_every_rubric_item_with_its_points() {
    let text = readme();
    for (name, _) in Project::defaults(Path::new(".")).params.all() {
        assert!(
            text.contains(&format!("`{name}`")),
            "the contract pages lack {name}"
        );
    }
    for item in zdz::project::Rubric::provisional().items {
        let row = text
            .lines()
            .find(|l| {
                l.starts_with(&format!("| {} |", item.id))
                    || (item.id.starts_with('M') && l.starts_with("| M1–M5 |"))
            })
            .unwrap_or_else(|| panic!("docs/rules.md has no rubric row for {}", item.id));
        assert!(row.contains(&item.name_zh), "{row}");
        assert!(
            row.contains(&format!("| {} |", item.points))
                || row.contains(&format!("| {} each |", item.points)),
            "{row}"
        );
    }
}

/// Every Markdown file of the README and `docs/`, with its text.
fn pages() -> Vec<(PathBuf, String)> {
    let mut out = vec![root().join("README.md"), root().join("CHANGELOG.md")];
    for dir in [root().join("docs"), root().join("docs/reference")] {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "md") {
                out.push(p);
            }
        }
    }
    out.into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

#[test]
fn the_readme_is_a_page_for_users_of_at_most_200_lines() {
    let text = std::fs::read_to_string(root().join("README.md")).unwrap();
    let lines = text.lines().count();
    assert!(lines <= 200, "README.md has {lines} lines");
    for heading in ["## Install", "## Quick start", "## Documentation"] {
        assert!(text.contains(heading), "README.md lacks {heading}");
    }
    assert!(text.contains("./dev demo") && text.contains("./dev test"));
}

#[test]
fn every_link_in_the_readme_and_docs_points_to_a_file_of_the_repository() {
    for (page, text) in pages() {
        let dir = page.parent().unwrap();
        for (i, _) in text.match_indices("](") {
            let rest = &text[i + 2..];
            let target = &rest[..rest.find(')').unwrap()];
            if target.starts_with("http") || target.starts_with('#') {
                continue;
            }
            let path = target.split('#').next().unwrap();
            assert!(
                dir.join(path).exists(),
                "{}: link {target} points to nothing",
                page.display()
            );
        }
    }
}

#[test]
fn every_repository_path_the_readme_and_docs_name_exists() {
    // Paths in backquotes that start with a folder of the repository.
    let folders = [
        "src/",
        "tests/",
        "docs/",
        "data/",
        "bench/",
        "packaging/",
        "scripts/",
        "web/",
        "styles/",
        "locales/",
    ];
    // docs/reference/ holds notes on other projects, whose paths are theirs.
    let ours = pages()
        .into_iter()
        .filter(|(p, _)| !p.parent().unwrap().ends_with("reference"));
    for (page, text) in ours {
        for piece in text.split('`').skip(1).step_by(2) {
            let path = piece.split_whitespace().next().unwrap_or("");
            if !folders.iter().any(|f| path.starts_with(f)) || path.contains(['*', '<', '{', '…'])
            {
                continue;
            }
            let path = path.trim_end_matches([',', '.', ':', ')']);
            assert!(
                root().join(path).exists(),
                "{}: `{path}` is not in the repository",
                page.display()
            );
        }
    }
}

#[test]
fn every_zdz_command_in_the_readmes_examples_exists_with_its_options() {
    let text = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut in_block = false;
    let mut checked = 0;
    for line in text.lines() {
        if line.starts_with("```") {
            in_block = line == "```sh";
            continue;
        }
        if !in_block {
            continue;
        }
        let command = line.split('#').next().unwrap().trim();
        if let Some(dev) = command.strip_prefix("./dev ") {
            let script = std::fs::read_to_string(root().join("dev")).unwrap();
            assert!(
                script.contains(&format!("  {dev})")),
                "./dev has no `{dev}`"
            );
            checked += 1;
            continue;
        }
        let Some(args) = command.strip_prefix("zdz ") else {
            continue;
        };
        let words: Vec<&str> = args.split_whitespace().collect();
        // The subcommand (and a ledger's sub-subcommand) answers --help…
        let depth = if words[0] == "ledger" { 2 } else { 1 };
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_zdz"))
            .args(&words[..depth])
            .arg("--help")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "zdz {}: no such command",
            words[..depth].join(" ")
        );
        let help = String::from_utf8_lossy(&out.stdout);
        // …and lists every option the example gives.
        for w in words.iter().filter(|w| w.starts_with("--")) {
            assert!(
                help.contains(*w),
                "zdz {}: no option {w}",
                words[..depth].join(" ")
            );
        }
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} commands found in README.md");
}

#[test]
fn nothing_in_the_repository_reads_or_cites_a_path_outside_it() {
    // Spelt in two pieces, so that this file does not match itself.
    let outside = ["../", "shared"].concat();
    let spec = ["SPEC", " §"].concat();
    let listed = std::process::Command::new("git")
        .args(["ls-files", "--cached", "--others", "--exclude-standard"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(listed.status.success(), "git ls-files");
    let mut offenders = Vec::new();
    for file in String::from_utf8_lossy(&listed.stdout).lines() {
        if file.ends_with(".lock") || file.contains("node_modules") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(root().join(file)) else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            if line.contains(&outside) || line.contains(&spec) {
                offenders.push(format!("{file}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}
