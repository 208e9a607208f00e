#!/usr/bin/env bash
# CouchDB-compatible servers (pouchdb-server from npm: real CouchDB is not in
# Debian 12). Open 127.77.1.8:5984 (admin party), auth 127.77.2.8:5984 (admin +
# per-db _security), the open variant again on an odd port 127.77.3.8:7000.
source "$LAB_DIR/common.sh"
VER=4.2.0
PREFIX=$LAB_CACHE/npm/pouchdb-server-$VER
BIN=$PREFIX/node_modules/.bin/pouchdb-server
if [ ! -x "$BIN" ]; then
	# Debian splits npm from nodejs; NodeSource's nodejs bundles it (and conflicts with Debian's npm).
	command -v npm >/dev/null || apt-get install -y -o DPkg::Lock::Timeout=600 --no-install-recommends npm
	mkdir -p "$PREFIX"
	# --ignore-scripts: leveldown ships its linux-x64 prebuilt binary; the install scripts only
	# try to build the optional sqlite3 adapter from source (3 min cold here, 8 s without).
	npm install --prefix "$PREFIX" --cache "$LAB_CACHE/npm-cache" --no-audit --no-fund --loglevel=error --ignore-scripts \
		"pouchdb-server@$VER" >"$LAB_DATA/npm.log" 2>&1
fi

start() { # start IP PORT DIR
	rm -rf "$3"; mkdir -p "$3" # fresh data: seeding is not idempotent
	echo "{\"log\":{\"file\":\"$3/couch.log\"}}" >"$3/config.json"
	(cd "$3" && bg "$BIN" --host "$1" --port "$2" --dir "$3" --config "$3/config.json" -n)
}

# Leak-shaped fake data, one _bulk_docs body per database.
sms_docs() {
	awk -v n="$1" 'BEGIN{printf "{\"docs\":["; for(i=1;i<=n;i++){ if(i>1) printf ","
	printf "{\"_id\":\"sms-%04d\",\"to\":\"+1555%07d\",\"from\":\"+15550100\",\"body\":\"Your verification code is %06d. Your password is Hunter%02d!\",\"status\":\"delivered\",\"sent_at\":\"2024-01-%02dT10:%02d:00Z\"}", i, 1000000+i, (i*7919)%1000000, i%100, i%28+1, i%60 }
	printf "]}"}'
}
customer_docs() {
	awk -v n="$1" 'BEGIN{printf "{\"docs\":["; for(i=1;i<=n;i++){ if(i>1) printf ","
	printf "{\"_id\":\"cust-%03d\",\"name\":\"Customer %d\",\"email\":\"customer%d@example.com\",\"phone\":\"+1555%07d\",\"card\":\"4111 1111 1111 1111\"}", i, i, i, 2000000+i }
	printf "]}"}'
}
config_docs() {
	cat <<'JSON'
{"docs":[{"_id":"app-config","db_host":"db01.corp.internal","db_user":"smsgw","db_password":"Sup3rS3cret!","smtp_host":"mail.corp.internal","api_key":"sk_live_4eC39HqLyjWDarjtT1zdp7dc","aws_secret_access_key":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}]}
JSON
}

seed() { # seed BASEURL
	local u=$1 db
	for db in smsgw customers config; do curl -fsS -X PUT "$u/$db" >/dev/null; done
	sms_docs 1000 | curl -fsS -X POST "$u/smsgw/_bulk_docs" -H 'Content-Type: application/json' --data-binary @- >/dev/null
	customer_docs 50 | curl -fsS -X POST "$u/customers/_bulk_docs" -H 'Content-Type: application/json' --data-binary @- >/dev/null
	config_docs | curl -fsS -X POST "$u/config/_bulk_docs" -H 'Content-Type: application/json' --data-binary @- >/dev/null
}

start 127.77.1.8 5984 "$LAB_DATA/open"
start 127.77.2.8 5984 "$LAB_DATA/auth"
start 127.77.3.8 7000 "$LAB_DATA/odd"
for a in 127.77.1.8:5984 127.77.2.8:5984 127.77.3.8:7000; do wait_for 60 curl -fsS "http://$a/"; done
for a in 127.77.1.8:5984 127.77.2.8:5984 127.77.3.8:7000; do seed "http://$a"; done

# Open instances: a user document in _users (readable in the admin party).
for a in 127.77.1.8:5984 127.77.3.8:7000; do
	curl -fsS -X PUT "http://$a/_users/org.couchdb.user:alice" -H 'Content-Type: application/json' \
		-d '{"_id":"org.couchdb.user:alice","name":"alice","type":"user","roles":["billing"],"password":"Alice2024!"}' >/dev/null
done

# Auth instance: end the admin party, then restrict every database to admin.
A=http://127.77.2.8:5984
curl -fsS -X PUT "$A/_config/admins/admin" -d '"s3cret"' >/dev/null
for db in smsgw customers config; do
	curl -fsS -u admin:s3cret -X PUT "$A/$db/_security" -H 'Content-Type: application/json' \
		-d '{"admins":{"names":["admin"],"roles":[]},"members":{"names":["admin"],"roles":[]}}' >/dev/null
done
code=$(curl -s -o /dev/null -w '%{http_code}' "$A/smsgw/_all_docs")
[ "$code" = 401 ] || { echo "auth instance still readable ($code)"; exit 1; }

env_out COUCHDB_OPEN 127.77.1.8:5984
env_out COUCHDB_AUTH 127.77.2.8:5984
env_out COUCHDB_ODD 127.77.3.8:7000
env_out COUCHDB_DBS "smsgw:1000,customers:50,config:1"
