#!/usr/bin/env bash
# tools/ci/secrets.sh — the manual secrets pipeline (issue 15), only from the default branch as it is on origin:
#   SECRETS_ACTION=sync     update the shared stack, then every active ring (ringctl secrets sync)
#   SECRETS_ACTION=rotate   SECRETS_KEYS (app secret keys, comma- or space-separated) are regenerated, then the same
#                           roll (ringctl secrets rotate). Only generated credentials: an imported one needs its new
#                           value from a file (ringctl secrets rotate KEY --from-file, from an operator's terminal),
#                           and APP_KEY needs --override app-key, which no pipeline passes.
#   SECRETS_REASON          why (logged; required for a rotation).
# The approver of an override on a protected ring comes from the platform (tools/ci/approver.py), as for promote.
set -uo pipefail
script=secrets.sh
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lib.sh"
action="${SECRETS_ACTION:-}"
if [[ "$action" != sync && "$action" != rotate ]]; then
  printf '%s: SECRETS_ACTION must be sync or rotate; got %q; nothing was run\n' "$script" "$action" >&2
  exit 2
fi
keys=()
if [[ "$action" == rotate ]]; then
  # Checked whole before it is split: only upper-case keys, commas and spaces (no glob, no newline, no quote).
  if [[ ! "${SECRETS_KEYS:-}" =~ ^[A-Z0-9_,\ ]*$ ]]; then
    printf '%s: SECRETS_KEYS must be app secret keys such as REDIS_PASSWORD, comma-separated; got %q; nothing was run\n' "$script" "${SECRETS_KEYS:-}" >&2
    exit 2
  fi
  IFS=', ' read -r -a raw <<<"${SECRETS_KEYS:-}"
  for key in "${raw[@]}"; do
    [[ -n "$key" ]] || continue
    if [[ ! "$key" =~ ^[A-Z][A-Z0-9_]{0,62}$ ]]; then
      printf '%s: SECRETS_KEYS must be app secret keys such as REDIS_PASSWORD; got %q; nothing was run\n' "$script" "$key" >&2
      exit 2
    fi
    keys+=("$key")
  done
  if (( ${#keys[@]} == 0 )); then
    echo "$script: SECRETS_KEYS names no key to rotate; nothing was run" >&2
    exit 2
  fi
fi
reason="${SECRETS_REASON:-CI secrets $action}"
require_default_branch
start="$(git -C "$root" rev-parse HEAD)"
if [[ "$action" == rotate ]]; then
  ringctl secrets rotate "${keys[@]}" --reason "$reason" --yes --commit || exit $?
else
  ringctl secrets sync --reason "$reason" --yes --commit || exit $?
fi
if [[ "$(git -C "$root" rev-parse HEAD)" != "$start" ]]; then
  publish "every ring" "the shared stack's secrets" "ringctl reconcile --apply"
fi
