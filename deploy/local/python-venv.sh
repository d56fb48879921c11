#!/usr/bin/env bash
# A Python virtual environment with the pinned `mcp` client, for the integration tests that drive Sluice from Python.
#
#   bash deploy/local/python-venv.sh install   create .cache/python-venv/ and install integration-tests/python/requirements.txt
#                                              (skipped when the installed set already matches the file)
#   bash deploy/local/python-venv.sh path      print the venv's python (fails if it is not installed)
#
# requirements.txt pins `mcp` and every package it pulls in (as resolved on Python 3.11); pip installs them from PyPI.
# Environment: PYTHON, the interpreter that creates the venv (python3); it needs 3.10 or later.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
requirements=$root/integration-tests/python/requirements.txt
venv=$root/.cache/python-venv
python=$venv/bin/python
stamp=$venv/installed.sha256

say() { printf 'python-venv.sh: %s\n' "$*" >&2; }

wanted() { sha256sum "$requirements" | cut -d' ' -f1; }

install() {
  if [[ -x $python && -f $stamp && $(cat "$stamp") == $(wanted) ]]; then
    say "venv current at $venv"
    return 0
  fi
  local base=${PYTHON:-python3}
  command -v "$base" >/dev/null || { say "$base is required (Python 3.10 or later)"; exit 1; }
  "$base" -c 'import sys; sys.exit(sys.version_info < (3, 10))' || { say "$base is older than 3.10"; exit 1; }
  rm -rf "$venv"
  "$base" -m venv "$venv"
  say "installing $(grep -c '==' "$requirements") pinned packages into $venv"
  "$python" -m pip install --quiet --disable-pip-version-check --require-virtualenv -r "$requirements"
  wanted >"$stamp"
  say "installed $(sed -n 's/^mcp==//p' "$requirements" | sed 's/^/mcp /') at $venv"
}

path() {
  if [[ ! -x $python || ! -f $stamp ]]; then
    say "the venv is not installed; run: bash deploy/local/python-venv.sh install"
    exit 1
  fi
  echo "$python"
}

case ${1:-} in
  install) install ;;
  path) path ;;
  *) echo "usage: $0 install|path" >&2; exit 2 ;;
esac
