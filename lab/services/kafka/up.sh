#!/usr/bin/env bash
# Apache Kafka 4.1.1 in KRaft mode (broker + controller in one JVM), from
# Maven Central jars (kafka_2.13 and its dependencies; no tarball is obtainable
# here), started with kafka.Kafka and a server.properties. One broker, four
# listeners:
#   open  127.77.1.19:9092  PLAINTEXT
#   sasl  127.77.2.19:9093  SASL_PLAINTEXT, PLAIN (ApiVersions answers, Metadata
#                           before SaslHandshake makes the broker close)
#   odd   127.77.3.19:6000  PLAINTEXT on a port Kafka never uses
#   controller 127.77.1.19:9094 (Kafka refuses two listeners on one port, even on
#   different addresses, so the SASL listener cannot use 9092 too)
# Seeded by LabSeed.java (Kafka's own producer): sms-logs (3 partitions),
# customer-events, app-config (gzip batches). Not opt-in: measured from an empty
# $LAB_CACHE, Maven 5 s (56 MB), format + boot + seed 6-8 s; RSS ≈ 0.65 GB.
# (The seeder runs under timeout 180 so a hung broker fails the service, not the lab.)
source "$LAB_DIR/common.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
VERSION=4.1.1
SMS=100 CUSTOMERS=20 CONFIG=3
LIB="$LAB_CACHE/kafka-$VERSION"

if [ ! -f "$LIB/lib/.complete" ]; then
	rm -rf "$LIB/lib"
	mvn -B -q -f "$HERE/pom.xml" -Dmaven.repo.local="$LAB_CACHE/m2" -Dkafka.version=$VERSION \
		dependency:copy-dependencies -DoutputDirectory="$LIB/lib" -DincludeScope=runtime
	touch "$LIB/lib/.complete"
fi
if [ ! -f "$LIB/classes/LabSeed.class" ] || [ "$HERE/LabSeed.java" -nt "$LIB/classes/LabSeed.class" ]; then
	mkdir -p "$LIB/classes"
	javac -d "$LIB/classes" -cp "$LIB/lib/*" "$HERE/LabSeed.java"
fi

mkdir -p "$LAB_DATA/logs"
rm -rf "$LAB_DATA/logs"/*
cat >"$LAB_DATA/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.77.1.19:9094
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.77.1.19:9092,SASL://127.77.2.19:9093,ODD://127.77.3.19:6000,CONTROLLER://127.77.1.19:9094
advertised.listeners=PLAINTEXT://127.77.1.19:9092,SASL://127.77.2.19:9093,ODD://127.77.3.19:6000
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL:SASL_PLAINTEXT,ODD:PLAINTEXT,CONTROLLER:PLAINTEXT
sasl.enabled.mechanisms=PLAIN
listener.name.sasl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_admin="s3cret";
log.dirs=$LAB_DATA/logs
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
JAVA=(java -Xms256m -Xmx512m -XX:+UseSerialGC -Djava.io.tmpdir="$LAB_DATA" -cp "$LIB/lib/*:$LIB/classes")
"${JAVA[@]}" kafka.tools.StorageTool format -t "$("${JAVA[@]}" kafka.tools.StorageTool random-uuid)" \
	-c "$LAB_DATA/server.properties" >"$LAB_DATA/format.log" 2>&1
bg "${JAVA[@]}" kafka.Kafka "$LAB_DATA/server.properties"
wait_port 127.77.1.19 9092 180
timeout 180 "${JAVA[@]}" LabSeed 127.77.1.19:9092 "$SMS" "$CUSTOMERS" >"$LAB_DATA/seed.log" 2>&1

env_out KAFKA_OPEN 127.77.1.19:9092
env_out KAFKA_SASL 127.77.2.19:9093
env_out KAFKA_ODD 127.77.3.19:6000
env_out KAFKA_TOPICS "sms-logs:$SMS,customer-events:$CUSTOMERS,app-config:$CONFIG"
