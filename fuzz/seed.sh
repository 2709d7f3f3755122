#!/usr/bin/env bash
# Seeds fuzz/corpus/parse_no_panic with the golden messages, the garbled
# samples and the shared corpus (copied at run time, never committed).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dst="$here/corpus/parse_no_panic"
mkdir -p "$dst"
cp "$here"/../testdata/golden/*.eml "$dst"/ 2>/dev/null || true
cp "$here"/../testdata/garbled/*.eml "$dst"/ 2>/dev/null || true
if [ -d "$here/../../shared/corpus" ]; then
    find "$here/../../shared/corpus" -type f \( -name '*.eml' -o -name '*.mbox' \) -exec cp {} "$dst"/ \;
fi
echo "seeded $(ls "$dst" | wc -l) files into $dst"
