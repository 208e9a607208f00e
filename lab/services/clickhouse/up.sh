#!/usr/bin/env bash
# ClickHouse 18.16 (Debian clickhouse-server): open 127.77.1.10:8123 (user
# default, no password), password-protected 127.77.2.10:8123, open on the odd
# port 127.77.3.10:8005; the native protocol on 9000 of the first two and on
# the odd port 127.77.3.10:9001. Config: the package's files with our paths, one
# listen_host (the shipped ones are commented out: without it ClickHouse
# silently binds 127.0.0.1 and ::1), no interserver port. Seeded smsgw.sms_logs (1000 rows),
# crm.customers (200), app.settings (3 rows of secrets).
source "$LAB_DIR/common.sh"

start() { # start NAME IP HTTPPORT PASSWORD TCPPORT
	local d=$LAB_DATA/$1
	rm -rf "$d"; mkdir -p "$d/log"
	sed -e "s|/var/lib/clickhouse/|$d/|g" -e "s|/var/log/clickhouse-server/|$d/log/|g" \
		-e "s|<http_port>8123</http_port>|<http_port>$3</http_port>|" \
		-e '/<interserver_http_port>/d' -e '/<https_port>/d' -e '/<tcp_port_secure>/d' \
		-e "s|<tcp_port>9000</tcp_port>|<tcp_port>$5</tcp_port><listen_host>$2</listen_host>|" \
		-e "s|<users_config>users.xml</users_config>|<users_config>$d/users.xml</users_config>|" \
		/etc/clickhouse-server/config.xml >"$d/config.xml"
	sed -e "s|<password></password>|<password>$4</password>|" /etc/clickhouse-server/users.xml >"$d/users.xml"
	(cd "$d" && bg clickhouse-server --config-file="$d/config.xml")
}
start open 127.77.1.10 8123 "" 9000
start auth 127.77.2.10 8123 s3cret 9000
start odd 127.77.3.10 8005 "" 9001
for a in 127.77.1.10:8123 127.77.3.10:8005 127.77.2.10:8123; do wait_for 60 curl -fsS "http://$a/ping"; done

sql() { # sql BASE QUERY [curl args]: one statement by POST (the lab writes; the probe never does)
	local b=$1 q=$2; shift 2
	curl -fsS "$@" "$b/" --data-binary "$q" >/dev/null
}
seed() { # seed BASE [curl auth args]
	local b=$1; shift
	sql "$b" "CREATE DATABASE smsgw" "$@"
	sql "$b" "CREATE DATABASE crm" "$@"
	sql "$b" "CREATE DATABASE app" "$@"
	sql "$b" "CREATE TABLE smsgw.sms_logs (id UInt32, to String, from String, body String, sent_at DateTime) ENGINE = MergeTree ORDER BY id" "$@"
	sql "$b" "CREATE TABLE crm.customers (id UInt32, name String, email String, phone String, card String) ENGINE = MergeTree ORDER BY id" "$@"
	sql "$b" "CREATE TABLE app.settings (key String, value String) ENGINE = TinyLog" "$@"
	awk 'BEGIN{for(i=1;i<=1000;i++) printf "{\"id\":%d,\"to\":\"+1555%07d\",\"from\":\"+15550100\",\"body\":\"Your verification code is %06d\",\"sent_at\":\"2024-01-%02d 10:%02d:00\"}\n", i, 1000000+i, (i*7919)%1000000, i%28+1, i%60}' |
		curl -fsS "$@" "$b/?query=INSERT+INTO+smsgw.sms_logs+FORMAT+JSONEachRow" --data-binary @- >/dev/null
	awk 'BEGIN{for(i=1;i<=200;i++) printf "{\"id\":%d,\"name\":\"Customer %d\",\"email\":\"customer%d@example.com\",\"phone\":\"+1555%07d\",\"card\":\"4111 1111 1111 1111\"}\n", i, i, i, 2000000+i}' |
		curl -fsS "$@" "$b/?query=INSERT+INTO+crm.customers+FORMAT+JSONEachRow" --data-binary @- >/dev/null
	printf '%s\n' '{"key":"db_url","value":"postgres://smsgw:Sup3rS3cret!@db01.corp.internal:5432/smsgw"}' \
		'{"key":"sms_api_key","value":"sk_live_4eC39HqLyjWDarjtT1zdp7dc"}' '{"key":"smtp_password","value":"Mail2024!"}' |
		curl -fsS "$@" "$b/?query=INSERT+INTO+app.settings+FORMAT+JSONEachRow" --data-binary @- >/dev/null
}
seed http://127.77.1.10:8123
seed http://127.77.3.10:8005
seed http://127.77.2.10:8123 -u default:s3cret

env_out CLICKHOUSE_OPEN 127.77.1.10:8123
env_out CLICKHOUSE_AUTH 127.77.2.10:8123
env_out CLICKHOUSE_ODD 127.77.3.10:8005
env_out CLICKHOUSE_NATIVE_OPEN 127.77.1.10:9000
env_out CLICKHOUSE_NATIVE_AUTH 127.77.2.10:9000
env_out CLICKHOUSE_NATIVE_ODD 127.77.3.10:9001
env_out CLICKHOUSE_TABLES "smsgw.sms_logs:1000,crm.customers:200,app.settings:3"
