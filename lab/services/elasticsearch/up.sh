#!/usr/bin/env bash
# Elasticsearch 7.17.29 (Apache-2.0 server jars on Maven Central), a real
# node assembled like the OpenSearch one: LabNode.java starts
# org.elasticsearch.node.Node with the Netty4 plugin, single-node, without
# x-pack (so without security: the classic open Elasticsearch 7).
#   open instance  127.77.1.21:9200 (transport 9300)
# Opt-in (heavy JVM): `lab/lab.sh up elasticsearch`.
source "$LAB_DIR/common.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../zincsearch/seed-data.sh"
VERSION=7.17.29
OPEN_IP=127.77.1.21
HOME_DIR="$LAB_CACHE/elasticsearch-$VERSION"

if [ ! -f "$HOME_DIR/lib/.complete" ]; then
	rm -rf "$HOME_DIR/lib"
	mvn -B -q -f "$HERE/pom.xml" -Dmaven.repo.local="$LAB_CACHE/m2" -Des.version=$VERSION \
		dependency:copy-dependencies -DoutputDirectory="$HOME_DIR/lib" -DincludeScope=runtime
	touch "$HOME_DIR/lib/.complete"
fi
if [ ! -f "$HOME_DIR/classes/LabNode.class" ] || [ "$HERE/LabNode.java" -nt "$HOME_DIR/classes/LabNode.class" ]; then
	mkdir -p "$HOME_DIR/classes"
	javac -d "$HOME_DIR/classes" -cp "$HOME_DIR/lib/*" "$HERE/LabNode.java"
fi

mkdir -p "$LAB_DATA/home/config" "$LAB_DATA/tmp"
: >"$LAB_DATA/home/config/elasticsearch.yml"
bg java -Xms512m -Xmx512m -XX:+UseSerialGC -Djava.io.tmpdir="$LAB_DATA/tmp" \
	-cp "$HOME_DIR/lib/*:$HOME_DIR/classes" LabNode "$LAB_DATA/home" $OPEN_IP 9200 9300 leakwatch-lab
wait_for 240 curl -fsS "http://$OPEN_IP:9200/"

seed_bulk | curl -fsS -H 'Content-Type: application/x-ndjson' --data-binary @- \
	"http://$OPEN_IP:9200/_bulk?refresh=true" | grep -q '"errors":false'
wait_for 30 bash -c "curl -fsS 'http://$OPEN_IP:9200/_cat/count/sms-logs-2024.01' | grep -q ' 1000$'"

env_out ES7_OPEN $OPEN_IP:9200
env_out ES7_SEED "$(seed_counts)"
