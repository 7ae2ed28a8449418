#!/usr/bin/env bash
# Makes sure a Swift toolchain is here for the Swift package's build and tests, and runs commands with it.
#
#   scripts/ensure-swift.sh                      sets the toolchain up if it is missing, then prints its version
#   scripts/ensure-swift.sh run DIR CMD ARGS...  runs CMD in DIR (a folder of the repository) with the toolchain;
#                                                paths inside the repository may be given as the host sees them
#
# Where the host has `swift` on PATH (a Mac with Xcode, or a Linux machine with a Swift toolchain), that one
# is used. Otherwise, on a Debian or Ubuntu host, the toolchain is Debian 13's `swiftlang` package, installed
# in a Debian 13 (trixie) root under target/swift-root, built with debootstrap from the host's Debian mirror
# (its Swift needs a newer C library than older releases have). The root is kept between runs: a second
# call only checks a marker file. Commands run in it with chroot, the repository bind-mounted at /repo and
# /proc mounted; both are unmounted when the command ends. Needs root (debootstrap, mount, chroot).
# SWIFT_ROOT overrides the root's folder; DEBIAN_MIRROR the mirror.
set -euo pipefail
trap 'exit 130' INT
trap 'exit 143' TERM

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SWIFT_ROOT="${SWIFT_ROOT:-$ROOT/target/swift-root}"
SUITE="trixie"
PACKAGES="swiftlang libc6-dev"
MARKER="$SWIFT_ROOT/.andopen-swift-ready"

say() { printf '%s\n' "$*" >&2; }
die() { say "ensure-swift: $*"; exit 1; }

# The host's own Swift, when it has one (and no root was made here before).
host_swift() { [ ! -f "$MARKER" ] && command -v swift >/dev/null 2>&1; }

# The Debian mirror the host's apt uses (deb822 or one-line sources), else deb.debian.org.
debian_mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
  local url=""
  if compgen -G "/etc/apt/sources.list.d/*.sources" >/dev/null; then
    url="$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' \
      /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)"
  fi
  if [ -z "$url" ] && [ -f /etc/apt/sources.list ]; then
    url="$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\/.*\/debian\/?$/) { print $i; exit } }' \
      /etc/apt/sources.list | head -n1)"
  fi
  echo "${url:-http://deb.debian.org/debian}"
}

mounted() { grep -qs " $1 " /proc/self/mounts; }

# Mounts /proc and the repository in the root; unmount_all undoes it (also on failure).
MOUNTS=()
mount_in_root() {
  mkdir -p "$SWIFT_ROOT/proc" "$SWIFT_ROOT/repo" "$SWIFT_ROOT/dev"
  if ! mounted "$SWIFT_ROOT/proc"; then mount -t proc proc "$SWIFT_ROOT/proc"; MOUNTS+=("$SWIFT_ROOT/proc"); fi
  if ! mounted "$SWIFT_ROOT/dev"; then mount --rbind /dev "$SWIFT_ROOT/dev"; mount --make-rslave "$SWIFT_ROOT/dev"; MOUNTS+=("$SWIFT_ROOT/dev"); fi
  if [ "${1:-}" = repo ] && ! mounted "$SWIFT_ROOT/repo"; then
    mount --bind "$ROOT" "$SWIFT_ROOT/repo"; MOUNTS+=("$SWIFT_ROOT/repo")
  fi
}
unmount_all() {
  local i
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do umount -R "${MOUNTS[$i]}" 2>/dev/null || umount -lR "${MOUNTS[$i]}" || true; done
  MOUNTS=()
}

in_root() { chroot "$SWIFT_ROOT" /usr/bin/env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C.UTF-8 "$@"; }

setup_root() {
  [ "$(id -u)" = 0 ] || die "setting up the Swift toolchain needs root (debootstrap, mount, chroot)"
  command -v apt-get >/dev/null 2>&1 || die "no Swift on PATH and no apt-get to set one up: install Swift 6 (swift.org) and run this again"
  local start=$SECONDS mirror
  mirror="$(debian_mirror)"
  if ! command -v debootstrap >/dev/null 2>&1; then
    say "ensure-swift: installing debootstrap"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  fi
  # A root left half-made by an interrupted run is started again from nothing.
  if [ -d "$SWIFT_ROOT" ]; then
    for m in repo dev proc; do mounted "$SWIFT_ROOT/$m" && { umount -R "$SWIFT_ROOT/$m" || umount -lR "$SWIFT_ROOT/$m"; }; done
    rm -rf --one-file-system "$SWIFT_ROOT"
  fi
  mkdir -p "$(dirname "$SWIFT_ROOT")"
  say "ensure-swift: making a Debian $SUITE root in ${SWIFT_ROOT#"$ROOT"/} from $mirror (once; a few minutes)"
  debootstrap --variant=minbase "$SUITE" "$SWIFT_ROOT" "$mirror" >"$SWIFT_ROOT.log" 2>&1 ||
    { tail -n 20 "$SWIFT_ROOT.log" >&2; die "debootstrap failed (log: ${SWIFT_ROOT#"$ROOT"/}.log)"; }
  say "ensure-swift: the root is made ($((SECONDS - start)) s); installing $PACKAGES in it"
  trap unmount_all EXIT
  mount_in_root
  cp /etc/resolv.conf "$SWIFT_ROOT/etc/resolv.conf" 2>/dev/null || true
  { in_root apt-get update -qq &&
    in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $PACKAGES &&
    in_root apt-get clean; } >>"$SWIFT_ROOT.log" 2>&1 ||
    { tail -n 20 "$SWIFT_ROOT.log" >&2; die "installing $PACKAGES in the root failed (log: ${SWIFT_ROOT#"$ROOT"/}.log)"; }
  in_root swift --version >/dev/null 2>&1 || die "swift does not run in the root (log: ${SWIFT_ROOT#"$ROOT"/}.log)"
  unmount_all
  trap - EXIT
  echo "$SUITE $PACKAGES" >"$MARKER"
  say "ensure-swift: the Swift toolchain is ready ($((SECONDS - start)) s in all)"
}

# One run at a time in the root: a second waits, so that one run's unmounting never pulls /proc or the
# repository from under another (make demo and make test at once, say).
lock_root() {
  mkdir -p "$(dirname "$SWIFT_ROOT")"
  exec 9>"$SWIFT_ROOT.lock"
  command -v flock >/dev/null 2>&1 && flock 9
}

ensure() {
  if host_swift; then return; fi
  lock_root
  [ -f "$MARKER" ] || setup_root
}

case "${1:-}" in
  "")
    ensure
    if host_swift; then swift --version; else
      trap unmount_all EXIT; mount_in_root; in_root swift --version
    fi
    ;;
  run)
    dir="${2:?usage: ensure-swift.sh run DIR CMD ARGS...}"
    shift 2
    [ "$#" -gt 0 ] || die "usage: ensure-swift.sh run DIR CMD ARGS..."
    dir="$(cd "$dir" && pwd)"
    case "$dir" in "$ROOT" | "$ROOT"/*) ;; *) die "$dir is not inside the repository" ;; esac
    ensure
    if host_swift; then
      cd "$dir" && exec "$@"
    fi
    trap unmount_all EXIT
    mount_in_root repo
    # Environment variables named ANDOPEN_* and SWIFT_TEST_* reach the command; paths in them are the host's,
    # so the repository's own are rewritten to /repo.
    pass=()
    while IFS='=' read -r name value; do
      case "$name" in ANDOPEN_* | SWIFT_TEST_*) pass+=("$name=${value//"$ROOT"//repo}") ;; esac
    done < <(env)
    # Paths of the repository in the arguments are the host's too.
    args=()
    for arg in "$@"; do args+=("${arg//"$ROOT"//repo}"); done
    # In a session of its own, so that an interruption stops the whole command (a compiler and its jobs),
    # not only this script, before the root is unmounted.
    setsid chroot "$SWIFT_ROOT" /usr/bin/env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
      LANG=C.UTF-8 "${pass[@]}" sh -c 'cd "$1" && shift && exec "$@"' sh "/repo${dir#"$ROOT"}" "${args[@]}" &
    child=$!
    trap 'kill -TERM -- "-$child" 2>/dev/null; wait "$child"; exit 143' TERM
    trap 'kill -INT -- "-$child" 2>/dev/null; wait "$child"; exit 130' INT
    wait "$child"
    ;;
  *)
    die "usage: ensure-swift.sh [run DIR CMD ARGS...]"
    ;;
esac
