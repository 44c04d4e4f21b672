#!/usr/bin/env bash
# Re-vendor the console's third-party browser code into gateway/console/vendor/ from the npm
# registry, reproducibly: exact versions, each package tarball checked against its sha256.
# No Node.js is needed at run time; only `npm pack` (download, no install scripts) is used here.
#   bash scripts/vendor_console.sh   # then `git diff --stat gateway/console/vendor` shows nothing
set -euo pipefail
cd "$(dirname "$0")/.."
target=gateway/console/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# package version tarball-sha256 file-in-package vendored-name
PACKAGES=(
  "echarts 6.1.0 681aff88cc1038c3fa941a3a53d1b177a52250b05335efc607d6105ae13be481 dist/echarts.esm.min.mjs echarts-6.1.0.esm.min.js"
)

for entry in "${PACKAGES[@]}"; do
  read -r name version sha file vendored <<<"$entry"
  (cd "$work" && npm pack --silent "$name@$version" >/dev/null)
  tarball="$work/$name-$version.tgz"
  echo "$sha  $tarball" | sha256sum --check --quiet
  mkdir -p "$work/$name" && tar -xzf "$tarball" -C "$work/$name"
  cp "$work/$name/package/$file" "$target/$vendored"
  cp "$work/$name/package/LICENSE" "$target/$name-$version.LICENSE"
  if [[ -f "$work/$name/package/NOTICE" ]]; then
    cp "$work/$name/package/NOTICE" "$target/$name-$version.NOTICE"
  fi
done
(cd "$target" && sha256sum ./*.js > SHA256SUMS)
echo "vendored into $target:"; cat "$target/SHA256SUMS"
