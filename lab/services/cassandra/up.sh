#!/usr/bin/env bash
# Apache Cassandra 5.0.5, a real node from Maven Central jars (cassandra-all;
# no tarball is obtainable here), started with its own CassandraDaemon main.
# 4.1.x was tried first and dies on Java 17 (jamm cannot size hidden classes);
# 5.0 supports Java 17 with the JVM flags in jvm17.options.
#   open  127.77.1.18:9042  AllowAllAuthenticator
#   auth  127.77.2.18:9042  PasswordAuthenticator (STARTUP → AUTHENTICATE)
# No odd-port instance: a third JVM costs too much here (one native port each).
# Seeded by seed/ (a tiny Go CQL client): keyspaces smsgw (sms_logs), crm
# (customers), app (settings with passwords and API keys).
# Not opt-in: two JVMs of ≈ 0.9 GB RSS each. Measured from an empty $LAB_CACHE:
# 27 s in all (Maven 9 s, 82 MB; boot of both nodes and seed ≈ 18 s); 45 s warm under load 10.
source "$LAB_DIR/common.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
VERSION=5.0.5
SMS=1000 CUSTOMERS=200 SETTINGS=3
LIB="$LAB_CACHE/cassandra-$VERSION"

if [ ! -f "$LIB/lib/.complete" ]; then
	rm -rf "$LIB/lib"
	mvn -B -q -f "$HERE/pom.xml" -Dmaven.repo.local="$LAB_CACHE/m2" -Dcassandra.version=$VERSION \
		dependency:copy-dependencies -DoutputDirectory="$LIB/lib" -DincludeScope=runtime
	touch "$LIB/lib/.complete"
fi
mkdir -p "$LAB_CACHE/bin"
(cd "$LAB_DIR/.." && go build -o "$LAB_CACHE/bin/cassandra-seed" ./lab/services/cassandra/seed)

start() { # start NAME IP AUTHENTICATOR
	local d=$LAB_DATA/$1
	mkdir -p "$d"
	sed -e "s|@IP@|$2|g" -e "s|@DIR@|$d|g" -e "s|@AUTH@|$3|" "$HERE/cassandra.yaml.in" >"$d/cassandra.yaml"
	bg java -Xms512m -Xmx512m -XX:+UseSerialGC -Xss512k @"$HERE/jvm17.options" \
		-Dcassandra.config="file://$d/cassandra.yaml" -Dcassandra.storagedir="$d" -Dcassandra-foreground=yes \
		-Dcassandra.skip_wait_for_gossip_to_settle=0 -Dcassandra.superuser_setup_delay_ms=0 \
		-Dcassandra.ring_delay_ms=100 -Djava.io.tmpdir="$d" -Dlogback.configurationFile="$HERE/logback.xml" \
		-cp "$LIB/lib/*" org.apache.cassandra.service.CassandraDaemon
}

statements() {
	echo "CREATE KEYSPACE IF NOT EXISTS smsgw WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"
	echo "CREATE KEYSPACE IF NOT EXISTS crm WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"
	echo "CREATE KEYSPACE IF NOT EXISTS app WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"
	echo "CREATE TABLE IF NOT EXISTS smsgw.sms_logs (id uuid PRIMARY KEY, sender text, recipient text, body text, sent_at timestamp, delivered boolean, parts int)"
	echo "CREATE TABLE IF NOT EXISTS crm.customers (id bigint PRIMARY KEY, name text, email text, phone text, balance double)"
	echo "CREATE TABLE IF NOT EXISTS app.settings (name text PRIMARY KEY, value text)"
	awk -v n="$SMS" 'BEGIN{ for(i=1;i<=n;i++) printf "INSERT INTO smsgw.sms_logs (id, sender, recipient, body, sent_at, delivered, parts) VALUES (%08x-0000-4000-8000-%012x, %c+1555%07d%c, %c+1555%07d%c, %cYour verification code is %06d%c, %d, %s, 1)\n", i, i, 39, 1000000+i, 39, 39, 5000000+i, 39, 39, (i*7919)%1000000, 39, 1704103200000+i*60000, (i%3?"true":"false") }'
	awk -v n="$CUSTOMERS" 'BEGIN{ for(i=1;i<=n;i++) printf "INSERT INTO crm.customers (id, name, email, phone, balance) VALUES (%d, %cCustomer %d%c, %ccustomer%d@example.com%c, %c+1555%07d%c, %d.5)\n", i, 39, i, 39, 39, i, 39, 39, 2000000+i, 39, i*10 }'
	echo "INSERT INTO app.settings (name, value) VALUES ('db', 'postgres://smsgw:Hunter42!prod@db01.corp.internal:5432/smsgw')"
	echo "INSERT INTO app.settings (name, value) VALUES ('twilio_api_key', 'FAKEtok_9f8e7d6c5b4a39281706')"
	echo "INSERT INTO app.settings (name, value) VALUES ('billing_url', 'http://billing.corp.internal:8080')"
}

start open 127.77.1.18 AllowAllAuthenticator
start auth 127.77.2.18 PasswordAuthenticator
wait_port 127.77.1.18 9042 240
statements | "$LAB_CACHE/bin/cassandra-seed" 127.77.1.18:9042
wait_port 127.77.2.18 9042 240
# the default superuser (cassandra/cassandra) appears a moment after the port opens
wait_for 60 bash -c 'echo "SELECT now() FROM system.local" | "$0" 127.77.2.18:9042 cassandra cassandra' "$LAB_CACHE/bin/cassandra-seed"
statements | "$LAB_CACHE/bin/cassandra-seed" 127.77.2.18:9042 cassandra cassandra

env_out CASSANDRA_OPEN 127.77.1.18:9042
env_out CASSANDRA_AUTH 127.77.2.18:9042
env_out CASSANDRA_TABLES "smsgw.sms_logs:$SMS,crm.customers:$CUSTOMERS,app.settings:$SETTINGS"
