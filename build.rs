//! Rebuild when the message catalogue changes: `rust_i18n::i18n!` reads locales/ at
//! compile time, and cargo would not otherwise know to look at it.
fn main() {
    println!("cargo:rerun-if-changed=locales");
}
