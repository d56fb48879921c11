#!/usr/bin/env bash
# The pinned Open Policy Agent CLI, which compiles the Rego policy to WebAssembly.
#
#   bash deploy/local/opa.sh install   build it with `go install` into .cache/bin/ (skipped when already there)
#   bash deploy/local/opa.sh path      print the binary's absolute path (fails if it is not installed)
#
# The opa CLI is not published on npm; Go builds it from the module at the pinned version.
set -euo pipefail

OPA_MODULE=github.com/open-policy-agent/opa
OPA_VERSION=v1.22.2

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin_dir=$root/.cache/bin
opa=$bin_dir/opa

say() { printf 'opa.sh: %s\n' "$*" >&2; }

# `opa version` prints "Version: 1.22.2"; compare without the leading v.
installed_version() {
  [[ -x $opa ]] || return 1
  "$opa" version 2>/dev/null | sed -n 's/^Version: *//p' | head -n 1
}

install() {
  if [[ $(installed_version || true) == "${OPA_VERSION#v}" ]]; then
    say "opa $OPA_VERSION already installed at $opa"
    return 0
  fi
  command -v go >/dev/null || { say "Go is required to build opa $OPA_VERSION (go install $OPA_MODULE@$OPA_VERSION)"; exit 1; }
  mkdir -p "$bin_dir"
  say "building opa $OPA_VERSION with go install (first build takes a few minutes)"
  GOBIN=$bin_dir go install "$OPA_MODULE@$OPA_VERSION"
  local got
  got=$(installed_version || true)
  if [[ $got != "${OPA_VERSION#v}" ]]; then
    say "built opa reports version '${got}', expected ${OPA_VERSION#v}"
    exit 1
  fi
  say "installed opa $OPA_VERSION at $opa"
}

path() {
  if [[ ! -x $opa ]]; then
    say "opa is not installed; run: bash deploy/local/opa.sh install"
    exit 1
  fi
  echo "$opa"
}

case ${1:-} in
  install) install ;;
  path) path ;;
  *) echo "usage: $0 install|path" >&2; exit 2 ;;
esac
