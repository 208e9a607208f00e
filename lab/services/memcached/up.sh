#!/usr/bin/env bash
# Memcached: open (127.77.1.2:11211), ASCII-auth (-Y, 127.77.2.2:11211) and an
# open instance on an odd port (127.77.3.2:27017). Seeded with sessions and
# user records keyed by e-mail.
source "$LAB_DIR/common.sh"

# A rerun after a failed start: stop this service's own recorded servers (by
# PID) and start from empty data, so the seeded counts are exact again.
if [ -s "$LAB_PIDS" ]; then
	while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$LAB_PIDS"
	sleep 1
	: >"$LAB_PIDS"
fi
rm -rf "${LAB_DATA:?}"/*

SESSIONS=600
USERS=400
PASS=s3cret

start() { # start IP PORT [memcached args...]
	bg memcached -l "$1" -p "$2" -U 0 -u root -m 64 "${@:3}"
	wait_port "$1" "$2" 10
}

# seed_cmds prints text-protocol "set ... noreply" commands; with auth the
# stream starts with the "set auth" pseudo-command of memcached's -Y mode.
seed_cmds() {
	local auth=${1:-}
	if [ -n "$auth" ]; then printf 'set auth 0 0 %d\r\n%s\r\n' "${#auth}" "$auth"; fi
	awk -v s="$SESSIONS" -v u="$USERS" 'function set(k,v){ printf "set %s 0 0 %d noreply\r\n%s\r\n", k, length(v), v }
	BEGIN{
		for(i=1;i<=s;i++) set(sprintf("session:%032x", i*2654435761), sprintf("{\"user\":\"user%d@example.com\",\"phone\":\"+1555%07d\",\"csrf\":\"tok%06d\"}", i, 3000000+i, i))
		for(i=1;i<=u;i++) set("user:user" i "@example.com", sprintf("{\"name\":\"User %d\",\"phone\":\"+1555%07d\",\"password_hash\":\"$2b$10$FAKEFAKEFAKEFAKEFAKE%06d\"}", i, 4000000+i, i))
	}'
	printf 'quit\r\n'
}

items() { # items IP PORT [auth]: curr_items as the server reports it
	{ if [ -n "${3:-}" ]; then printf 'set auth 0 0 %d\r\n%s\r\n' "${#3}" "$3"; fi; printf 'stats\r\nquit\r\n'; } |
		socat -t 2 - "TCP:$1:$2" | tr -d '\r' | awk '$2=="curr_items"{print $3}'
}

printf 'lab:%s\n' "$PASS" >"$LAB_DATA/authfile"
start 127.77.1.2 11211
start 127.77.2.2 11211 -Y "$LAB_DATA/authfile"
start 127.77.3.2 27017
for a in 127.77.1.2:11211 127.77.3.2:27017; do seed_cmds | socat -t 5 - "TCP:$a" >/dev/null; done
seed_cmds "lab $PASS" | socat -t 5 - TCP:127.77.2.2:11211 >/dev/null

total=$((SESSIONS + USERS))
[ "$(items 127.77.1.2 11211)" = "$total" ]
[ "$(items 127.77.2.2 11211 "lab $PASS")" = "$total" ]

env_out MEMCACHED_OPEN 127.77.1.2:11211
env_out MEMCACHED_AUTH 127.77.2.2:11211
env_out MEMCACHED_ODD 127.77.3.2:27017
env_out MEMCACHED_OPEN_ITEMS "$total"
env_out MEMCACHED_OPEN_SESSIONS "$SESSIONS"
env_out MEMCACHED_OPEN_USERS "$USERS"
