#!/usr/bin/env bash
# Solr 9.10.1, real nodes assembled from Maven Central jars (solr-test-framework
# brings solr-core and Solr's embedded Jetty runner; no distribution tarball is
# obtainable here). LabSolr.java runs three standalone nodes in ONE JVM:
#   open  127.77.1.17:8983  no security.json
#   auth  127.77.2.17:8983  Solr's own BasicAuthPlugin (security.json in the
#                           solr home, blockUnknown=true): anonymous → 401
#   odd   127.77.3.17:7000  open, on a port Solr never uses
# Cores: smsgw (SMS log), customers (e-mails), config (passwords, API keys).
# Measured cold (empty $LAB_CACHE): Maven 14 s (103 MB under $LAB_CACHE/m2), whole
# up.sh ≈ 25-30 s; warm restart ≈ 12-40 s depending on load. RSS ≈ 0.3-0.6 GB.
source "$LAB_DIR/common.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
VERSION=9.10.1
USER_PASS=solr:SolrRocks # the password of the Solr reference guide's security.json example
SMS=1000 CUSTOMERS=200 CONFIG=3
LIB="$LAB_CACHE/solr-$VERSION"

if [ ! -f "$LIB/lib/.complete" ]; then
	rm -rf "$LIB/lib"
	mvn -B -q -f "$HERE/pom.xml" -Dmaven.repo.local="$LAB_CACHE/m2" \
		dependency:copy-dependencies -DoutputDirectory="$LIB/lib" -DincludeScope=runtime
	touch "$LIB/lib/.complete"
fi
if [ ! -f "$LIB/classes/LabSolr.class" ] || [ "$HERE/LabSolr.java" -nt "$LIB/classes/LabSolr.class" ]; then
	mkdir -p "$LIB/classes"
	javac -d "$LIB/classes" -cp "$LIB/lib/*" "$HERE/LabSolr.java"
fi

home() { # home NAME: a solr home with the three cores
	local h=$LAB_DATA/$1 core
	rm -rf "$h"; mkdir -p "$h"
	echo '<solr></solr>' >"$h/solr.xml"
	for core in smsgw customers config; do
		mkdir -p "$h/$core"
		cp -r "$HERE/conf" "$h/$core/conf"
		echo "name=$core" >"$h/$core/core.properties"
	done
}
home open; home auth; home odd
cat >"$LAB_DATA/auth/security.json" <<'JSON'
{"authentication": {"blockUnknown": true, "class": "solr.BasicAuthPlugin", "realm": "solr",
  "credentials": {"solr": "IV0EHq1OnNrj6gvRCwvFwTrZ1+z1oBbnQdiVC3otuq0= Ndd7LKvVBAaZIF0QAVi1ekCfAJXr1GGfLtRUXhgrF8c="},
  "forwardCredentials": false},
 "authorization": {"class": "solr.RuleBasedAuthorizationPlugin",
  "permissions": [{"name": "all", "role": "admin"}], "user-role": {"solr": "admin"}}}
JSON

mkdir -p "$LAB_DATA/tmp"
bg java -Xms256m -Xmx512m -XX:+UseSerialGC -Djava.io.tmpdir="$LAB_DATA/tmp" -Dsolr.log.dir="$LAB_DATA" \
	-Dsolr.disable.shardsWhitelist=true -cp "$LIB/lib/*:$LIB/classes" LabSolr \
	"$LAB_DATA/open@127.77.1.17:8983" "$LAB_DATA/auth@127.77.2.17:8983" "$LAB_DATA/odd@127.77.3.17:7000"

sms() {
	awk -v n="$SMS" 'BEGIN{ printf "["; for(i=1;i<=n;i++) printf "%s{\"id\":\"msg-%05d\",\"from\":\"+1555%07d\",\"to\":\"+1555%07d\",\"body\":\"Your verification code is %06d\",\"sent_at\":\"2024-01-%02dT10:%02d:00Z\"}", (i>1?",":""), i, 1000000+i, 5000000+i, (i*7919)%1000000, 1+i%28, i%60; print "]" }'
}
customers() {
	awk -v n="$CUSTOMERS" 'BEGIN{ printf "["; for(i=1;i<=n;i++) printf "%s{\"id\":\"cust-%04d\",\"name\":\"Customer %d\",\"email\":\"customer%d@example.com\",\"phone\":\"+1555%07d\"}", (i>1?",":""), i, i, i, 2000000+i; print "]" }'
}
config() {
	echo '[{"id":"db","host":"db01.corp.internal","user":"smsgw","password":"Hunter42!prod"},
{"id":"api","provider":"twilio","api_key":"FAKEtok_9f8e7d6c5b4a39281706"},
{"id":"billing","url":"http://billing.corp.internal:8080","secret":"s3cr3t-billing-key"}]'
}
seed() { # seed BASE [curl args]
	local base=$1 core; shift
	for core in sms:smsgw customers:customers config:config; do
		"${core%%:*}" | curl -fsS "$@" -H 'Content-Type: application/json' --data-binary @- \
			"$base/${core#*:}/update?commit=true" >/dev/null
	done
}
wait_for 180 curl -fsS "http://127.77.1.17:8983/solr/admin/cores?action=STATUS"
wait_for 60 curl -fsS "http://127.77.3.17:7000/solr/admin/cores?action=STATUS"
wait_for 60 curl -fsS -u "$USER_PASS" "http://127.77.2.17:8983/solr/admin/cores?action=STATUS"
seed http://127.77.1.17:8983/solr
seed http://127.77.3.17:7000/solr
seed http://127.77.2.17:8983/solr -u "$USER_PASS"
curl -fsS "http://127.77.1.17:8983/solr/smsgw/select?q=*:*&rows=0" | grep -q "\"numFound\":$SMS"
# anonymous must be refused on the auth node
[ "$(curl -s -o /dev/null -w '%{http_code}' http://127.77.2.17:8983/solr/admin/cores)" = 401 ]

env_out SOLR_OPEN 127.77.1.17:8983
env_out SOLR_AUTH 127.77.2.17:8983
env_out SOLR_ODD 127.77.3.17:7000
env_out SOLR_CORES "smsgw:$SMS,customers:$CUSTOMERS,config:$CONFIG"
