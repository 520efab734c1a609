#!/usr/bin/env bash
# tools/ci/promote.sh [MODULE FROM TO] — the manual promotion job (doc 000's PROMOTE_ALIAS / PROMOTE_FROM /
# PROMOTE_TO): gates, lock rewrite, stack update and verification through ringctl, then a commit of the
# lock change with the promote message (pushed when RINGCTL_PUSH=1).
#   PROMOTE_APPROVER   approver for a protected ring;  PROMOTE_REASON   why (logged)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lib.sh"
module="${1:-${PROMOTE_ALIAS:-}}"; from="${2:-${PROMOTE_FROM:-}}"; to="${3:-${PROMOTE_TO:-}}"
if [[ -z "$module" || -z "$from" || -z "$to" ]]; then
  echo "promote.sh: give MODULE FROM TO (or PROMOTE_ALIAS, PROMOTE_FROM, PROMOTE_TO); got '${module}' '${from}' '${to}'" >&2
  exit 2
fi
args=(promote "$module" --from "$from" --to "$to" --yes --json --reason "${PROMOTE_REASON:-CI promotion}")
[[ -n "${PROMOTE_APPROVER:-}" ]] && args+=(--approved-by "$PROMOTE_APPROVER")
out="$(ringctl "${args[@]}")"
status=$?
if [[ $status -ne 0 ]]; then
  exit $status
fi
message="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["commitMessage"])' <<<"$out")"
cd "$root"
git add "stacks/locks/$to.lock.json"
git -c user.name="${GIT_AUTHOR_NAME:-ringctl}" -c user.email="${GIT_AUTHOR_EMAIL:-ringctl@ci}" commit -q -m "$message" || { echo "promote.sh: nothing to commit" >&2; exit 1; }
echo "$message"
if [[ "${RINGCTL_PUSH:-}" == 1 ]]; then
  git push -q origin "HEAD:${PROMOTE_BRANCH:-main}"
fi
