#!/usr/bin/env bash
# bench/discover.sh [PORTS] [CIDR]: TCP connect discovery over a loopback /16,
# leakwatch's internal/discover (epoll and net.Dialer engines) beside
# `nmap -sT -T4 -n -Pn`, with 10 live listeners on 127.77.45.x.
# Reports wall time, attempts/s, hosts/s, open ports found and peak RSS.
# Loopback only; the /16 may also contain other lab servers (127.77.1-3.x):
# both tools see those too, and the listeners here are checked by name.
set -euo pipefail
PORTS=${1:-6379,9200,27017,5432,3306,11211}
CIDR=${2:-127.77.0.0/16}
RATE=${RATE:--1}          # attempts/s for leakwatch (-1: unlimited, like nmap -T4)
CONC=${CONC:-1024}        # attempts in flight
TIMEOUT=${TIMEOUT:-1s}
ENGINES=${ENGINES:-epoll dialer}
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/lw-discover-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$work/discoverbench" ./bench/cmd/discoverbench

# 10 listeners on 127.77.45.1-10, cycling through the port list.
IFS=, read -ra plist <<<"$PORTS"
want=()
for i in $(seq 1 10); do want+=("127.77.45.$i:${plist[$(((i - 1) % ${#plist[@]}))]}"); done
python3 - "${want[@]}" >"$work/listeners.log" 2>&1 <<'PY' &
import selectors, socket, sys
sel = selectors.DefaultSelector()
for a in sys.argv[1:]:
    host, port = a.rsplit(":", 1)
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, int(port))); s.listen(1024); s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)
print("ready", flush=True)
while True:
    for key, _ in sel.select():
        try:
            c, _ = key.fileobj.accept(); c.close()
        except OSError:
            pass
PY
pids+=($!)
for _ in $(seq 50); do grep -q ready "$work/listeners.log" && break; sleep 0.1; done
grep -q ready "$work/listeners.log" || { cat "$work/listeners.log"; exit 1; }

rss() { awk -F': ' '/Maximum resident/ {printf "%.0f MB", $2/1024}' "$1"; }
cpu() { awk -F': ' '/User time|System time/ {s+=$2} END {printf "%.2fs", s}' "$1"; }
missing() { # FILE-with-one-ip:port-per-line → listeners it lacks
	local m=() w; for w in "${want[@]}"; do grep -qx "$w" "$1" || m+=("$w"); done
	echo "${#m[@]}${m[*]:+ (${m[*]})}"
}
nports=${#plist[@]}
printf '%-22s %8s %8s %11s %9s %6s %16s %8s\n' tool wall CPU attempts/s hosts/s open missed-of-10 RSS

for e in $ENGINES; do
	/usr/bin/time -v -o "$work/time.$e" "$work/discoverbench" -engine "$e" -p "$PORTS" \
		-rate "$RATE" -concurrency "$CONC" -timeout "$TIMEOUT" -list "$CIDR" >"$work/out.$e"
	line=$(head -1 "$work/out.$e")
	get() { sed -n "s|.* $1=\([^ ]*\).*|\1|p" <<<"$line"; }
	awk '/^open / {print $2}' "$work/out.$e" >"$work/open.$e"
	printf '%-22s %8s %8s %11s %9s %6s %16s %8s\n' "leakwatch $e" "$(get elapsed)" "$(cpu "$work/time.$e")" "$(get attempts/s)" \
		"$(get hosts/s)" "$(get open)" "$(missing "$work/open.$e")" "$(rss "$work/time.$e")"
	[ "$(get errors)" = 0 ] && [ "$(get timedout)" = 0 ] || echo "  ($e: $(get timedout) timed out, $(get errors) errors)"
done

/usr/bin/time -v -o "$work/time.nmap" nmap -sT -T4 -n -Pn -p "$PORTS" "$CIDR" -oG "$work/nmap.gnmap" >/dev/null
awk '/Ports:/ { ip=$2; n=split($0, a, /Ports: /); split(a[2], ps, ", ");
	for (i in ps) { split(ps[i], f, "/"); if (f[2]=="open") print ip ":" f[1] } }' "$work/nmap.gnmap" | sort >"$work/open.nmap"
wall=$(awk -F': ' '/Elapsed \(wall/ {print $2}' "$work/time.nmap")
secs=$(awk -F: '{ s=0; for (i=1;i<=NF;i++) s=s*60+$i; print s }' <<<"$wall")
hosts=$(awk -F/ '{print 2^(32-$2)}' <<<"$CIDR")
printf '%-22s %7.2fs %8s %11.0f %9.0f %6s %16s %8s\n' "nmap -sT -T4 -n -Pn" "$secs" "$(cpu "$work/time.nmap")" "$(bc -l <<<"$hosts*$nports/$secs")" \
	"$(bc -l <<<"$hosts/$secs")" "$(wc -l <"$work/open.nmap")" "$(missing "$work/open.nmap")" "$(rss "$work/time.nmap")"

for e in $ENGINES; do
	sort "$work/open.$e" -o "$work/open.$e"
	d=$(comm -3 "$work/open.$e" "$work/open.nmap" | tr -s '\t\n' '  ')
	echo "open ports: leakwatch $e vs nmap: ${d:-identical}"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores, shared)"
