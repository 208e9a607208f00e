#!/usr/bin/env bash
# The lab: real datastore servers on loopback (127.77.x.y only), open and
# auth-required variants, seeded with leak-shaped fake data. Used by the tests
# and `make demo`.
#
#   lab/lab.sh up [SERVICE...]   install what is missing, start, seed; idempotent
#   lab/lab.sh down              stop every process the lab started (by PID)
#   lab/lab.sh status            list services and their addresses
#
# Each service is a plug-in folder lab/services/<name>/ with
#   apt.txt   Debian packages it needs (optional)
#   up.sh     starts and seeds it; writes KEY=VALUE lines to "$LAB_ENV_OUT"
#             and PIDs to "$LAB_PIDS" (one per line); exit 0 only when ready.
# Services start in parallel. A service that fails to start is reported and
# its tests skip with that reason (labtest), unless LEAKWATCH_LAB_STRICT=1.
set -uo pipefail
LAB_DIR=$(cd "$(dirname "$0")" && pwd)
RUN=${LEAKWATCH_LAB_RUN:-$LAB_DIR/run}
export LAB_DIR RUN
export LAB_CACHE=${LEAKWATCH_LAB_CACHE:-$HOME/.cache/leakwatch-lab}
mkdir -p "$RUN" "$LAB_CACHE"

services() {
	if [ $# -gt 0 ]; then printf '%s\n' "$@"; return; fi
	for d in "$LAB_DIR"/services/*/; do
		n=$(basename "$d")
		[ -f "$d/up.sh" ] || continue
		# Opt-in services (heavy JVM servers) start only when asked for.
		if [ -f "$d/optin" ] && [ "${LEAKWATCH_LAB_ALL:-0}" != 1 ]; then continue; fi
		echo "$n"
	done
}

install_packages() {
	local want=() p f
	for f in "$LAB_DIR/apt-tools.txt" "${@/#/$LAB_DIR/services/}"; do
		[ -d "$f" ] && f="$f/apt.txt"
		[ -f "$f" ] || continue
		for p in $(grep -v '^#' "$f"); do
			dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || want+=("$p")
		done
	done
	[ ${#want[@]} -eq 0 ] && return 0
	echo "lab: installing ${want[*]}"
	# Never let a package start its service on the default addresses.
	if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y --no-install-recommends "${want[@]}" >"$RUN/apt.log" 2>&1 || {
		apt-get update >>"$RUN/apt.log" 2>&1
		apt-get install -y --no-install-recommends "${want[@]}" >>"$RUN/apt.log" 2>&1
	} || { echo "lab: apt-get failed, see $RUN/apt.log"; tail -20 "$RUN/apt.log"; return 1; }
}

up() {
	local list; list=$(services "$@")
	# shellcheck disable=SC2086
	install_packages $list || true
	mkdir -p "$RUN/env.d" "$RUN/pids" "$RUN/logs" "$RUN/status"
	local start=$SECONDS
	for n in $list; do
		(
			export LAB_ENV_OUT="$RUN/env.d/$n.env" LAB_PIDS="$RUN/pids/$n" LAB_DATA="$RUN/data/$n"
			if [ -s "$RUN/status/$n" ] && [ "$(cat "$RUN/status/$n")" = ok ] && alive "$n"; then exit 0; fi
			# A restart first stops what is left of the previous run, so a
			# half-dead service does not keep its addresses busy.
			stop_pids "$LAB_PIDS"
			rm -f "$LAB_ENV_OUT" "$RUN/status/$n"; mkdir -p "$LAB_DATA"
			if timeout "${LEAKWATCH_LAB_TIMEOUT:-600}" bash "$LAB_DIR/services/$n/up.sh" >"$RUN/logs/$n.log" 2>&1; then
				echo ok >"$RUN/status/$n"
			else
				echo "failed (see lab/run/logs/$n.log)" >"$RUN/status/$n"; rm -f "$LAB_ENV_OUT"
			fi
		) &
	done
	wait
	# Publish only services that are up now: a stale entry (a service
	# started earlier and since gone) would make its tests fail, not skip.
	: >"$RUN/lab.env"
	for f in "$RUN"/env.d/*.env; do
		[ -f "$f" ] || continue
		n=$(basename "$f" .env)
		[ "$(cat "$RUN/status/$n" 2>/dev/null)" = ok ] && alive "$n" && cat "$f" >>"$RUN/lab.env"
	done
	echo "lab: up in $((SECONDS - start)) s"
	status
}

alive() {
	local f="$RUN/pids/$1" p
	[ -s "$f" ] || return 1
	while read -r p; do kill -0 "$p" 2>/dev/null || return 1; done <"$f"
}

stop_pids() {
	local p
	[ -f "$1" ] || return 0
	while read -r p; do [ -n "$p" ] && kill "$p" 2>/dev/null; done <"$1"
	sleep 0.5
	while read -r p; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done <"$1"
	rm -f "$1"
}

down() {
	local f p
	for f in "$RUN"/pids/*; do
		[ -f "$f" ] || continue
		while read -r p; do [ -n "$p" ] && kill "$p" 2>/dev/null; done <"$f"
	done
	sleep 1
	for f in "$RUN"/pids/*; do
		[ -f "$f" ] || continue
		while read -r p; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done <"$f"
		rm -f "$f"
	done
	rm -rf "$RUN/status" "$RUN/env.d" "$RUN/lab.env" "$RUN/data"
	echo "lab: down"
}

status() {
	local failed=0 n s
	for n in $(services); do
		s=$(cat "$RUN/status/$n" 2>/dev/null || echo "not started")
		printf '  %-14s %s\n' "$n" "$s"
		[ "$s" = ok ] || failed=1
	done
	if [ "$failed" = 1 ] && [ "${LEAKWATCH_LAB_STRICT:-0}" = 1 ]; then return 1; fi
	return 0
}

cmd=${1:-status}; shift || true
case "$cmd" in
up) up "$@" ;;
down) down ;;
status) status ;;
*) echo "usage: lab/lab.sh up|down|status" >&2; exit 2 ;;
esac
