#!/usr/bin/env bash
# S3-compatible stores. Open: gofakes3 (no authentication at all) on
# 127.77.1.13:9000 and on the odd port 127.77.3.13:8003. Auth-required:
# versitygw (real SigV4: anonymous requests get AccessDenied XML) on
# 127.77.2.13:7070 — an nginx basic-auth front would answer a generic 401
# that no S3 client (nor leakwatch) could tell from any other web server.
# Also a plain nginx on 127.77.3.13:8080 answering 404 everywhere (HTTP404),
# for the HTTP probes' "must not claim a random web server" tests.
source "$LAB_DIR/common.sh"
BIN=$LAB_CACHE/bin
mkdir -p "$BIN"
[ -x "$BIN/gofakes3" ] || GOBIN=$BIN go install github.com/johannesboyne/gofakes3/cmd/gofakes3@v1.2.0
[ -x "$BIN/versitygw" ] || GOBIN=$BIN go install github.com/versity/versitygw/cmd/versitygw@v1.8.0

fake() { # fake NAME ADDR
	local d=$LAB_DATA/$1; rm -rf "$d"; mkdir -p "$d"
	bg "$BIN/gofakes3" -backend bolt -bolt.db "$d/s3.db" -host "$2" -quiet
}
fake open 127.77.1.13:9000
fake odd 127.77.3.13:8003
rm -rf "$LAB_DATA/vgw"; mkdir -p "$LAB_DATA/vgw"
bg "$BIN/versitygw" --port 127.77.2.13:7070 --access admin --secret s3cretkey --quiet --health /health posix "$LAB_DATA/vgw"

mkdir -p "$LAB_DATA/www"
cat >"$LAB_DATA/nginx.conf" <<NGINX
daemon off;
pid $LAB_DATA/nginx.pid;
error_log $LAB_DATA/nginx-error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $LAB_DATA/www; proxy_temp_path $LAB_DATA/www; fastcgi_temp_path $LAB_DATA/www;
	uwsgi_temp_path $LAB_DATA/www; scgi_temp_path $LAB_DATA/www;
	server { listen 127.77.3.13:8080; root $LAB_DATA/www; location / { return 404; } }
}
NGINX
bg nginx -c "$LAB_DATA/nginx.conf" -e "$LAB_DATA/nginx-error.log"

wait_for 60 curl -fsS http://127.77.1.13:9000/
wait_for 60 curl -fsS http://127.77.3.13:8003/
wait_for 60 curl -fsS http://127.77.2.13:7070/health
wait_port 127.77.3.13 8080

# Leak-shaped objects, written once into $LAB_DATA/objects and uploaded with
# one curl process per store (a curl config file with one url per object).
O=$LAB_DATA/objects; rm -rf "$O"; mkdir -p "$O/sms"
awk -v dir="$O/sms" 'BEGIN{for(i=1;i<=1000;i++){
	f=sprintf("%s/sms-%04d.json", dir, i)
	printf "{\"id\":%d,\"to\":\"+1555%07d\",\"from\":\"+15550100\",\"body\":\"Your verification code is %06d\",\"sent_at\":\"2024-01-%02dT10:%02d:00Z\"}\n", i, 1000000+i, (i*7919)%1000000, i%28+1, i%60 > f
	close(f) }}'
cat "$O"/sms/*.json >"$O/sms-dump.ndjson"
awk 'BEGIN{print "id,name,email,phone,card"; for(i=1;i<=200;i++) printf "%d,Customer %d,customer%d@example.com,+1555%07d,4111 1111 1111 1111\n", i, i, i, 2000000+i}' >"$O/customers.csv"
cat >"$O/production.env" <<'ENV'
DB_HOST=db01.corp.internal
DB_USER=smsgw
DB_PASSWORD=Sup3rS3cret!
SMS_API_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc
AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
ENV
head -c 4096 /dev/urandom >"$O/backup.tar.gz"

uploads() { # the curl config: bucket "sms-archive" (1001), "customer-exports" (2), "app-config" (1)
	local base=$1 f
	for f in "$O"/sms/*.json; do printf 'url = "%s/sms-archive/sms/2024-01/%s"\nupload-file = "%s"\n' "$base" "${f##*/}" "$f"; done
	printf 'url = "%s/sms-archive/exports/sms-dump.ndjson"\nupload-file = "%s"\n' "$base" "$O/sms-dump.ndjson"
	printf 'url = "%s/customer-exports/customers.csv"\nupload-file = "%s"\n' "$base" "$O/customers.csv"
	printf 'url = "%s/customer-exports/backup.tar.gz"\nupload-file = "%s"\n' "$base" "$O/backup.tar.gz"
	printf 'url = "%s/app-config/config/production.env"\nupload-file = "%s"\n' "$base" "$O/production.env"
}
seed() { # seed BASE [curl auth args]
	local base=$1 b; shift
	for b in sms-archive customer-exports app-config; do curl -fsS "$@" -X PUT "$base/$b" >/dev/null; done
	uploads "$base" | curl -fsS "$@" -K - >/dev/null
}
seed http://127.77.1.13:9000
seed http://127.77.3.13:8003
seed http://127.77.2.13:7070 --aws-sigv4 aws:amz:us-east-1:s3 --user admin:s3cretkey -H "x-amz-content-sha256: UNSIGNED-PAYLOAD"

env_out S3_OPEN 127.77.1.13:9000
env_out S3_AUTH 127.77.2.13:7070
env_out S3_ODD 127.77.3.13:8003
env_out S3_BUCKETS "sms-archive:1001,customer-exports:2,app-config:1"
env_out HTTP404 127.77.3.13:8080
