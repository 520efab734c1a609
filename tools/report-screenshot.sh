#!/usr/bin/env bash
# tools/report-screenshot.sh [OUT.png] — the README's picture of `ringctl report`: the report of this checkout's fleet
# (its private registry, seeded from the stack files and git history on first use), rendered by a headless chromium.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$here/docs/report-example.png}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$here/ringctl" report --out "$tmp/report.html" >&2
# No network is needed: the report is one self-contained file.
chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,1500 \
  --screenshot="$out" "file://$tmp/report.html" 2>/dev/null
echo "$out"
