#!/usr/bin/env bash
# tools/ci/promote.sh [MODULE FROM TO] — the manual promotion job (doc 000's PROMOTE_ALIAS / PROMOTE_FROM /
# PROMOTE_TO): only from the default branch as it is on origin; gates, lock rewrite, stack update and
# verification through ringctl; then a commit of the lock change with the promote message, pushed to the
# default branch when RINGCTL_PUSH=1 (rebased and retried when someone pushed meanwhile).
#   PROMOTE_REASON   why (logged). The approver of a protected ring comes from the platform's environment
#   approval (tools/ci/approver.py); PROMOTE_APPROVER is honoured only outside CI.
set -uo pipefail
script=promote.sh
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lib.sh"
module="${1:-${PROMOTE_ALIAS:-}}"; from="${2:-${PROMOTE_FROM:-}}"; to="${3:-${PROMOTE_TO:-}}"
require_name module "$module"
require_name "source ring" "$from"
require_name "target ring" "$to"
require_default_branch
approver="${PROMOTE_APPROVER:-}"
if in_ci; then
  approver="$(python3 "$here/approver.py")" || exit 6
fi
# ringctl commits exactly the files it wrote (the lock, and a stack file the registry corrected) with the promote message.
args=(promote "$module" --from "$from" --to "$to" --yes --reason "${PROMOTE_REASON:-CI promotion}")
[[ -n "$approver" ]] && args+=(--approved-by "$approver")
run_committed "${args[@]}"
publish "$to" "$module $now" "ringctl rollback $module --ring $to"
