#!/bin/sh
# scripts/deps.sh: install the Debian packages upkeep needs to build, test
# and demo, skipping quickly when all are present.  Needs root (or sudo)
# only when something is missing.
set -eu

PKGS="gcc make clang libclang-rt-14-dev procps iproute2 valgrind
postgresql-15 postgresql-client-15 postgresql-server-dev-15
mariadb-server mariadb-client libmariadbd-dev libmariadb-dev mariadb-test sysbench
postgresql-15-pg-qualstats libpg-query-dev python3 libpq-dev tmux chromium"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "upkeep: installing missing packages:$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "upkeep: run 'make deps' as root" >&2; exit 1; }
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq -o DPkg::Lock::Timeout=600
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=600 $missing >/dev/null
echo "upkeep: packages installed"
