# Shared by the CI scripts: where the repository is and how ringctl is run.
# RINGCTL may name another ringctl command (e.g. "dotnet /path/ringctl.dll"); default: the repository's ./ringctl.
root="$(git rev-parse --show-toplevel)"
export RINGCTL_ROOT="${RINGCTL_ROOT:-$root}"
ringctl() {
  if [[ -n "${RINGCTL:-}" ]]; then
    # shellcheck disable=SC2086 # RINGCTL is a command line, split on purpose
    $RINGCTL "$@"
  else
    "$root/ringctl" "$@"
  fi
}
