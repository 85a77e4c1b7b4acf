//! The README documents the contract as the code defines it: a test fails when a problem
//! code, a layer alias or a field is added without its documentation, or when the README's
//! `zdz.toml` example stops parsing.

use std::path::Path;

use zdz::contract::{LayerKind, ProblemCode};
use zdz::project::Project;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

#[test]
fn readme_lists_every_problem_code_with_its_chinese_label() {
    let text = readme();
    for code in ProblemCode::ALL {
        let row = text
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", code.as_str())))
            .unwrap_or_else(|| panic!("README has no row for {}", code.as_str()));
        assert!(row.contains(code.label_zh()), "{row}");
        assert!(row.contains(code.severity().as_str()), "{row}");
    }
}

#[test]
fn readme_lists_every_layer_alias_and_field() {
    let text = readme();
    for kind in LayerKind::ALL {
        for alias in kind.aliases() {
            assert!(text.contains(alias), "README lacks layer alias {alias}");
        }
        for field in kind.fields() {
            assert!(
                text.contains(&format!("`{}`", field.name)),
                "README lacks field {}",
                field.name
            );
            for alias in field.aliases {
                assert!(text.contains(alias), "README lacks field alias {alias}");
            }
        }
    }
}

#[test]
fn readme_zdz_toml_example_parses() {
    let text = readme();
    let start = text.find("```toml\n").expect("a toml block") + "```toml\n".len();
    let end = start + text[start..].find("```").unwrap();
    let project = Project::parse(&text[start..end], Path::new("/ws")).unwrap();
    assert_eq!(project.layers.len(), 3);
    assert_eq!(project.deadlines.len(), 4);
    assert_eq!(project.info.crs.as_deref(), Some("EPSG:4545"));
}

#[test]
fn readme_lists_every_parameter_and_every_rubric_item_with_its_points() {
    let text = readme();
    for (name, _) in Project::defaults(Path::new(".")).params.all() {
        assert!(text.contains(&format!("`{name}`")), "README lacks {name}");
    }
    for item in zdz::project::Rubric::provisional().items {
        let row = text
            .lines()
            .find(|l| {
                l.starts_with(&format!("| {} |", item.id))
                    || (item.id.starts_with('M') && l.starts_with("| M1–M5 |"))
            })
            .unwrap_or_else(|| panic!("README has no rubric row for {}", item.id));
        assert!(row.contains(&item.name_zh), "{row}");
        assert!(
            row.contains(&format!("| {} |", item.points))
                || row.contains(&format!("| {} each |", item.points)),
            "{row}"
        );
    }
}
