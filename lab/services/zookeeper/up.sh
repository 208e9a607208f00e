#!/usr/bin/env bash
# ZooKeeper 3.8 (JVM, ~85 MB each): open (127.77.1.14:2181, world ACL, 4lw
# whitelisted), auth enforced (127.77.2.14:2181, enforce.auth.enabled with
# digest: unauthenticated sessions are closed on their first request) and an
# open instance on an odd port (127.77.3.14:6379) with 4lw NOT whitelisted.
source "$LAB_DIR/common.sh"

# A rerun after a failed start: stop this service's own recorded servers (by
# PID) and start from empty data, so the seeded counts are exact again.
if [ -s "$LAB_PIDS" ]; then
	while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$LAB_PIDS"
	sleep 1
	: >"$LAB_PIDS"
fi
rm -rf "${LAB_DATA:?}"/*

MESSAGES=300
PASS=s3cret
ZK=/usr/share/zookeeper/bin

start() { # start NAME IP PORT [extra zoo.cfg lines...]
	local name=$1 ip=$2 port=$3 dir=$LAB_DATA/$1; shift 3
	mkdir -p "$dir/conf" "$dir/data" "$dir/logs"
	cp /etc/zookeeper/conf/log4j.properties "$dir/conf/" 2>/dev/null || true
	{
		echo "tickTime=2000"
		echo "dataDir=$dir/data"
		echo "clientPortAddress=$ip"
		echo "clientPort=$port"
		echo "admin.enableServer=false"
		printf '%s\n' "$@"
	} >"$dir/conf/zoo.cfg"
	# Debian's zkEnv.sh pins ZOO_LOG_DIR to /var/log/zookeeper; a later -D wins.
	ZOOCFGDIR=$dir/conf ZOO_LOG_DIR=$dir/logs JVMFLAGS="-Xmx256m -Dzookeeper.log.dir=$dir/logs" bg "$ZK/zkServer.sh" start-foreground "$dir/conf/zoo.cfg"
}

# seed_cmds prints zkCli commands: an SMS gateway's message log and config.
seed_cmds() {
	[ -n "${1:-}" ] && echo "addauth digest $1"
	echo "create /smsgw ''"
	echo "create /smsgw/messages ''"
	echo "create /smsgw/config ''"
	echo "create /smsgw/config/db '{\"host\":\"db01.corp.internal\",\"user\":\"smsgw\",\"password\":\"Hunter42!prod\"}'"
	echo "create /smsgw/config/api '{\"provider\":\"twilio\",\"token\":\"FAKEtok_9f8e7d6c5b4a39281706\"}'"
	awk -v n="$MESSAGES" 'BEGIN{ for(i=1;i<=n;i++) printf "create /smsgw/messages/msg-%05d %c{\"to\":\"+1555%07d\",\"body\":\"Your code is %06d\"}%c\n", i, 39, 5000000+i, (i*7919)%1000000, 39 }'
	echo "create /services ''"
	echo "create /services/billing '{\"url\":\"http://billing.corp.internal:8080\"}'"
	echo "quit"
}

seed() { # seed IP:PORT [user:pass]
	seed_cmds "${2:-}" | "$ZK/zkCli.sh" -server "$1" >"$LAB_DATA/seed-${1//:/_}.log" 2>&1
}

ready() { # ready IP PORT: the server answers srvr with its mode (needs 4lw) or accepts a zkCli ls
	"$ZK/zkCli.sh" -server "$1:$2" ls / 2>&1 | grep -q '^\[.*zookeeper'
}

start open 127.77.1.14 2181 "4lw.commands.whitelist=srvr,stat,ruok,mntr,envi,conf,cons"
start auth 127.77.2.14 2181 "4lw.commands.whitelist=srvr,ruok" "enforce.auth.enabled=true" "enforce.auth.schemes=digest"
start odd 127.77.3.14 6379
wait_port 127.77.1.14 2181 30
wait_port 127.77.2.14 2181 30
wait_port 127.77.3.14 6379 30
wait_for 30 ready 127.77.1.14 2181
seed 127.77.1.14:2181 & p1=$!
seed 127.77.3.14:6379 & p2=$!
seed 127.77.2.14:2181 "lab:$PASS"
wait $p1 $p2 # not a bare wait: that would wait for the servers too

count=$("$ZK/zkCli.sh" -server 127.77.1.14:2181 ls /smsgw/messages 2>&1 | grep '^\[msg-' | tr ',' '\n' | grep -c msg-)
[ "$count" = "$MESSAGES" ]

env_out ZOOKEEPER_OPEN 127.77.1.14:2181
env_out ZOOKEEPER_AUTH 127.77.2.14:2181
env_out ZOOKEEPER_ODD 127.77.3.14:6379
env_out ZOOKEEPER_OPEN_MESSAGES "$MESSAGES"
# znodes under /smsgw: itself, messages, config, db, api, and the messages
env_out ZOOKEEPER_OPEN_SMSGW_ZNODES $((MESSAGES + 5))
