#!/usr/bin/env bash
# Builds the default policy bundle (policy-worker/policy/bundle.tar.gz) from the .rego sources next to it.
#
#   build-bundle.sh           rebuild the committed bundle
#   build-bundle.sh --check   rebuild into a temporary directory and fail if the committed bundle is not current
#
# The revision is the first 12 hex digits of a SHA-256 over the sources, so it changes exactly when they do.
# The opa CLI comes from deploy/local/opa.sh (or $OPA, when set). The build is deterministic for one opa
# version, which is why that version is pinned here.
set -euo pipefail

OPA_VERSION="1.22.2"
ENTRYPOINT="sluice/authz/decision"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package_dir="$(dirname "$here")"
root="$(dirname "$package_dir")"
policy_dir="$package_dir/policy"
bundle="$policy_dir/bundle.tar.gz"

mode="build"
case "${1:-}" in
  "") ;;
  --check) mode="check" ;;
  -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "build-bundle: unknown argument '$1' (expected --check or nothing)" >&2; exit 2 ;;
esac

fail() { echo "build-bundle: $*" >&2; exit 1; }

if [[ -z "${OPA:-}" ]]; then
  OPA="$(bash "$root/deploy/local/opa.sh" path)" || fail "cannot find the opa CLI: run 'npm run opa:install' (or set OPA to its path)"
fi
[[ -x "$OPA" ]] || fail "opa CLI '$OPA' is not executable: run 'npm run opa:install'"
found_version="$("$OPA" version | sed -n 's/^Version: //p')"
[[ "$found_version" == "$OPA_VERSION" ]] ||
  fail "opa $OPA_VERSION is required (the bundle's bytes depend on it), found '$found_version' at $OPA"

cd "$policy_dir"
shopt -s nullglob
sources=()
for f in *.rego; do [[ "$f" == *_test.rego ]] || sources+=("$f"); done
[[ ${#sources[@]} -gt 0 ]] || fail "no .rego sources in policy-worker/policy"
mapfile -t sources < <(printf '%s\n' "${sources[@]}" | LC_ALL=C sort)
revision="$(sha256sum "${sources[@]}" | sha256sum | cut -c1-12)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Relative source paths keep the bundle free of this machine's directory names.
"$OPA" build -t wasm -e "$ENTRYPOINT" --revision "$revision" -o "$work/bundle.tar.gz" "${sources[@]}" >"$work/opa.log" 2>&1 ||
  { cat "$work/opa.log" >&2; fail "opa build failed"; }

if [[ "$mode" == "build" ]]; then
  mv "$work/bundle.tar.gz" "$bundle"
  echo "build-bundle: wrote policy-worker/policy/bundle.tar.gz (revision $revision)"
  exit 0
fi

[[ -f "$bundle" ]] || fail "policy-worker/policy/bundle.tar.gz is missing: run 'npm run policy:build'"
# Compare the contents (wasm, manifest with its revision, data, sources), not tar or gzip metadata.
extract() {
  mkdir -p "$2"
  tar -xzf "$1" -C "$2" 2>"$work/tar.log" || { cat "$work/tar.log" >&2; fail "cannot read $3"; }
}
extract "$bundle" "$work/committed" "the committed bundle"
extract "$work/bundle.tar.gz" "$work/fresh" "the rebuilt bundle"
for f in policy.wasm .manifest; do
  [[ -f "$work/fresh/$f" ]] || fail "the rebuilt bundle has no $f"
done
if ! diff -r "$work/committed" "$work/fresh" >"$work/diff.log" 2>&1; then
  committed_revision="$(sed -n 's/.*"revision":"\([^"]*\)".*/\1/p' "$work/committed/.manifest" 2>/dev/null || true)"
  sed 's#'"$work"'/##g' "$work/diff.log" >&2
  fail "policy-worker/policy/bundle.tar.gz is stale (committed revision '${committed_revision:-none}', sources give '$revision'): run 'npm run policy:build' and commit the result"
fi
echo "build-bundle: policy-worker/policy/bundle.tar.gz is current (revision $revision)"
