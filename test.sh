#!/usr/bin/env bash
# ./test.sh — build and run every test project; ends with one line "N passed, N failed, N skipped".
#
# The Pulumi packages come from NuGet, or on the build machines from ../shared/pulumi-packages
# (tools/pulumi-packages.sh). Only where neither has them (NU1101 for Pulumi*) are the projects that need
# them skipped, each named with the reason. Any other restore or build failure fails the run.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
root="$PWD"
# shellcheck source=tools/pulumi-packages.sh
source tools/pulumi-packages.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDDISABLENODEREUSE=1
unset RINGCTL_ROOT

command -v dotnet >/dev/null || { echo "test.sh: dotnet is not on PATH (install the .NET 10 SDK)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "test.sh: python3 is not on PATH" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/ringinfra-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# --- 1. can the Pulumi packages be restored here? ------------------------------------------------
probe="$(tools/pulumi-probe)" || exit 1
if [[ "$probe" == yes ]]; then
  pulumi=yes
  build_props=()
else
  pulumi=no
  pulumi_reason="${probe#no: }"
  # ringctl then builds without its Automation API runner (see README "Tests").
  build_props=("-p:RingCtlWithPulumi=false")
fi

# --- 2. which projects need Pulumi (directly or through project references)? ----------------------
python3 - "$work/graph.tsv" "$pulumi" <<'PY'
import os, sys, glob, xml.etree.ElementTree as ET
with_pulumi = sys.argv[2] == "yes"
projects = sorted(glob.glob("**/*.csproj", recursive=True))
projects = [p for p in projects if "/bin/" not in p and "/obj/" not in p]
refs, direct = {}, {}
def active(group):
    # References switched off by RingCtlWithPulumi=false do not count where Pulumi cannot be restored.
    return with_pulumi or "RingCtlWithPulumi" not in group.get("Condition", "")
for p in projects:
    root = ET.parse(p).getroot()
    groups = [g for g in root.iter("ItemGroup") if active(g)]
    direct[p] = any(i.get("Include", "").lower().startswith("pulumi") for g in groups for i in g.iter("PackageReference"))
    base = os.path.dirname(p)
    refs[p] = [os.path.normpath(os.path.join(base, i.get("Include").replace("\\", "/"))) for g in groups for i in g.iter("ProjectReference")]
memo = {}
def needs(p, seen=()):
    if p in memo: return memo[p]
    r = direct.get(p, False) or any(needs(q, seen + (p,)) for q in refs.get(p, []) if q not in seen)
    memo[p] = r
    return r
with open(sys.argv[1], "w") as f:
    for p in projects:
        is_test = p.startswith("tests/")
        f.write(f"{p}\t{'pulumi' if needs(p) else 'plain'}\t{'test' if is_test else 'lib'}\n")
PY

run_projects=()
skipped_projects=()
build_projects=()
while IFS=$'\t' read -r proj kind role; do
  if [[ "$kind" == "pulumi" && "$pulumi" == "no" ]]; then
    skipped_projects+=("$proj")
  elif [[ "$role" == "test" ]]; then
    run_projects+=("$proj")
  else
    build_projects+=("$proj")
  fi
done <"$work/graph.tsv"

# --- 3. build what is not exercised by a test project, then run the tests ------------------------
status=0
for proj in "${build_projects[@]}"; do
  if ! dotnet build "$proj" "${build_props[@]}" -nologo -v:q -clp:NoSummary >"$work/build.log" 2>&1; then
    echo "test.sh: build failed: $proj" >&2
    grep -E "error|warn" "$work/build.log" | sort -u | head -n 40 >&2
    status=1
  fi
done

results="$work/results"
for proj in "${run_projects[@]}"; do
  name="$(basename "$proj" .csproj)"
  echo "== $name"
  dotnet test "$proj" "${build_props[@]}" -nologo --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    --logger "console;verbosity=minimal" 2>&1 | grep -Ev '^\s*$|Determining projects|Restored |up-to-date|^  [A-Za-z.]+ -> |^Test run for|test files matched|^Results File' | sed 's/^/   /'
  if [[ ${PIPESTATUS[0]} -ne 0 ]]; then status=1; fi
  if [[ ! -f "$results/$name.trx" ]]; then
    echo "   (no results: the project did not build or its tests did not run)"
    status=1
  fi
done

# A skipped test project's tests are counted (as skipped) from its sources: one per [Fact], one per
# [InlineData] row of a [Theory] (or one for a [Theory] fed otherwise).
count_tests() {
  python3 - "$1" <<'PY'
import glob, os, re, sys
n = 0
for f in glob.glob(os.path.join(os.path.dirname(sys.argv[1]), "**", "*.cs"), recursive=True):
    if "/obj/" in f or "/bin/" in f: continue
    text = open(f).read()
    n += len(re.findall(r"\[(?:Skippable)?Fact\b", text))
    for attrs in re.findall(r"\[(?:Skippable)?Theory\b[^\n]*\n((?:\s*\[[^\n]*\n)*)", text):
        n += max(1, len(re.findall(r"\[InlineData\(", attrs)))
print(n)
PY
}
skipped_tests=0
for proj in "${skipped_projects[@]}"; do
  if [[ "$proj" == tests/* ]]; then
    n="$(count_tests "$proj")"
    skipped_tests=$((skipped_tests + n))
    echo "skipped: $proj ($n mock tests) — needs the Pulumi packages, and $pulumi_reason"
  else
    echo "skipped: $proj — needs the Pulumi packages, and $pulumi_reason"
  fi
done

# --- 4. one summary line over every test project ---------------------------------------------------
python3 - "$results" "$skipped_tests" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = 0
skipped = int(sys.argv[2])
for trx in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    c = ET.parse(trx).getroot().find(".//{*}Counters")
    total, p, f = int(c.get("total", 0)), int(c.get("passed", 0)), int(c.get("failed", 0))
    passed += p; failed += f; skipped += total - p - f
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
