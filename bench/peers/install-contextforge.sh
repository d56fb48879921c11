#!/usr/bin/env bash
# IBM ContextForge (PyPI mcp-contextforge-gateway), pinned, in its own virtualenv under .cache/peers/contextforge/.
#
#   bash bench/peers/install-contextforge.sh          install (skipped when the pinned version is already there)
#
# The pinned release needs Python 3.12 or 3.13: the script takes python3.13, python3.12 or python3 from PATH, or a
# pyenv-installed one. With only Python 3.11 it installs the newest release that supports 3.11 instead. The
# installed version is written to .cache/peers/contextforge/installed. A first install takes about a minute.
set -euo pipefail

PACKAGE=mcp-contextforge-gateway
VERSION=1.1.0                      # Requires-Python >=3.12,<3.14
VERSION_PY311=1.0.7.post20260921   # the newest release for Python 3.11

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
dir=$root/.cache/peers/contextforge
venv=$dir/venv
marker=$dir/installed

say() { printf 'install-contextforge.sh: %s\n' "$*" >&2; }

# Prints major.minor of a Python interpreter, or fails.
py_version() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null; }

python= version=
candidates=()
for name in python3.13 python3.12 python3; do
  command -v "$name" >/dev/null && candidates+=("$(command -v "$name")")
done
if command -v pyenv >/dev/null; then
  for v in $(pyenv versions --bare 2>/dev/null | sort -rV); do candidates+=("$(pyenv root)/versions/$v/bin/python3"); done
fi
for candidate in "${candidates[@]}"; do
  case $(py_version "$candidate" || true) in
    3.12|3.13) python=$candidate version=$VERSION; break ;;
  esac
done
if [[ -z $python ]]; then
  for candidate in "${candidates[@]}"; do
    if [[ $(py_version "$candidate" || true) == 3.11 ]]; then python=$candidate version=$VERSION_PY311; break; fi
  done
fi
[[ -n $python ]] || { say "no Python 3.11 to 3.13 found (tried: ${candidates[*]:-none})"; exit 1; }
want="$PACKAGE==$version python$(py_version "$python")"

if [[ -f $marker && $(cat "$marker") == "$want" && -x $venv/bin/mcpgateway ]]; then
  say "$want already installed in $venv"
  exit 0
fi

mkdir -p "$dir"
rm -f "$marker"
if [[ -x $venv/bin/python && $(py_version "$venv/bin/python" || true) != $(py_version "$python") ]]; then
  rm -rf "$venv"
fi
if [[ ! -x $venv/bin/python ]]; then
  say "creating virtualenv: $python -m venv $venv"
  "$python" -m venv "$venv"
fi
say "pip install $PACKAGE==$version (Python $(py_version "$python"))"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$PACKAGE==$version"

got=$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("mcp-contextforge-gateway"))')
if [[ $got != "$version" ]]; then
  say "installed $PACKAGE reports version '$got', expected $version"
  exit 1
fi
"$venv/bin/python" -m pip freeze --disable-pip-version-check > "$dir/pip-freeze.txt"
printf '%s' "$want" > "$marker"
say "installed $want in $venv"
