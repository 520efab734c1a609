# Shared by the CI scripts: where the repository is, how ringctl is run, what names may be used.
# Sourced with $script set to the calling script's name.
root="$(git rev-parse --show-toplevel)"

# In a pipeline, nothing in the environment may redirect what runs: GitLab pipeline variables are user input,
# and a variable that names the ringctl command, a simulated runner or another root would turn a production
# job into someone else's program. Locally (and in the script tests) these overrides stay available.
in_ci() { [[ "${CI:-}" == true || "${CI:-}" == 1 || -n "${GITHUB_ACTIONS:-}" || -n "${GITLAB_CI:-}" ]]; }
if in_ci; then
  unset RINGCTL RINGCTL_STACK_RUNNER RINGCTL_ROOT RINGCTL_CRASH_AT RINGCTL_DEBUG RINGCTL_REDACT PROMOTE_APPROVER
  # Who acts is what the platform says, never a variable someone set.
  RINGCTL_ACTOR="${GITHUB_ACTOR:-${GITLAB_USER_LOGIN:-ci}}"
  export RINGCTL_ACTOR
fi
export RINGCTL_ROOT="${RINGCTL_ROOT:-$root}"

ringctl() {
  if [[ -n "${RINGCTL:-}" ]]; then
    # shellcheck disable=SC2086 # RINGCTL is a command line, split on purpose (never in CI: see above)
    $RINGCTL "$@"
  else
    "$root/ringctl" "$@"
  fi
}

# Ring and module names: lower-case DNS labels. Checked before anything runs, so an injected value
# (quotes, ;, $( ), newlines) is refused without being executed, and shown only escaped.
require_name() {
  local what="$1" value="$2"
  if [[ ! "$value" =~ ^[a-z][a-z0-9-]{0,62}$ ]]; then
    printf '%s: %s must match ^[a-z][a-z0-9-]*$ (at most 63 characters); got %q; nothing was run\n' "$script" "$what" "$value" >&2
    exit 2
  fi
}

# The default branch: the platform's (GitHub passes it as DEFAULT_BRANCH), else origin's HEAD, else main.
default_branch() {
  local b="${CI_DEFAULT_BRANCH:-${DEFAULT_BRANCH:-}}"
  if [[ -z "$b" ]]; then
    b="$(git -C "$root" symbolic-ref --quiet --short refs/remotes/origin/HEAD 2>/dev/null)"
    b="${b#origin/}"
  fi
  echo "${b:-main}"
}

# Changing jobs run only on the default branch as it is on the remote: a feature branch's scripts, stack
# files and program never run with production secrets, and a commit on top of one never reaches main.
require_default_branch() {
  local branch head tip
  branch="$(default_branch)"
  require_name "the default branch" "$branch"
  if ! git -C "$root" fetch -q origin "$branch"; then
    echo "$script: cannot fetch origin/$branch; nothing was run" >&2
    exit 6
  fi
  head="$(git -C "$root" rev-parse HEAD)"
  tip="$(git -C "$root" rev-parse "origin/$branch")"
  if [[ "$head" != "$tip" ]]; then
    echo "$script: HEAD ($head) is not origin/$branch ($tip): changes to rings run only from the default branch as it is on the remote; nothing was run" >&2
    exit 2
  fi
}

# Pushes the commit just made to the default branch (RINGCTL_PUSH=1), rebasing onto it and retrying when
# someone pushed meanwhile. When it cannot, the ring already runs the new lock: say so, and how to reconcile.
#   publish RING WHAT UNDO    e.g. publish edge "ai 2.5.0" "ringctl rollback ai --ring edge"
# run_committed ARGS…: runs `ringctl ARGS… --json --commit` (a promote or a rollback), which commits exactly the files it
# wrote; on success sets `message` (the commit message) and `now` (the version the ring now runs) and prints the message.
run_committed() {
  local out status
  out="$(ringctl "$@" --json --commit)"
  status=$?
  [[ $status -eq 0 ]] || exit $status
  message="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["commitMessage"])' <<<"$out")"
  now="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["to"])' <<<"$out")"
  python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin).get("commit", {}).get("committed") else 1)' <<<"$out" || { echo "$script: ringctl committed nothing" >&2; exit 1; }
  echo "$message"
}

publish() {
  local ring="$1" what="$2" undo="$3" branch attempt
  [[ "${RINGCTL_PUSH:-}" == 1 ]] || return 0
  branch="$(default_branch)"
  for attempt in 1 2 3; do
    if git -C "$root" push -q origin "HEAD:$branch"; then
      return 0
    fi
    echo "$script: push $attempt to origin/$branch refused; rebasing onto it" >&2
    if ! git -C "$root" fetch -q origin "$branch" || ! git -C "$root" rebase -q "origin/$branch"; then
      git -C "$root" rebase --abort >/dev/null 2>&1
      break
    fi
  done
  echo "$script: $ring now runs $what (its stack was updated and the registry records it), but origin/$branch does not: pushing $(git -C "$root" rev-parse --short HEAD) failed." \
    "Reconcile: git fetch origin $branch && git rebase origin/$branch && git push origin HEAD:$branch — or return the ring to what $branch records with: $undo" >&2
  exit 6
}
