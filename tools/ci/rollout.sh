#!/usr/bin/env bash
# tools/ci/rollout.sh — after a merge to main: update every ring in rollout order (the highest
# promotion order first, the default ring last) with gates between rings: each update must succeed,
# the ring must verify (when RINGCTL_VERIFY_URL_<RING> is set, e.g. RINGCTL_VERIFY_URL_CANARY) and must
# not be held. Stops at the first failure, naming the ring.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lib.sh"
rings="$(ringctl ring list --json | python3 -c 'import json,sys; print(" ".join(r["name"] for r in sorted(json.load(sys.stdin), key=lambda r: -r["promotionOrder"]) if r["active"]))')" || exit $?
for ring in $rings; do
  echo "== $ring"
  ringctl up "$ring" --yes --reason "${ROLLOUT_REASON:-rollout of $(git rev-parse --short HEAD)}" || { echo "rollout.sh: stopped at $ring (update failed)" >&2; exit 6; }
  var="RINGCTL_VERIFY_URL_$(tr 'a-z-' 'A-Z_' <<<"$ring")"
  if [[ -n "${!var:-}" ]]; then
    ringctl verify "$ring" --url "${!var}" || { echo "rollout.sh: stopped at $ring (verification failed)" >&2; exit 6; }
  fi
  held="$(ringctl ring show "$ring" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["held"])')"
  if [[ "$held" == True ]]; then
    echo "rollout.sh: stopped at $ring (held)" >&2
    exit 4
  fi
done
echo "rollout.sh: all rings updated: $rings"
