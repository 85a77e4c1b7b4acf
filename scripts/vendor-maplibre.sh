#!/usr/bin/env bash
# Refresh the vendored MapLibre GL JS (web/vendor/maplibre-gl/) from the npm registry at a
# pinned version: the ES module, its worker, the stylesheet and the licence, which zdz
# embeds in its binary so the web map works with no network at all.
#   scripts/vendor-maplibre.sh [VERSION]   (default: the version in web/vendor/maplibre-gl/VERSION)
set -euo pipefail
cd "$(dirname "$0")/.."
dest=web/vendor/maplibre-gl
version="${1:-$(cat "$dest/VERSION")}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "maplibre-gl@$version" --silent >/dev/null && tar xzf "maplibre-gl-$version.tgz")
for f in dist/maplibre-gl.mjs dist/maplibre-gl-worker.mjs dist/maplibre-gl.css LICENSE.txt; do
  cp "$tmp/package/$f" "$dest/$(basename "$f")"
done
echo "$version" > "$dest/VERSION"
echo "web/vendor/maplibre-gl: MapLibre GL JS $version" >&2
