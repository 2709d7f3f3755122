#!/usr/bin/env bash
# Makes the seven-parser differential checker (../shared/tools/crosscheck) runnable
# from this repository, and prints the path of the ready `crosscheck` executable.
#
#   scripts/crosscheck-setup.sh            # set up if needed; print the executable's path
#   scripts/crosscheck-setup.sh --force    # re-copy the tool and re-run its install.sh
#
# The shared tool directory is read-only and its install.sh writes node_modules next to
# itself, so the tool is copied into a writable cache dir and installed there:
#
#   $MIMESMITH_CROSSCHECK_DIR   cache dir (default: $REPO/target/crosscheck)
#     tool/                     copy of the shared tool (+ node_modules from `npm ci`)
#     rust-target/              CARGO_TARGET_DIR of the tool's Rust helper
#     bin/crosscheck            the executable to run (a wrapper that points the tool at
#                               rust-target/ and runs tool/crosscheck)
#     install.log               output of the last install.sh run
#
# Other knobs:
#   MIMESMITH_CROSSCHECK_SRC    the tool to copy (default: $REPO/../shared/tools/crosscheck)
#   CROSSCHECK_SKIP_GMIME=1     passed on to install.sh (leaves out the GMime adapter)
#
# Idempotent and fast when already set up: if the copy matches the source (sha256 over
# its files), install.sh last succeeded for it, and the apt packages, node_modules and the
# Rust helper are still there, nothing is run (~0.1 s). Otherwise the copy is refreshed
# and install.sh (apt-get, npm ci, cargo build, self-test over all adapters) is run.
# Concurrent runs are serialised with flock. Progress goes to stderr; stdout carries only
# the executable's path, so `exe="$(scripts/crosscheck-setup.sh)"` works.
set -euo pipefail

say() { printf 'crosscheck-setup: %s\n' "$*" >&2; }

force=0
for a in "$@"; do
    case "$a" in
        --force) force=1 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 0 ;;
        *) say "unknown argument: $a (see --help)"; exit 2 ;;
    esac
done

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="${MIMESMITH_CROSSCHECK_SRC:-$REPO/../shared/tools/crosscheck}"
CACHE="${MIMESMITH_CROSSCHECK_DIR:-$REPO/target/crosscheck}"
SKIP_GMIME="${CROSSCHECK_SKIP_GMIME:-0}"

if [ ! -f "$SRC/crosscheck" ] || [ ! -f "$SRC/install.sh" ]; then
    say "crosscheck tool not found at $SRC (set MIMESMITH_CROSSCHECK_SRC)"
    exit 1
fi
SRC="$(cd "$SRC" && pwd)"
mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd)"
EXE="$CACHE/bin/crosscheck"
READY="$CACHE/ready"

# sha256 over the tool's files (paths + contents), node_modules excluded
src_hash() {
    (cd "$SRC" && find . -path ./node_modules -prune -o -type f -print0 \
        | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
}

apt_pkgs=(libmime-tools-perl libmailtools-perl libtimedate-perl)
[ "$SKIP_GMIME" = 1 ] || apt_pkgs+=(python3-gi gir1.2-gmime-3.0)

# true when everything install.sh put in place is still there for source hash $1
is_ready() {
    [ "$force" = 0 ] || return 1
    [ -f "$READY" ] && [ "$(cat "$READY")" = "$1 skip_gmime=$SKIP_GMIME" ] || return 1
    [ -x "$EXE" ] && [ -x "$CACHE/rust-target/release/crosscheck-rs" ] || return 1
    [ -d "$CACHE/tool/node_modules/mailparser" ] && [ -d "$CACHE/tool/node_modules/postal-mime" ] || return 1
    local n
    n="$(dpkg-query -W -f='${Status}\n' "${apt_pkgs[@]}" 2>/dev/null | grep -c 'install ok installed' || true)"
    [ "$n" = "${#apt_pkgs[@]}" ] || return 1
    command -v node >/dev/null && command -v perl >/dev/null && command -v python3 >/dev/null
}

# bump when the way the copy is made changes, so that old caches are redone
SETUP_VERSION=2
want="$(src_hash)+setup$SETUP_VERSION"
if is_ready "$want"; then
    echo "$EXE"
    exit 0
fi

exec 9>"$CACHE/.lock"
if ! flock -n 9; then
    say "waiting for another setup run (lock $CACHE/.lock)"
    flock 9
fi
# another run may have finished the job while we waited
if is_ready "$want"; then
    echo "$EXE"
    exit 0
fi
rm -f "$READY"

# --- copy the tool (fresh mtimes, so the tool's and cargo's staleness checks rebuild) ---
if [ "$force" = 1 ] || [ ! -f "$CACHE/tool.sha256" ] || [ "$(cat "$CACHE/tool.sha256")" != "$want" ] \
   || [ ! -f "$CACHE/tool/crosscheck" ]; then
    say "copying $SRC -> $CACHE/tool"
    rm -rf "$CACHE/tool.new" "$CACHE/tool.sha256"
    mkdir -p "$CACHE/tool.new"
    (cd "$SRC" && tar --exclude=./node_modules -cf - .) | tar -C "$CACHE/tool.new" -xmf -
    chmod -R u+w "$CACHE/tool.new"
    # The default cache dir lies inside our Cargo workspace; without a [workspace] table
    # of its own, cargo would take the helper for an unlisted member of ours and refuse
    # to build it. (Adds nothing to resolve: Cargo.lock and --locked are unaffected.)
    if ! grep -q '^\[workspace\]' "$CACHE/tool.new/rust/Cargo.toml"; then
        printf '\n# added by mimesmith scripts/crosscheck-setup.sh: keep out of any enclosing workspace\n[workspace]\n' \
            >> "$CACHE/tool.new/rust/Cargo.toml"
    fi
    rm -rf "$CACHE/tool"
    mv "$CACHE/tool.new" "$CACHE/tool"
    echo "$want" > "$CACHE/tool.sha256"
fi

# --- the executable: relocatable wrapper that pins the Rust helper's target dir --------
mkdir -p "$CACHE/bin"
cat > "$EXE.tmp" <<'WRAP'
#!/bin/sh
# Generated by scripts/crosscheck-setup.sh: runs the cached copy of crosscheck with its
# Rust helper in ../rust-target (instead of the tool's default /tmp/crosscheck-target).
here="$(cd "$(dirname "$0")/.." && pwd)"
CROSSCHECK_TARGET_DIR="$here/rust-target"
export CROSSCHECK_TARGET_DIR
exec "$here/tool/crosscheck" "$@"
WRAP
chmod +x "$EXE.tmp"
mv "$EXE.tmp" "$EXE"

# --- install.sh: apt-get, npm ci, cargo build, self-test -------------------------------
# apt may be busy (unattended jobs, other sessions): wait for dpkg's lock instead of failing.
if [ -z "${APT_CONFIG:-}" ]; then
    printf 'DPkg::Lock::Timeout "600";\n' > "$CACHE/apt.conf"
    export APT_CONFIG="$CACHE/apt.conf"
fi
export CROSSCHECK_TARGET_DIR="$CACHE/rust-target"
for attempt in 1 2; do
    say "running install.sh (attempt $attempt; log: $CACHE/install.log)"
    if bash "$CACHE/tool/install.sh" 2>&1 | tee "$CACHE/install.log" >&2; then
        break
    fi
    if [ "$attempt" = 2 ]; then
        say "install.sh failed; see $CACHE/install.log"
        exit 1
    fi
    say "install.sh failed, retrying in 15 s"
    sleep 15
done

echo "$want skip_gmime=$SKIP_GMIME" > "$READY"
say "ready: $EXE"
echo "$EXE"
