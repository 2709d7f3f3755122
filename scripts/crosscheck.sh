#!/usr/bin/env bash
# Runs the seven-parser differential checker, setting it up first if needed
# (see scripts/crosscheck-setup.sh for the cache dir and environment knobs).
#
#   scripts/crosscheck.sh [crosscheck options] FILE.eml...
#   scripts/crosscheck.sh -q out/*.eml          # verdicts and differences only
#   scripts/crosscheck.sh --json out/*.eml      # one JSON object per message
#
# Exit status is crosscheck's (0 all agree, 1 disagreement or parser error, 2 usage),
# or the setup's when the setup fails.
set -euo pipefail
exe="$("$(dirname "${BASH_SOURCE[0]}")/crosscheck-setup.sh")"
exec "$exe" "$@"
