#!/usr/bin/env bash
# Install the .deb into a clean Debian 12 root (debootstrap from the Debian mirror this
# machine's apt uses, in a chroot), run `zdz analyze` on the shipped demo there, check the
# installed files, and verify the systemd unit with `systemd-analyze verify`.
#   packaging/test-deb.sh [PACKAGE.deb]    (default: build it with packaging/build-deb.sh)
# Needs root. The root is cached in $ZDZ_DEB_ROOT (default /tmp/zdz-debroot) between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
deb="${1:-$(packaging/build-deb.sh)}"
root="${ZDZ_DEB_ROOT:-/tmp/zdz-debroot}"
for p in debootstrap systemd; do
  dpkg -s "$p" >/dev/null 2>&1 || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p"; }
done
# The mirror apt already uses (no host is written here).
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -1)
[ -n "$mirror" ] || mirror=$(awk '/^deb / && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list)
[ -n "$mirror" ] || { echo "test-deb: no Debian mirror in this machine's apt sources" >&2; exit 1; }
if [ ! -x "$root/usr/bin/apt-get" ]; then
  rm -rf "$root"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
fi
mounts=("$root/proc" "$root/dev")
cleanup() { for m in "${mounts[@]}"; do umount -l "$m" 2>/dev/null || true; done; }
trap cleanup EXIT
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/zdz.deb"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
# A previous run's package goes first: the install below is from a clean state.
in_root sh -c 'dpkg -s zdz >/dev/null 2>&1 && dpkg --purge zdz >/dev/null || true'
in_root apt-get update -qq
# systemd and man-db as on any Debian system: the unit is verified against them.
in_root sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd man-db /tmp/zdz.deb >/dev/null'
in_root zdz --version
for f in /usr/share/zdz/demo/clusters.geojson /usr/share/zdz/styles/clusters.qml /usr/share/man/man1/zdz.1.gz \
         /usr/share/bash-completion/completions/zdz /etc/zdz/zdz.toml /usr/lib/systemd/system/zdz.service; do
  [ -e "$root$f" ] || { echo "test-deb: $f not installed" >&2; exit 1; }
done
in_root getent passwd zdz >/dev/null || { echo "test-deb: no zdz user" >&2; exit 1; }
in_root rm -rf /tmp/out
in_root zdz analyze /usr/share/zdz/demo --out /tmp/out --no-maps
clusters=$(in_root sh -c 'grep -o "\"cluster_id\"" /tmp/out/clusters.geojson | wc -l')
[ "$clusters" -eq 22 ] || { echo "test-deb: $clusters clusters analysed, expected 22" >&2; exit 1; }
in_root zdz check /etc/zdz/zdz.toml >/dev/null
in_root man -w zdz >/dev/null
in_root systemd-analyze verify zdz.service 2>&1 | tee /tmp/zdz-unit-verify-chroot.txt
# The unit as installed, with its binary and user present in the root.
SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no --root="$root" zdz.service 2>&1 | tee /tmp/zdz-unit-verify.txt
if grep -qiE "error|failed|not found|unknown|invalid|ignoring" /tmp/zdz-unit-verify.txt /tmp/zdz-unit-verify-chroot.txt; then
  echo "test-deb: systemd-analyze verify complained" >&2
  exit 1
fi
echo "test-deb: $deb installs and runs on a clean Debian 12 ($root)"
