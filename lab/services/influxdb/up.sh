#!/usr/bin/env bash
# InfluxDB 1.6 (Debian influxdb): open 127.77.1.9:8086, auth-enabled
# 127.77.2.9:8086 (an admin user exists; anonymous queries get 401), open on
# the odd port 127.77.3.9:8004. Seeded: smsgw.sms (1000 points, +1555 numbers
# and message bodies), smsgw.delivery_reports (100), billing.invoices (50,
# customer e-mails).
source "$LAB_DIR/common.sh"

start() { # start NAME IP PORT AUTH(true|false)
	local d=$LAB_DATA/$1
	rm -rf "$d"; mkdir -p "$d"
	cat >"$d/influxdb.conf" <<TOML
reporting-disabled = true
bind-address = "$2:8088"
[meta]
  dir = "$d/meta"
[data]
  dir = "$d/data"
  wal-dir = "$d/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "$2:$3"
  auth-enabled = $4
  log-enabled = false
[continuous_queries]
  enabled = false
TOML
	bg influxd run -config "$d/influxdb.conf"
}
start open 127.77.1.9 8086 false
start auth 127.77.2.9 8086 true
start odd 127.77.3.9 8004 false
for a in 127.77.1.9:8086 127.77.2.9:8086 127.77.3.9:8004; do wait_for 60 curl -fsS "http://$a/ping"; done

# The first user may be created without credentials, then auth is enforced.
curl -fsS -XPOST http://127.77.2.9:8086/query --data-urlencode "q=CREATE USER admin WITH PASSWORD 's3cret' WITH ALL PRIVILEGES" >/dev/null

points() { # line protocol, fixed timestamps in January 2024
	awk 'BEGIN{base=1704067200
	for(i=1;i<=1000;i++) printf "sms,carrier=acme,status=delivered to=\"+1555%07d\",from=\"+15550100\",body=\"Your verification code is %06d\",cost=0.0075 %d\n", 1000000+i, (i*7919)%1000000, (base+i*60)*1000000000
	for(i=1;i<=100;i++) printf "delivery_reports,carrier=acme msisdn=\"+1555%07d\",code=%di %d\n", 1000000+i, 200+i%3, (base+i*60)*1000000000 }'
}
invoices() {
	awk 'BEGIN{base=1704067200
	for(i=1;i<=50;i++) printf "invoices,plan=pro email=\"customer%d@example.com\",amount=%d.99,card_last4=\"1111\" %d\n", i, 10+i, (base+i*3600)*1000000000 }'
}
seed() { # seed BASE [curl auth args]
	local b=$1; shift
	curl -fsS "$@" -XPOST "$b/query" --data-urlencode "q=CREATE DATABASE smsgw" >/dev/null
	curl -fsS "$@" -XPOST "$b/query" --data-urlencode "q=CREATE DATABASE billing" >/dev/null
	points | curl -fsS "$@" -XPOST "$b/write?db=smsgw&precision=n" --data-binary @-
	invoices | curl -fsS "$@" -XPOST "$b/write?db=billing&precision=n" --data-binary @-
}
seed http://127.77.1.9:8086
seed http://127.77.3.9:8004
seed http://127.77.2.9:8086 -u admin:s3cret
code=$(curl -s -o /dev/null -w '%{http_code}' 'http://127.77.2.9:8086/query?q=SHOW+DATABASES')
[ "$code" = 401 ] || { echo "auth instance answers $code"; exit 1; }

env_out INFLUX_OPEN 127.77.1.9:8086
env_out INFLUX_AUTH 127.77.2.9:8086
env_out INFLUX_ODD 127.77.3.9:8004
env_out INFLUX_MEASUREMENTS "smsgw.sms:1000,smsgw.delivery_reports:100,billing.invoices:50"
