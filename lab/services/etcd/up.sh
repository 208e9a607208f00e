#!/usr/bin/env bash
# etcd v3: open (127.77.1.3:2379), auth enabled (127.77.2.3:2379) and an open
# instance on an odd port (127.77.3.3:8080). Each holds 200 keys under
# /config/...: service endpoints, feature flags, a DB password and API keys.
source "$LAB_DIR/common.sh"

# A rerun after a failed start: stop this service's own recorded servers (by
# PID) and start from empty data, so the seeded counts are exact again.
if [ -s "$LAB_PIDS" ]; then
	while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$LAB_PIDS"
	sleep 1
	: >"$LAB_PIDS"
fi
rm -rf "${LAB_DATA:?}"/*

PASS=s3cret
SERVICES=150
FLAGS=46
export ETCDCTL_API=3

start() { # start NAME IP CLIENT_PORT PEER_PORT [etcd args...]
	local name=$1 ip=$2 cp=$3 pp=$4; shift 4
	bg etcd --name "$name" --data-dir "$LAB_DATA/$name" "$@" \
		--listen-client-urls "http://$ip:$cp" --advertise-client-urls "http://$ip:$cp" \
		--listen-peer-urls "http://$ip:$pp" --initial-advertise-peer-urls "http://$ip:$pp" \
		--initial-cluster "$name=http://$ip:$pp" --log-level error
	wait_for 20 etcdctl --endpoints "http://$ip:$cp" endpoint health
}

# seed_kv prints "KEY VALUE" lines (values without spaces).
seed_kv() {
	awk -v s="$SERVICES" -v f="$FLAGS" 'BEGIN{
		for(i=1;i<=s;i++) printf "/config/services/svc-%03d/endpoint http://svc-%03d.corp.internal:8080\n", i, i
		for(i=1;i<=f;i++) printf "/config/features/flag-%02d %s\n", i, (i%2 ? "true" : "false")
		print "/config/db/host db01.corp.internal:5432"
		print "/config/db/password Hunter42!prod"
		print "/config/api/stripe_key sk_live_FAKE51Hq8xTestKey0000000000"
		print "/config/api/sms_gateway_token smsgw_FAKE_9f8e7d6c5b4a39281706"
	}'
}

seed() { # seed ENDPOINT: one etcdctl put per key (~10 ms each)
	local k v
	seed_kv | while read -r k v; do etcdctl --endpoints "$1" --command-timeout 5s put "$k" "$v" >/dev/null; done
}

start open 127.77.1.3 2379 2380
start auth 127.77.2.3 2379 2380
# The odd-port instance also serves the v2 API (a separate key store), as
# old clusters and flannel setups do.
start odd 127.77.3.3 8080 2380 --enable-v2=true
seed http://127.77.1.3:2379 & p1=$!
seed http://127.77.3.3:8080 & p2=$!
seed http://127.77.2.3:2379
wait $p1 $p2 # not a bare wait: that would wait for the servers too
a=http://127.77.2.3:2379
etcdctl --endpoints $a user get root >/dev/null 2>&1 || etcdctl --endpoints $a user add "root:$PASS" >/dev/null
etcdctl --endpoints $a user grant-role root root >/dev/null
etcdctl --endpoints $a auth enable >/dev/null

V2_USERS=20
v2put() { curl -fsS -XPUT "http://127.77.3.3:8080/v2/keys$1" --data-urlencode "value=$2" >/dev/null; }
v2put /coreos.com/network/config '{"Network":"10.1.0.0/16","Backend":{"Type":"vxlan"}}'
v2put /legacy/db/password 'Hunter42!v2'
for i in $(seq 1 $V2_USERS); do v2put "/legacy/users/u$i" "user$i@example.com,+1555600$(printf %04d "$i")"; done

total=$((SERVICES + FLAGS + 4))
for a in http://127.77.1.3:2379 http://127.77.3.3:8080; do
	[ "$(etcdctl --endpoints $a get --prefix / --keys-only | grep -c .)" = "$total" ]
done

env_out ETCD_OPEN 127.77.1.3:2379
env_out ETCD_AUTH 127.77.2.3:2379
env_out ETCD_ODD 127.77.3.3:8080
env_out ETCD_OPEN_KEYS "$total"
env_out ETCD_OPEN_SERVICES "$SERVICES"
env_out ETCD_OPEN_FLAGS "$FLAGS"
env_out ETCD_ODD_V2_USERS "$V2_USERS"
