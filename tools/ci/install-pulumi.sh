#!/usr/bin/env bash
# tools/ci/install-pulumi.sh — installs the Pulumi CLI version the Automation API pins into
# ~/.pulumi/versions/<version>/ (where ringctl looks), from Pulumi's release archive, checked against the
# release's published SHA-256 sums. Used by the pipelines instead of a third-party action.
set -euo pipefail
version="3.258.0"   # = Pulumi.Automation 3.112.1's PulumiSdkVersion (a test keeps them equal)
root="${HOME}/.pulumi/versions/${version}"
if [[ -x "$root/bin/pulumi" ]]; then
  echo "install-pulumi.sh: Pulumi $version already in $root"
  exit 0
fi
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "install-pulumi.sh: unsupported machine $(uname -m)" >&2; exit 6 ;;
esac
archive="pulumi-v${version}-linux-${arch}.tar.gz"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
base="https://get.pulumi.com/releases/sdk"
curl -fsSL --retry 3 -o "$work/$archive" "$base/$archive"
curl -fsSL --retry 3 -o "$work/sums.txt" "$base/pulumi-${version}-checksums.txt"
(cd "$work" && grep " ${archive}\$" sums.txt | sha256sum -c --quiet -) || { echo "install-pulumi.sh: $archive does not match its published checksum" >&2; exit 6; }
mkdir -p "$root/bin"
tar -xzf "$work/$archive" -C "$work"
cp -R "$work/pulumi/." "$root/bin/"
echo "install-pulumi.sh: Pulumi $version installed in $root"
