#!/usr/bin/env bash
# Build zdz_<version>_amd64.deb with cargo-deb (installed at a pinned version when
# missing): the release binary, the QGIS/SLD styles, the demo workspace, man pages, shell
# completions, /etc/zdz/zdz.toml and zdz.service. Prints the package's path.
#   packaging/build-deb.sh
set -euo pipefail
cd "$(dirname "$0")/.."
deb_root="${CARGO_DEB_ROOT:-$PWD/target/cargo-deb}"
cargo_deb="$deb_root/bin/cargo-deb"
if [ ! -x "$cargo_deb" ]; then
  cargo install cargo-deb --version 3.8.0 --locked --root "$deb_root" -q >&2
fi
cargo build --release --locked -q
zdz=target/release/zdz
assets=target/deb-assets
rm -rf "$assets"
mkdir -p "$assets/man" "$assets/completions"
"$zdz" styles --out "$assets/styles" >/dev/null
"$zdz" man --out "$assets/man.raw"
for page in "$assets"/man.raw/*.1; do gzip -9n < "$page" > "$assets/man/$(basename "$page").gz"; done
rm -rf "$assets/man.raw"
"$zdz" completions bash > "$assets/completions/zdz"
"$zdz" completions zsh > "$assets/completions/_zdz"
"$zdz" completions fish > "$assets/completions/zdz.fish"
"$cargo_deb" --no-build -q --output target/debian/ >&2
ls -t target/debian/zdz_*_amd64.deb | head -1
