#!/usr/bin/env bash
# System packages the test tiers and `npm start` need, installed when missing (Debian/Ubuntu):
#   chromium     the browser the webview and e2e tiers drive (or set CHROME_PATH)
#   awscli       AWS CLI v2 (Debian 12's `awscli` is v2; an older v1 `aws` may come first on PATH)
#   libkrb5-dev  headers code-server's kerberos module builds against (only until code-server is installed)
#   make g++ python3  node-gyp's toolchain for code-server's native modules (same)
#
#   bash scripts/setup.sh            check, install what is missing, print what was found
#   bash scripts/setup.sh --check    the same, quiet when nothing is missing (npm test / npm start run this)
#   bash scripts/setup.sh --no-install   only report
#
# Installs with apt-get when it runs as root or has passwordless sudo; otherwise prints the exact
# command. When something is still missing: exit 1 under CI=true, a warning and exit 0 elsewhere.
set -uo pipefail

quiet=0
install=1
for arg in "$@"; do
  case "$arg" in
    --check) quiet=1 ;;
    --no-install) install=0 ;;
    -h | --help)
      sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "setup.sh: unknown argument $arg (use --check or --no-install)" >&2
      exit 2
      ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
code_server_marker="$root/.vscode-test/code-server-4.100.3/.installed.json"
is_ci=0
case "${CI:-}" in 1 | true | TRUE | True | yes | YES) is_ci=1 ;; esac

say() { echo "[setup] $*"; }

find_chromium() {
  if [ -n "${CHROME_PATH:-}" ]; then
    [ -x "$CHROME_PATH" ] && echo "$CHROME_PATH"
    return
  fi
  local name
  for name in chromium chromium-browser google-chrome-stable google-chrome; do
    if command -v "$name" >/dev/null 2>&1; then
      command -v "$name"
      return
    fi
  done
}

# Prints the path of an AWS CLI whose `--version` says aws-cli/2.
find_aws_v2() {
  local candidate seen=" "
  for candidate in "${AWS_CLI_PATH:-}" /usr/bin/aws /usr/local/bin/aws "$(command -v aws 2>/dev/null)"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    case "$seen" in *" $candidate "*) continue ;; esac
    seen="$seen$candidate "
    if "$candidate" --version 2>&1 | grep -q '^aws-cli/2\.'; then
      echo "$candidate"
      return
    fi
  done
}

has_krb5_dev() {
  if command -v dpkg-query >/dev/null 2>&1; then
    dpkg-query -W -f='${Status}' libkrb5-dev 2>/dev/null | grep -q 'install ok installed'
  else
    [ -f /usr/include/gssapi/gssapi.h ] || command -v krb5-config >/dev/null 2>&1
  fi
}

missing=()      # Debian packages to install
report=()       # one line per tool

check() {
  missing=()
  report=()
  local path
  path="$(find_chromium)"
  if [ -n "$path" ]; then
    report+=("chromium: $path")
  elif [ -n "${CHROME_PATH:-}" ]; then
    report+=("chromium: MISSING (CHROME_PATH=$CHROME_PATH is not an executable)")
    missing+=(chromium)
  else
    report+=("chromium: MISSING")
    missing+=(chromium)
  fi

  path="$(find_aws_v2)"
  if [ -n "$path" ]; then
    report+=("aws cli v2: $path")
  else
    local first
    first="$(command -v aws 2>/dev/null || true)"
    report+=("aws cli v2: MISSING${first:+ ($first is $("$first" --version 2>&1 | cut -d' ' -f1))}")
    missing+=(awscli)
  fi

  if [ -f "$code_server_marker" ]; then
    report+=("libkrb5-dev, make, g++, python3: not needed (code-server is installed)")
  else
    if has_krb5_dev; then report+=("libkrb5-dev: installed"); else
      report+=("libkrb5-dev: MISSING")
      missing+=(libkrb5-dev)
    fi
    local tool pkg
    for tool in make g++ python3; do
      if command -v "$tool" >/dev/null 2>&1; then continue; fi
      case "$tool" in python3) pkg=python3 ;; *) pkg=build-essential ;; esac
      report+=("$tool: MISSING")
      case " ${missing[*]} " in *" $pkg "*) ;; *) missing+=("$pkg") ;; esac
    done
  fi
}

print_report() {
  local line
  for line in "${report[@]}"; do say "$line"; done
}

check
if [ ${#missing[@]} -eq 0 ]; then
  [ "$quiet" -eq 1 ] || print_report
  exit 0
fi

print_report
install_command="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"

sudo=""
can_install=0
if [ "$install" -eq 1 ] && command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    can_install=1
  elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    sudo="sudo"
    can_install=1
  fi
fi

if [ "$can_install" -eq 1 ]; then
  say "installing: ${missing[*]}"
  started=$SECONDS
  # Only once per run, and only because something is missing.
  $sudo apt-get update -qq -o DPkg::Lock::Timeout=120 || say "apt-get update failed; trying the install anyway"
  DEBIAN_FRONTEND=noninteractive $sudo env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=120 "${missing[@]}" >/dev/null ||
    say "apt-get install failed"
  say "apt-get took $((SECONDS - started)) s"
  check
  print_report
  if [ ${#missing[@]} -eq 0 ]; then
    exit 0
  fi
  install_command="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
fi

say "still missing: ${missing[*]}"
say "install with: ${sudo:+sudo }$install_command"
case " ${missing[*]} " in *" chromium "*) say "(or set CHROME_PATH to a Chromium/Chrome binary)" ;; esac
if [ "$is_ci" -eq 1 ]; then
  say "CI=true: the tiers that need these would fail; stopping here"
  exit 1
fi
say "warning: the tiers that need these will be skipped"
exit 0
