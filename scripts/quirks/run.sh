#!/usr/bin/env bash
# Regenerates the parser-quirks research: writes the test messages, runs the seven-parser
# crosscheck over them, and summarises.
#
#   scripts/quirks/run.sh            # -> target/quirks/{cases/*.eml,results.jsonl,results.txt,summary.md}
#   scripts/quirks/run.sh --doc      # also rewrites the generated part of docs/parser-quirks.md
#
# Exit status 0 even though many cases disagree (that is what is being measured);
# non-zero only if a step fails to run.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$REPO/target/quirks"
cd "$REPO"

python3 scripts/quirks/make_cases.py "$OUT/cases"
exe="$(scripts/crosscheck-setup.sh)"
set +e
"$exe" --json "$OUT"/cases/*.eml > "$OUT/results.jsonl"
rc_json=$?
"$exe" -q "$OUT"/cases/*.eml > "$OUT/results.txt"
set -e
[ "$rc_json" -le 1 ] || { echo "run.sh: crosscheck failed (exit $rc_json)" >&2; exit 1; }
python3 scripts/quirks/summarise.py "$OUT/cases/cases.json" "$OUT/results.jsonl" > "$OUT/summary.md"
if [ "${1:-}" = "--doc" ]; then
    python3 scripts/quirks/summarise.py "$OUT/cases/cases.json" "$OUT/results.jsonl" --doc docs/parser-quirks.md
fi
grep -c '^VERDICT .*: AGREE' "$OUT/results.txt" | sed 's/^/agree: /'
grep -c '^VERDICT .*: DISAGREE' "$OUT/results.txt" | sed 's/^/disagree: /' || true
grep -c '^VERDICT .*: ERROR' "$OUT/results.txt" | sed 's/^/error: /' || true
echo "summary: $OUT/summary.md"
