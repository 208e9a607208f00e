#!/usr/bin/env bash
# Docker registry 2.8 (Debian docker-registry): open 127.77.1.12:5000, htpasswd
# auth 127.77.2.12:5000, open again on the odd port 127.77.3.12:8002. Images
# are pushed with curl through the registry API (no Docker engine needed):
# one small layer, an image config whose Env carries leak-shaped secrets.
source "$LAB_DIR/common.sh"

start() { # start NAME ADDR [htpasswd-file]
	local d=$LAB_DATA/$1
	rm -rf "$d"; mkdir -p "$d/storage"
	{
		printf 'version: 0.1\nlog: {level: error}\nstorage:\n  filesystem: {rootdirectory: %s}\n' "$d/storage"
		printf 'http:\n  addr: %s\n  headers: {X-Content-Type-Options: [nosniff]}\n' "$2"
		[ -n "${3:-}" ] && printf 'auth:\n  htpasswd: {realm: basic-realm, path: %s}\n' "$3"
	} >"$d/config.yml"
	bg docker-registry serve "$d/config.yml"
}

htpasswd -cbB "$LAB_DATA/htpasswd" admin s3cret 2>/dev/null
start open 127.77.1.12:5000
start auth 127.77.2.12:5000 "$LAB_DATA/htpasswd"
start odd 127.77.3.12:8002
for a in 127.77.1.12:5000 127.77.3.12:8002; do wait_for 60 curl -fsS "http://$a/v2/"; done
wait_for 60 curl -fsS -u admin:s3cret http://127.77.2.12:5000/v2/

# push_blob BASE REPO FILE [curl auth args]: monolithic upload, prints the digest.
push_blob() {
	local base=$1 repo=$2 f=$3; shift 3
	local dg loc
	dg=sha256:$(sha256sum "$f" | cut -d' ' -f1)
	loc=$(curl -fsS "$@" -X POST -D - -o /dev/null "$base/v2/$repo/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
	case $loc in http*) ;; *) loc=$base$loc ;; esac
	case $loc in *\?*) loc="$loc&digest=$dg" ;; *) loc="$loc?digest=$dg" ;; esac
	curl -fsS "$@" -X PUT -H 'Content-Type: application/octet-stream' --data-binary @"$f" "$loc" >/dev/null
	echo "$dg"
}

# push_image BASE REPO TAG CREATED [curl auth args]
push_image() {
	local base=$1 repo=$2 tag=$3 created=$4; shift 4
	local w=$LAB_DATA/img; mkdir -p "$w/root/app"
	cat >"$w/root/app/config.yml" <<YAML
database: postgres://smsgw:Sup3rS3cret!@db01.corp.internal:5432/smsgw
sms_api_key: sk_live_4eC39HqLyjWDarjtT1zdp7dc
YAML
	tar -C "$w/root" --mtime=2024-01-15 --owner=0 --group=0 -cf - app | gzip -n >"$w/layer.tgz"
	local diffid; diffid=sha256:$(gzip -dc "$w/layer.tgz" | sha256sum | cut -d' ' -f1)
	cat >"$w/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"$created","config":{"Env":["PATH=/usr/bin:/bin","DB_HOST=db01.corp.internal","DB_PASSWORD=Sup3rS3cret!","AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"],"Labels":{"maintainer":"ops@example.com","team":"payments"},"Cmd":["/app/run"]},"rootfs":{"type":"layers","diff_ids":["$diffid"]},"history":[{"created":"$created","created_by":"COPY app /app"}]}
JSON
	local cdg ldg
	cdg=$(push_blob "$base" "$repo" "$w/config.json" "$@")
	ldg=$(push_blob "$base" "$repo" "$w/layer.tgz" "$@")
	cat >"$w/manifest.json" <<JSON
{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":$(stat -c %s "$w/config.json"),"digest":"$cdg"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":$(stat -c %s "$w/layer.tgz"),"digest":"$ldg"}]}
JSON
	curl -fsS "$@" -X PUT -H 'Content-Type: application/vnd.docker.distribution.manifest.v2+json' \
		--data-binary @"$w/manifest.json" "$base/v2/$repo/manifests/$tag" >/dev/null
}

seed() { # seed BASE [curl auth args]
	local b=$1; shift
	push_image "$b" smsgw/api 1.4.1 2024-01-10T09:00:00Z "$@"
	push_image "$b" smsgw/api 1.4.2 2024-01-15T09:00:00Z "$@"
	push_image "$b" smsgw/api latest 2024-01-15T09:00:00Z "$@"
	push_image "$b" internal/billing-worker latest 2023-11-02T12:00:00Z "$@"
	push_image "$b" customers/export-job 2024-01 2024-01-31T23:00:00Z "$@"
}
seed http://127.77.1.12:5000
seed http://127.77.3.12:8002
seed http://127.77.2.12:5000 -u admin:s3cret

env_out REGISTRY_OPEN 127.77.1.12:5000
env_out REGISTRY_AUTH 127.77.2.12:5000
env_out REGISTRY_ODD 127.77.3.12:8002
env_out REGISTRY_REPOS "smsgw/api:3,internal/billing-worker:1,customers/export-job:1"
