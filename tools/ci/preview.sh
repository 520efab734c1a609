#!/usr/bin/env bash
# tools/ci/preview.sh — preview a pull/merge request and post (or update) one comment on it.
#   BASE_SHA, HEAD_SHA   the revisions to compare (default: ringctl's: where HEAD left main, and HEAD)
#   RINGCTL_OFFLINE=1    force the offline preview (forks, no backend); otherwise online when Pulumi is here
# Posting: GitHub (GITHUB_TOKEN, GITHUB_REPOSITORY, PR_NUMBER) or GitLab (GITLAB_TOKEN, CI_API_V4_URL,
# CI_PROJECT_ID, CI_MERGE_REQUEST_IID). Without a token the comment is printed, not posted.
# Exit status: ringctl's (0, or 2 when the head revision does not validate — the comment says why).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lib.sh"
comment="$(mktemp)"
trap 'rm -f "$comment"' EXIT
args=(preview --format markdown --out "$comment")
[[ -n "${BASE_SHA:-}" ]] && args+=(--base "$BASE_SHA")
[[ -n "${HEAD_SHA:-}" ]] && args+=(--head "$HEAD_SHA")
[[ "${RINGCTL_OFFLINE:-}" == 1 ]] && args+=(--offline)
ringctl "${args[@]}"
status=$?
if [[ $status -ne 0 && $status -ne 2 ]]; then
  echo "preview.sh: ringctl preview failed (exit $status)" >&2
  exit $status
fi
python3 "$here/post_comment.py" "$comment" || exit $?
exit $status
