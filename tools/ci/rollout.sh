#!/usr/bin/env bash
# tools/ci/rollout.sh --shared — after a merge: update the shared stack alone (ringctl up shared, judged for every ring)
# when stacks/shared/ or infra/ changed since ROLLOUT_BASE (the commit before the push; unknown or not a commit
# hash: it counts as changed, and an update that changes nothing is harmless). The pipelines run it before any ring.
# tools/ci/rollout.sh [RING] — after a merge to the default branch: update every active ring in rollout order
# (the highest promotion order first, the default ring last), or only RING, with gates between rings: each
# update must succeed, the ring must verify (when RINGCTL_VERIFY_URL_<RING> is set, e.g.
# RINGCTL_VERIFY_URL_CANARY) and must not be held. Stops at the first failure, naming the ring.
set -uo pipefail
script=rollout.sh
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lib.sh"
only="${1:-}"
if [[ "$only" == --shared ]]; then
  base="${ROLLOUT_BASE:-}"
  if [[ "$base" =~ ^[0-9a-f]{40}$ && ! "$base" =~ ^0+$ ]] && git -C "$root" cat-file -e "$base^{commit}" 2>/dev/null \
     && [[ -z "$(git -C "$root" diff --name-only "$base" HEAD -- stacks/shared infra)" ]]; then
    echo "rollout.sh: neither stacks/shared/ nor infra/ changed since ${base:0:12}: the shared stack is not updated"
    exit 0
  fi
  echo "== shared"
  ringctl up shared --yes --reason "${ROLLOUT_REASON:-rollout of $(git -C "$root" rev-parse --short HEAD): the shared stack changed}"
  rc=$?
  if (( rc == 3 || rc == 4 )); then
    echo "rollout.sh: stopped at the shared stack (refused by its gates, exit $rc)" >&2
    exit "$rc"
  elif (( rc != 0 )); then
    echo "rollout.sh: stopped at the shared stack (update failed, exit $rc)" >&2
    exit 6
  fi
  echo "rollout.sh: the shared stack updated; the rings follow"
  exit 0
fi
[[ -z "$only" ]] || require_name ring "$only"
# (The pipelines run this only for pushes to the default branch, one run per ring at a time, newest last.)
rings="$(ringctl ring list --json | python3 -c 'import json,sys; print(" ".join(r["name"] for r in sorted(json.load(sys.stdin), key=lambda r: -r["promotionOrder"]) if r["active"]))')" || exit $?
if [[ -n "$only" ]]; then
  [[ " $rings " == *" $only "* ]] || { echo "rollout.sh: $only is not an active ring of the registry (active: $rings)" >&2; exit 2; }
  rings="$only"
fi
start="$(git -C "$root" rev-parse HEAD)"
for ring in $rings; do
  require_name ring "$ring"
  echo "== $ring"
  # ringctl up passes the same gates as every change (freeze, lock provenance, policies): a refusal (exit 3 or 4)
  # stops the rollout with ringctl's own exit code and message; there is no flag here to get around it.
  # --commit: where the registry corrected a stack file (a tenant list edited by hand), ringctl commits it.
  ringctl up "$ring" --yes --commit --reason "${ROLLOUT_REASON:-rollout of $(git rev-parse --short HEAD)}"
  rc=$?
  if (( rc == 3 || rc == 4 )); then
    echo "rollout.sh: stopped at $ring (refused by its gates, exit $rc)" >&2
    exit "$rc"
  elif (( rc != 0 )); then
    echo "rollout.sh: stopped at $ring (update failed, exit $rc)" >&2
    exit 6
  fi
  # Doc 003's analysis: with metric gates and a Prometheus, the ring's gates are watched for RINGCTL_ANALYSIS (default
  # 10m) before the next ring; a broken bound holds the ring and stops the rollout with ringctl's exit code.
  analysis="$(ringctl ring show "$ring" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print("yes" if d.get("metricGates") and d.get("prometheus") else "")')"
  if [[ -n "$analysis" ]]; then
    ringctl verify "$ring" --metrics --for "${RINGCTL_ANALYSIS:-10m}"
    rc=$?
    if (( rc != 0 )); then
      echo "rollout.sh: stopped at $ring (metric analysis failed, exit $rc)" >&2
      exit "$rc"
    fi
  fi
  # The name was checked above, so the variable name built from it is too.
  url="$(printenv "RINGCTL_VERIFY_URL_$(tr 'a-z-' 'A-Z_' <<<"$ring")" || true)"
  if [[ -n "$url" ]]; then
    ringctl verify "$ring" --url "$url" || { echo "rollout.sh: stopped at $ring (verification failed)" >&2; exit 6; }
  fi
  held="$(ringctl ring show "$ring" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["held"])')"
  if [[ "$held" == True ]]; then
    echo "rollout.sh: stopped at $ring (held)" >&2
    exit 4
  fi
done
if [[ "$(git -C "$root" rev-parse HEAD)" != "$start" ]]; then
  publish "the fleet" "what the registry assigns" "ringctl reconcile --apply"
fi
echo "rollout.sh: all rings updated: $rings"
