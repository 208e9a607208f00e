#!/usr/bin/env bash
# Redis: open (127.77.1.1:6379), requirepass (127.77.2.1:6379) and an open
# instance on an odd port (127.77.3.1:9200) to prove port-independent
# identification. Each is seeded with the same leak-shaped fake data.
source "$LAB_DIR/common.sh"

# A rerun after a failed start: stop this service's own recorded servers (by
# PID) and start from empty data, so the seeded counts are exact again.
if [ -s "$LAB_PIDS" ]; then
	while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$LAB_PIDS"
	sleep 1
	: >"$LAB_PIDS"
fi
rm -rf "${LAB_DATA:?}"/*

SMS=1000 # hashes sms:<id>
PASS=s3cret

start() { # start NAME IP PORT [redis-server args...]
	local name=$1 ip=$2 port=$3 dir=$LAB_DATA/$1; shift 3
	# The odd-port instance also looks attacked: its dir is a crontab directory
	# (what "CONFIG SET dir /var/spool/cron" leaves behind) and it holds a ransom note.
	[ "$name" = odd ] && dir=$LAB_DATA/odd/var/spool/cron
	mkdir -p "$dir"
	bg redis-server --bind "$ip" --port "$port" --dir "$dir" --save '' --appendonly no \
		--protected-mode no --daemonize no "$@"
	wait_port "$ip" "$port" 10
}

# seed_resp prints the seed as RESP commands (for redis-cli --pipe): SMS logs,
# a config with a password, a key named like a URL with credentials, and a
# few keys of the other types so every sampler path has data.
seed_resp() {
	awk -v n="$SMS" 'function cmd(a, k,s,i){ s="*" k "\r\n"; for(i=1;i<=k;i++) s=s "$" length(a[i]) "\r\n" a[i] "\r\n"; printf "%s", s }
	BEGIN{
		for(i=1;i<=n;i++){
			a[1]="HSET"; a[2]="sms:" (100000+i);
			a[3]="to"; a[4]=sprintf("+1555%07d", 2000000+i);
			a[5]="body"; a[6]=sprintf("Your code is %06d", (i*7919)%1000000);
			a[7]="email"; a[8]="user" i "@example.com";
			a[9]="status"; a[10]="delivered";
			cmd(a,10)
		}
		a[1]="SET"; a[2]="config:db_password"; a[3]="Hunter42!db01.corp.internal"; cmd(a,3)
		a[1]="SET"; a[2]="postgres://app:S3cretPass@db01.corp.internal:5432/smsgw"; a[3]="primary"; cmd(a,3)
		a[1]="RPUSH"; a[2]="queue:outbound"; a[3]="{\"to\":\"+15550001111\",\"body\":\"Your password is Hunter12!\"}"; a[4]="{\"to\":\"+15550002222\",\"body\":\"Your code is 445566\"}"; cmd(a,4)
		a[1]="SADD"; a[2]="admins"; a[3]="alice@example.com"; a[4]="bob@example.com"; cmd(a,4)
		a[1]="ZADD"; a[2]="leaderboard"; a[3]="10"; a[4]="carol@example.com"; a[5]="20"; a[6]="dave@example.com"; cmd(a,6)
		a[1]="SELECT"; a[2]="1"; cmd(a,2)
		a[1]="SET"; a[2]="api_key:billing"; a[3]="sk_live_FAKE51Hq8xTestKey0000000000"; cmd(a,3)
		a[1]="SET"; a[2]="api_key:maps"; a[3]="AIzaFAKEkey-1234567890abcdefghijklmn"; cmd(a,3)
	}'
}

seed() { # seed IP PORT [-a PASS]
	seed_resp | redis-cli -h "$1" -p "$2" "${@:3}" --no-auth-warning --pipe >/dev/null
}

start open 127.77.1.1 6379
start auth 127.77.2.1 6379 --requirepass "$PASS"
start odd 127.77.3.1 9200
seed 127.77.1.1 6379
seed 127.77.2.1 6379 -a "$PASS"
seed 127.77.3.1 9200
redis-cli -h 127.77.3.1 -p 9200 SET READ_ME_TO_RECOVER_YOUR_DATA \
	"All your data is backed up. Send 0.01 BTC to 1FAKEfakeFAKEfake and e-mail recover@example.com" >/dev/null

# Fail unless the seed is complete: the tests assert these exact counts.
[ "$(redis-cli -h 127.77.1.1 -p 6379 -n 0 DBSIZE)" = $((SMS + 5)) ]
[ "$(redis-cli -h 127.77.1.1 -p 6379 -n 1 DBSIZE)" = 2 ]

env_out REDIS_OPEN 127.77.1.1:6379
env_out REDIS_AUTH 127.77.2.1:6379
env_out REDIS_ODD 127.77.3.1:9200
env_out REDIS_PASSWORD "$PASS"
env_out REDIS_OPEN_KEYS $((SMS + 5 + 2)) # all databases
env_out REDIS_OPEN_DB0_KEYS $((SMS + 5))
env_out REDIS_OPEN_DB1_KEYS 2
env_out REDIS_ODD_DB0_KEYS $((SMS + 5 + 1)) # + the ransom note
