#!/usr/bin/env bash
# Shared by the npm peers' install scripts: install one pinned npm package into .cache/peers/<name>/, outside the
# project's workspaces and lockfile.
#
#   bash bench/peers/npm-peer.sh <name> <package> <version>
set -euo pipefail

name=$1 package=$2 version=$3

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
dir=$root/.cache/peers/$name
marker=$dir/installed

say() { printf 'install-%s: %s\n' "$name" "$*" >&2; }

installed_version() {
  node -e 'process.stdout.write(require(process.argv[1]).version)' "$dir/node_modules/$package/package.json" 2>/dev/null
}

if [[ -f $marker && $(cat "$marker") == "$package@$version" && $(installed_version || true) == "$version" ]]; then
  say "$package@$version already installed in $dir"
  exit 0
fi

command -v npm >/dev/null || { say "npm not found"; exit 1; }
mkdir -p "$dir"
rm -f "$marker"
# A package.json of its own keeps npm from walking up to the repository's workspace root.
[[ -f $dir/package.json ]] || printf '{ "name": "peer-%s", "private": true }\n' "$name" > "$dir/package.json"
say "npm install --prefix $dir $package@$version"
npm install --prefix "$dir" --save-exact --no-audit --no-fund --loglevel=error "$package@$version"

got=$(installed_version || true)
if [[ $got != "$version" ]]; then
  say "installed $package reports version '$got', expected $version"
  exit 1
fi
printf '%s' "$package@$version" > "$marker"
say "installed $package@$version in $dir"
