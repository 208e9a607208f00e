#!/usr/bin/env bash
# ZincSearch v0.4.10 (Go module proxy, Apache-2.0): a real server with a
# partial Elasticsearch API under /es/.
#   auth instance  127.77.2.7:4080  ZincSearch itself (auth is always on)
#   open instance  127.77.1.7:9200  nginx → 127.77.1.7:4080/es/ injecting the
#                                   admin credentials: the shape of an "open
#                                   Elasticsearch" (anonymous banner, _search)
#   odd port       127.77.3.7:6379  the same open instance, to prove that
#                                   identification does not depend on the port
source "$LAB_DIR/common.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/seed-data.sh"
PASS=s3cret
bash "$HERE/build.sh"
ZINC="$LAB_CACHE/bin/zincsearch-0.4.10"

start_zinc() { # IP DATA_DIR
	mkdir -p "$2"
	(cd "$2" && ZINC_SERVER_ADDRESS=$1 ZINC_SERVER_PORT=4080 ZINC_DATA_PATH="$2" ZINC_SENTRY=false \
		ZINC_TELEMETRY=false ZINC_PROFILER=false ZINC_FIRST_ADMIN_USER=admin ZINC_FIRST_ADMIN_PASSWORD=$PASS \
		ZINC_PLUGIN_ES_VERSION=8.11.0 GIN_MODE=release bg "$ZINC")
	wait_for 30 curl -fsS "http://$1:4080/healthz"
}

seed() { # IP
	seed_bulk | curl -fsS -u "admin:$PASS" -H 'Content-Type: application/x-ndjson' \
		--data-binary @- "http://$1:4080/es/_bulk" >/dev/null
	# ZincSearch indexes asynchronously: wait until every document is counted.
	wait_for 30 bash -c "curl -fsS -u admin:$PASS 'http://$1:4080/api/index' | grep -q '\"doc_num\":1000'"
}

start_zinc 127.77.1.7 "$LAB_DATA/open"
start_zinc 127.77.2.7 "$LAB_DATA/auth"
seed 127.77.1.7
seed 127.77.2.7

mkdir -p "$LAB_DATA/nginx-tmp"
cat >"$LAB_DATA/nginx.conf" <<CONF
worker_processes 1;
daemon off;
user root;
pid $LAB_DATA/nginx.pid;
error_log $LAB_DATA/nginx-error.log;
events { worker_connections 256; }
http {
	access_log off;
	client_body_temp_path $LAB_DATA/nginx-tmp/body;
	proxy_temp_path $LAB_DATA/nginx-tmp/proxy;
	fastcgi_temp_path $LAB_DATA/nginx-tmp/fastcgi;
	uwsgi_temp_path $LAB_DATA/nginx-tmp/uwsgi;
	scgi_temp_path $LAB_DATA/nginx-tmp/scgi;
	server {
		listen 127.77.1.7:9200;
		listen 127.77.3.7:6379;
		location / {
			proxy_pass http://127.77.1.7:4080/es/;
			proxy_set_header Authorization "Basic $(printf 'admin:%s' "$PASS" | base64)";
		}
	}
}
CONF
bg nginx -c "$LAB_DATA/nginx.conf"
wait_for 10 curl -fsS http://127.77.1.7:9200/
wait_for 10 curl -fsS http://127.77.3.7:6379/

env_out ZINC_OPEN 127.77.1.7:9200
env_out ZINC_AUTH 127.77.2.7:4080
env_out ES_ODD 127.77.3.7:6379
env_out ZINC_SEED "$(seed_counts)"
