#!/usr/bin/env bash
# Replaces the Public Suffix List embedded in CorsKit with the one in Debian unstable's
# `publicsuffix` package, copied unmodified, and records which snapshot it is in
# public_suffix_list.snapshot: the Debian version (its upstream part is the list's date) and the
# list's SHA-256, which CorsKit checks when it reads the snapshot. The machine's own apt sources
# and state are left alone: apt works in a temporary directory that is removed on exit.
#
# Usage: tools/refresh-public-suffix-list.sh
# Then name the new version in THIRD-PARTY-NOTICES.md, README.md and the pinned snapshot test,
# rebuild, and run the tests.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$repo_root/src/CorsKit/Origins/public_suffix_list.dat"
snapshot="$repo_root/src/CorsKit/Origins/public_suffix_list.snapshot"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

for tool in apt-get dpkg-deb sha256sum; do
    command -v "$tool" >/dev/null || { echo "error: $tool is required (a Debian or Ubuntu machine)." >&2; exit 1; }
done
[[ -r "$keyring" ]] || { echo "error: $keyring is missing (apt-get install debian-archive-keyring)." >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# apt downloads as the unprivileged _apt user when run as root; let it reach the directory.
chmod 0755 "$work"

mkdir -p "$work/sources" "$work/lists/partial" "$work/cache/archives/partial" "$work/deb"
cat >"$work/sources/sid.sources" <<SOURCES
Types: deb
URIs: http://deb.debian.org/debian
Suites: sid
Components: main
Signed-By: $keyring
SOURCES

apt_options=(
    -o Dir::Etc::SourceList=/dev/null
    -o "Dir::Etc::SourceParts=$work/sources"
    -o "Dir::State::Lists=$work/lists"
    -o "Dir::Cache=$work/cache"
)

apt-get "${apt_options[@]}" update
(cd "$work/deb" && apt-get "${apt_options[@]}" download publicsuffix)

package=("$work"/deb/publicsuffix_*_all.deb)
[[ ${#package[@]} -eq 1 && -f "${package[0]}" ]] || { echo "error: expected one downloaded publicsuffix package in $work/deb." >&2; exit 1; }

dpkg-deb -x "${package[0]}" "$work/root"
list="$work/root/usr/share/publicsuffix/public_suffix_list.dat"
[[ -s "$list" ]] || { echo "error: ${package[0]##*/} has no usr/share/publicsuffix/public_suffix_list.dat." >&2; exit 1; }

# Debian versions this package by the upstream commit's time, YYYYMMDD.HHMM, then a revision.
# The list itself carries no date, so CorsKit takes it from this version.
version="$(dpkg-deb -f "${package[0]}" Version)"
[[ "$version" =~ ^[0-9]{8}\.[0-9]{4}-[0-9A-Za-z.+~]+$ ]] || { echo "error: unexpected publicsuffix version '$version' (expected YYYYMMDD.HHMM-N)." >&2; exit 1; }

cp "$list" "$target"

# The hash is over the text with LF line endings, so a checkout with CRLF endings still matches.
sha256="$(sed 's/\r$//' "$target" | sha256sum | cut -d' ' -f1)"
cat >"$snapshot" <<SNAPSHOT
// Which Public Suffix List snapshot public_suffix_list.dat is. Written by
// tools/refresh-public-suffix-list.sh; do not edit by hand.
debian-version: $version
sha256: $sha256
SNAPSHOT

rules="$(grep -cvE '^[[:space:]]*(//|$)' "$target")"
echo "publicsuffix $version: list of ${version:0:4}-${version:4:2}-${version:6:2}, $rules rule lines, sha256 $sha256."
echo "Updated $target and $snapshot."
echo "Next: name version $version and its date in THIRD-PARTY-NOTICES.md, README.md (Origin syntax) and tests/CorsKit.Tests/Origins/PublicSuffixListSnapshotTests.cs (pinned on purpose), rebuild, and run the tests."
