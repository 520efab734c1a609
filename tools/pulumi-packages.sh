# Sourced by test.sh, .ci/run and ./ringctl (with $root set to the repository root).
# The build machines' NuGet source has no Pulumi packages; ../shared/pulumi-packages/ holds the real ones,
# built from upstream source. Use that folder when it exists and the caller has not chosen a source
# already. On users' machines (no such folder) nothing changes: the packages come from NuGet as usual.
if [[ -z "${RestoreAdditionalProjectSources:-}" && -d "$root/../shared/pulumi-packages" ]]; then
  # The absolute path, with builtins only (./ringctl sources this on every command: no subshell).
  _caller="$PWD"
  cd "$root/../shared/pulumi-packages"
  RestoreAdditionalProjectSources="$PWD"
  cd "$_caller"
  unset _caller
  export RestoreAdditionalProjectSources
fi
