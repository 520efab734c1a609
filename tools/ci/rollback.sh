#!/usr/bin/env bash
# tools/ci/rollback.sh [MODULE RING [VERSION]] — the manual rollback job (ROLLBACK_ALIAS / ROLLBACK_RING /
# ROLLBACK_VERSION): only from the default branch as it is on origin; ringctl rollback (back only, to a
# version the ring ran), then a commit of the lock change, pushed like a promotion.
set -uo pipefail
script=rollback.sh
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lib.sh"
module="${1:-${ROLLBACK_ALIAS:-}}"; ring="${2:-${ROLLBACK_RING:-}}"; version="${3:-${ROLLBACK_VERSION:-}}"
require_name module "$module"
require_name ring "$ring"
if [[ -n "$version" && ! "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]]; then
  printf '%s: version must be a SemVer version; got %q; nothing was run\n' "$script" "$version" >&2
  exit 2
fi
require_default_branch
approver="${PROMOTE_APPROVER:-}"
if in_ci; then
  approver="$(python3 "$here/approver.py")" || exit 6
fi
args=(rollback "$module" --ring "$ring" --yes --reason "${ROLLBACK_REASON:-CI rollback}")
[[ -n "$version" ]] && args+=(--to-version "$version")
[[ -n "$approver" ]] && args+=(--approved-by "$approver")
run_committed "${args[@]}"
publish "$ring" "$module $now" "a promotion of $module into $ring from the ring below it"
