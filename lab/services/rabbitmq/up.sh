#!/usr/bin/env bash
# RabbitMQ 3.10 (Debian rabbitmq-server) with the management plug-in, two nodes.
# Open: a stock node on 127.77.1.15:15672 — only the listen addresses are set,
# so its documented default user guest/guest exists and, as RabbitMQ allows by
# default, logs in from loopback (127.0.0.0/8). leakwatch tries exactly that
# once (not with --no-default-credentials).
# Auth-required: a node on 127.77.2.15:15672 whose config names another
# default user (default_user/default_pass), so no guest user is ever created.
# Both seeded: queues sms-outbound (100 messages) and billing-events (20),
# users ops (administrator) and billing-svc.
source "$LAB_DIR/common.sh"
OPEN_IP=127.77.1.15
AUTH_IP=127.77.2.15
ADMIN=ops ADMIN_PASS='Ops2024!'
rm -rf "$LAB_DATA/open" "$LAB_DATA/auth" "$LAB_DATA/node" "$LAB_DATA/www" "$LAB_DATA/nginx.conf"

# One epmd (port 14369) for both nodes, so nothing touches a system epmd on 4369.
export ERL_EPMD_PORT=14369
bg runuser -u rabbitmq -- epmd -address "$AUTH_IP" -port 14369
wait_port "$AUTH_IP" 14369

# node NAME IP DIST_PORT [EXTRA_CONF]: write the config and start the node.
node() {
	local name=$1 ip=$2 dist=$3 extra=${4:-} d="$LAB_DATA/$1"
	mkdir -p "$d/mnesia" "$d/log"
	{
		echo "listeners.tcp.default = $ip:5672"
		echo "management.tcp.ip = $ip"
		echo "management.tcp.port = 15672"
		[ -z "$extra" ] || printf '%s\n' "$extra"
	} >"$d/rabbitmq.conf"
	echo '[rabbitmq_management].' >"$d/enabled_plugins"
	chown -R rabbitmq: "$d"
	bg runuser -u rabbitmq -- env HOME="$d" ERL_EPMD_PORT=14369 RABBITMQ_NODENAME="lw15$name@localhost" \
		RABBITMQ_BASE="$d" RABBITMQ_MNESIA_BASE="$d/mnesia" RABBITMQ_LOG_BASE="$d/log" \
		RABBITMQ_CONFIG_FILE="$d/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$d/enabled_plugins" \
		RABBITMQ_PID_FILE="$d/rabbit.pid" RABBITMQ_DIST_PORT="$dist" \
		RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {${ip//./,}}" \
		/usr/lib/rabbitmq/bin/rabbitmq-server
}
node open "$OPEN_IP" 25672
node auth "$AUTH_IP" 25673 "default_user = $ADMIN
default_pass = $ADMIN_PASS
default_user_tags.administrator = true
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*"

# seed URL USER:PASS: users (ops only where it is not the default user
# already), queues and leak-shaped messages.
seed() {
	local a=$1 cred=$2 i
	api() { curl -fsS -u "$cred" -H 'content-type: application/json' "$@"; }
	wait_for 120 api "$a/api/overview"
	api -X PUT "$a/api/users/$ADMIN" -d "{\"password\":\"$ADMIN_PASS\",\"tags\":\"administrator\"}"
	api -X PUT "$a/api/users/billing-svc" -d '{"password":"Billing2024!","tags":""}'
	api -X PUT "$a/api/permissions/%2F/$ADMIN" -d '{"configure":".*","write":".*","read":".*"}'
	api -X PUT "$a/api/queues/%2F/sms-outbound" -d '{"durable":true}'
	api -X PUT "$a/api/queues/%2F/billing-events" -d '{"durable":true}'
	for i in $(seq 1 100); do
		printf '{"properties":{},"routing_key":"sms-outbound","payload":"{\\"to\\":\\"+1555%07d\\",\\"body\\":\\"Your verification code is %06d\\"}","payload_encoding":"string"}\n' \
			$((1000000 + i)) $((i * 7919 % 1000000))
	done | while read -r msg; do api -X POST "$a/api/exchanges/%2F/amq.default/publish" -d "$msg" >/dev/null; done
	for i in $(seq 1 20); do
		api -X POST "$a/api/exchanges/%2F/amq.default/publish" \
			-d "{\"properties\":{},\"routing_key\":\"billing-events\",\"payload\":\"{\\\"email\\\":\\\"customer$i@example.com\\\",\\\"amount\\\":$i.99}\",\"payload_encoding\":\"string\"}" >/dev/null
	done
	# Queue message counts are refreshed by the stats collector every few seconds.
	wait_for 60 bash -c "curl -fsS -u '$cred' '$a/api/queues/%2F/sms-outbound' | grep -q '\"messages\":100'"
	wait_for 60 bash -c "curl -fsS -u '$cred' '$a/api/queues/%2F/billing-events' | grep -q '\"messages\":20'"
}
seed "http://$OPEN_IP:15672" guest:guest & open_seed=$!
seed "http://$AUTH_IP:15672" "$ADMIN:$ADMIN_PASS" & auth_seed=$!
wait "$open_seed"
wait "$auth_seed"
for n in open auth; do # beam.smp, in case the launcher does not pass signals
	[ -s "$LAB_DATA/$n/rabbit.pid" ] && echo "$(cat "$LAB_DATA/$n/rabbit.pid")" >>"$LAB_PIDS"
done
# The auth node really has no guest user: the default credentials are refused.
code=$(curl -sS -o /dev/null -w '%{http_code}' -u guest:guest "http://$AUTH_IP:15672/api/overview")
[ "$code" = 401 ] || { echo "auth node answered guest/guest with HTTP $code" >&2; exit 1; }

env_out RABBITMQ_OPEN "$OPEN_IP:15672"
env_out RABBITMQ_AUTH "$AUTH_IP:15672"
env_out RABBITMQ_QUEUES "sms-outbound:100,billing-events:20"
