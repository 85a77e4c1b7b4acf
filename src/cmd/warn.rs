//! Warnings on the terminal, highlighted (bold yellow on a terminal, a `warning:` prefix
//! always), so that what changes results is not left to a line in summary.json.

use std::io::IsTerminal;

use zdz::analysis::warnings::Warning;

pub fn print(warnings: &[Warning]) {
    let colour = std::io::stderr().is_terminal();
    let prefix = rust_i18n::t!("warning.prefix");
    for w in warnings {
        if colour {
            eprintln!("\x1b[1;33m{prefix}\x1b[0m \x1b[33m{}\x1b[0m", w.message);
        } else {
            eprintln!("{prefix} {}", w.message);
        }
    }
}
