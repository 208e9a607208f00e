#!/usr/bin/env bash
# Prometheus 2.42 (Debian) and VictoriaMetrics 1.79 (Debian), open and
# basic-auth variants. Prometheus: open 127.77.1.11:9090 (admin API on), auth
# 127.77.2.11:9090, odd port 127.77.3.11:8000. VictoriaMetrics: open
# 127.77.1.16:8428, auth 127.77.2.16:8428, odd port 127.77.3.16:8001.
# The internal scrape targets (db01.corp.internal...) are scraped once an hour
# at most, so the lab does not keep resolving names that do not exist.
source "$LAB_DIR/common.sh"
HASH=$(htpasswd -nbB admin s3cret | cut -d: -f2-)

prom_config() { # prom_config SELF_ADDR_OR_EMPTY
	cat <<YAML
global:
  scrape_interval: 2s
  external_labels: {cluster: prod-eu1, datacenter: fra1}
scrape_configs:
YAML
	[ -n "$1" ] && cat <<YAML
  - job_name: prometheus
    static_configs:
      - targets: ['$1']
        labels: {env: prod, team: payments}
YAML
	cat <<'YAML'
  - job_name: node
    scrape_interval: 1h
    static_configs:
      - targets: ['db01.corp.internal:9100', 'db02.corp.internal:9100', 'sms-gateway.corp.internal:9100']
        labels: {env: prod, team: payments}
  - job_name: billing-api
    scrape_interval: 1h
    scheme: https
    params: {api_key: ['sk_live_4eC39HqLyjWDarjtT1zdp7dc']}
    basic_auth: {username: billing, password: 'Billing2024!'}
    static_configs:
      - targets: ['billing.corp.internal:8443']
YAML
}

prom() { # prom NAME ADDR SELF EXTRA...
	local d=$LAB_DATA/$1; shift
	local addr=$1 self=$2; shift 2
	rm -rf "$d"; mkdir -p "$d"
	prom_config "$self" >"$d/prometheus.yml"
	bg prometheus --config.file="$d/prometheus.yml" --storage.tsdb.path="$d/tsdb" --web.listen-address="$addr" "$@"
}

prom open 127.77.1.11:9090 127.77.1.11:9090 --web.enable-admin-api
prom odd 127.77.3.11:8000 127.77.3.11:8000
mkdir -p "$LAB_DATA/auth"
printf 'basic_auth_users:\n  admin: %s\n' "$HASH" >"$LAB_DATA/auth-web.yml"
prom auth 127.77.2.11:9090 "" --web.config.file="$LAB_DATA/auth-web.yml"

vm() { # vm NAME ADDR EXTRA...
	local d=$LAB_DATA/vm-$1 addr=$2; shift 2
	rm -rf "$d"; mkdir -p "$d"
	prom_config "" >"$d/scrape.yml"
	bg victoria-metrics -httpListenAddr="$addr" -storageDataPath="$d/data" -promscrape.config="$d/scrape.yml" \
		-loggerLevel=ERROR "$@"
}
vm open 127.77.1.16:8428
vm odd 127.77.3.16:8001
vm auth 127.77.2.16:8428 -httpAuth.username=admin -httpAuth.password=s3cret

for a in 127.77.1.11:9090 127.77.3.11:8000 127.77.1.16:8428 127.77.3.16:8001; do wait_for 60 curl -fsS "http://$a/-/ready"; done
wait_for 60 curl -fsS -u admin:s3cret http://127.77.2.11:9090/-/ready
wait_for 60 curl -fsS -u admin:s3cret http://127.77.2.16:8428/health

# VictoriaMetrics: leak-shaped series pushed directly.
vm_seed() { # vm_seed ADDR [CURL AUTH ARGS]
	local a=$1; shift
	printf '%s\n' \
		'sms_sent_total{env="prod",team="payments",instance="sms-gateway.corp.internal:9100",carrier="+15550100"} 1042' \
		'db_connections{env="prod",team="payments",instance="db01.corp.internal:5432",dsn="postgres://smsgw@db01.corp.internal/smsgw"} 17' |
		curl -fsS "$@" --data-binary @- "http://$a/api/v1/import/prometheus"
	curl -fsS "$@" "http://$a/internal/force_flush" >/dev/null
}
vm_seed 127.77.1.16:8428
vm_seed 127.77.3.16:8001
vm_seed 127.77.2.16:8428 -u admin:s3cret

# Prometheus lists targets after its first discovery pass; wait for all 5.
for a in 127.77.1.11:9090 127.77.3.11:8000; do
	wait_for 60 bash -c "curl -fsS http://$a/api/v1/targets | grep -o scrapeUrl | wc -l | grep -qx 5"
	wait_for 60 bash -c "curl -fsS 'http://$a/api/v1/query?query=up' | grep -q '\"job\":\"prometheus\"'"
done
for a in 127.77.1.16:8428 127.77.3.16:8001; do
	wait_for 60 bash -c "curl -fsS 'http://$a/api/v1/series/count' | grep -q '\[2\]'"
done

env_out PROM_OPEN 127.77.1.11:9090
env_out PROM_AUTH 127.77.2.11:9090
env_out PROM_ODD 127.77.3.11:8000
env_out PROM_TARGETS 5
env_out VM_OPEN 127.77.1.16:8428
env_out VM_AUTH 127.77.2.16:8428
env_out VM_ODD 127.77.3.16:8001
env_out VM_SERIES 2
env_out VM_TARGETS 4
