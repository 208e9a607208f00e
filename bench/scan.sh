#!/usr/bin/env bash
# bench/scan.sh [CIDR] [PORTS]: the whole pipeline — `leakwatch scan`
# (discover, identify, prove access, inventory, sample, classify, assess) —
# over a loopback range with the lab's servers live, beside
# `nmap -sT -T4 -n -Pn` on the same addresses and ports (discovery only).
# Reports wall and CPU time, attempts/s, hosts/s, open ports, services
# identified and readable, and peak RSS. Needs `lab/lab.sh up` first.
# Defaults: 127.77.0.0/16 × leakwatch's default ports.
set -euo pipefail
cd "$(dirname "$0")/.."
CIDR=${1:-127.77.0.0/16}
RATE=${RATE:-100000}
work=$(mktemp -d /tmp/lw-scan-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

go build -o "$work/leakwatch" ./cmd/leakwatch
# The default ports are the union of the registered probes' ports.
PORTS=${2:-$(go run ./bench/cmd/defaultports)}
nports=$(tr ',' '\n' <<<"$PORTS" | wc -l)
hosts=$(awk -F/ '{print 2^(32-$2)}' <<<"$CIDR")
echo "workload: $CIDR ($hosts hosts) × $nports ports = $((hosts * nports)) attempts"

rss() { awk -F': ' '/Maximum resident/ {printf "%.0f MB", $2/1024}' "$1"; }
cpu() { awk -F': ' '/User time|System time/ {s+=$2} END {printf "%.2fs", s}' "$1"; }
wall() { awk -F': ' '/Elapsed \(wall/ {print $2}' "$1" | awk -F: '{ s=0; for (i=1;i<=NF;i++) s=s*60+$i; print s }'; }

set +e
/usr/bin/time -v -o "$work/time.lw" "$work/leakwatch" scan "$CIDR" --ports "$PORTS" --rate "$RATE" \
	--no-store --json >"$work/events.jsonl" 2>"$work/stderr.lw"
rc=$?
set -e
[ "$rc" -le 1 ] || { cat "$work/stderr.lw"; exit 1; }
python3 - "$work/events.jsonl" >"$work/open.lw" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    ev = json.loads(line)
    print(f"{ev['ip']}:{ev['port']}")
PY
sort -o "$work/open.lw" "$work/open.lw"
ident=$(grep -c '"service":{' "$work/events.jsonl" || true)
readable=$(grep -c '"status":"open"' "$work/events.jsonl" || true)

/usr/bin/time -v -o "$work/time.nmap" nmap -sT -T4 -n -Pn -p "$PORTS" "$CIDR" -oG "$work/nmap.gnmap" >/dev/null
awk '/Ports:/ { ip=$2; n=split($0, a, /Ports: /); split(a[2], ps, ", ");
	for (i in ps) { split(ps[i], f, "/"); if (f[2]=="open") print ip ":" f[1] } }' "$work/nmap.gnmap" | sort >"$work/open.nmap"

printf '%-30s %8s %8s %11s %9s %6s %10s %9s %8s\n' tool wall CPU attempts/s hosts/s open identified readable RSS
for t in lw nmap; do
	w=$(wall "$work/time.$t")
	name="leakwatch scan (pipeline)"; id=$ident; rd=$readable
	[ $t = nmap ] && { name="nmap -sT -T4 -n -Pn"; id=-; rd=-; }
	printf '%-30s %7.2fs %8s %11.0f %9.0f %6s %10s %9s %8s\n' "$name" "$w" "$(cpu "$work/time.$t")" \
		"$(bc -l <<<"$hosts*$nports/$w")" "$(bc -l <<<"$hosts/$w")" "$(wc -l <"$work/open.$t")" "$id" "$rd" "$(rss "$work/time.$t")"
done
d=$(comm -3 "$work/open.lw" "$work/open.nmap" | tr -s '\t\n' '  ')
echo "open ports, leakwatch vs nmap: ${d:-identical}"
