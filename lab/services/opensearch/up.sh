#!/usr/bin/env bash
# OpenSearch 2.19.6, a real node assembled from Maven Central jars (no
# distribution tarball is obtainable here): LabNode.java starts
# org.opensearch.node.Node with the Netty4 plugin, single-node, no security.
#   open instance  127.77.1.20:9200  the node itself (transport 9300)
#   auth instance  127.77.2.20:9200  nginx basic auth in front of it, with the
#                                    realm of the OpenSearch security plugin
#                                    (401, WWW-Authenticate: Basic realm="OpenSearch Security")
# Cold: ≈ 20-40 s of Maven downloads (cached under $LAB_CACHE/m2), then
# ≈ 15-30 s to start; RSS ≈ 0.7 GB with a 512 MB heap.
source "$LAB_DIR/common.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../zincsearch/seed-data.sh"
VERSION=2.19.6
PASS=s3cret
OPEN_IP=127.77.1.20 AUTH_IP=127.77.2.20
HOME_DIR="$LAB_CACHE/opensearch-$VERSION"

if [ ! -f "$HOME_DIR/lib/.complete" ]; then
	rm -rf "$HOME_DIR/lib"
	mvn -B -q -f "$HERE/pom.xml" -Dmaven.repo.local="$LAB_CACHE/m2" -Dopensearch.version=$VERSION \
		dependency:copy-dependencies -DoutputDirectory="$HOME_DIR/lib" -DincludeScope=runtime
	touch "$HOME_DIR/lib/.complete"
fi
if [ ! -f "$HOME_DIR/classes/LabNode.class" ] || [ "$HERE/LabNode.java" -nt "$HOME_DIR/classes/LabNode.class" ]; then
	mkdir -p "$HOME_DIR/classes"
	javac -d "$HOME_DIR/classes" -cp "$HOME_DIR/lib/*" "$HERE/LabNode.java"
fi

mkdir -p "$LAB_DATA/home/config" "$LAB_DATA/tmp"
: >"$LAB_DATA/home/config/opensearch.yml"
bg java -Xms512m -Xmx512m -XX:+UseSerialGC -Djava.io.tmpdir="$LAB_DATA/tmp" \
	-cp "$HOME_DIR/lib/*:$HOME_DIR/classes" LabNode "$LAB_DATA/home" $OPEN_IP 9200 9300 leakwatch-lab
wait_for 240 curl -fsS "http://$OPEN_IP:9200/"

seed_bulk | curl -fsS -H 'Content-Type: application/x-ndjson' --data-binary @- \
	"http://$OPEN_IP:9200/_bulk?refresh=true" | grep -q '"errors":false'
wait_for 30 bash -c "curl -fsS 'http://$OPEN_IP:9200/_cat/count/sms-logs-2024.01' | grep -q ' 1000$'"

mkdir -p "$LAB_DATA/nginx-tmp"
echo "admin:{PLAIN}$PASS" >"$LAB_DATA/htpasswd"
# HTTPS in front of the open node, as Elasticsearch 8 serves by default
# (self-signed): identification must find it without being told "https://".
TLS_IP=127.77.3.20
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=opensearch.lab" \
	-keyout "$LAB_DATA/tls.key" -out "$LAB_DATA/tls.crt" 2>/dev/null
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
		listen $AUTH_IP:9200;
		location / {
			auth_basic "OpenSearch Security";
			auth_basic_user_file $LAB_DATA/htpasswd;
			proxy_pass http://$OPEN_IP:9200;
		}
	}
	server {
		listen $TLS_IP:9200 ssl;
		ssl_certificate $LAB_DATA/tls.crt;
		ssl_certificate_key $LAB_DATA/tls.key;
		location / { proxy_pass http://$OPEN_IP:9200; }
	}
}
CONF
bg nginx -c "$LAB_DATA/nginx.conf"
wait_for 10 curl -fsS -u "admin:$PASS" "http://$AUTH_IP:9200/"
wait_for 10 curl -fsSk "https://$TLS_IP:9200/"

env_out OPENSEARCH_OPEN $OPEN_IP:9200
env_out OPENSEARCH_AUTH $AUTH_IP:9200
env_out OPENSEARCH_TLS $TLS_IP:9200
env_out OPENSEARCH_SEED "$(seed_counts)"
