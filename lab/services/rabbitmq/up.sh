#!/usr/bin/env bash
# RabbitMQ 3.10 (Debian rabbitmq-server) with the management plug-in.
# Auth-required: the real management API on 127.77.2.15:15672 — guest/guest
# works there, but leakwatch never guesses passwords, so it is auth-required.
# Open: nginx on 127.77.1.15:15672 in front of it, injecting an administrator's
# Authorization header (a reverse-proxy misconfiguration seen in the wild): the
# API answers without credentials. Seeded: queues sms-outbound (100 messages)
# and billing-events (20), users ops (administrator) and billing-svc.
source "$LAB_DIR/common.sh"
IP=127.77.2.15
D=$LAB_DATA/node
rm -rf "$D"; mkdir -p "$D/mnesia" "$D/log" "$LAB_DATA/www"
cat >"$D/rabbitmq.conf" <<CONF
listeners.tcp.default = $IP:5672
management.tcp.ip = $IP
management.tcp.port = 15672
loopback_users.guest = false
CONF
echo '[rabbitmq_management].' >"$D/enabled_plugins"
chown -R rabbitmq: "$D"

# Its own epmd (port 14369) so nothing touches a system epmd on 4369.
export ERL_EPMD_PORT=14369
bg runuser -u rabbitmq -- epmd -address "$IP" -port 14369
wait_port "$IP" 14369
bg runuser -u rabbitmq -- env HOME="$D" ERL_EPMD_PORT=14369 RABBITMQ_NODENAME=lw15@localhost \
	RABBITMQ_BASE="$D" RABBITMQ_MNESIA_BASE="$D/mnesia" RABBITMQ_LOG_BASE="$D/log" \
	RABBITMQ_CONFIG_FILE="$D/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$D/enabled_plugins" \
	RABBITMQ_PID_FILE="$D/rabbit.pid" RABBITMQ_DIST_PORT=25672 \
	RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,77,2,15}" \
	/usr/lib/rabbitmq/bin/rabbitmq-server
A="http://$IP:15672"
wait_for 120 curl -fsS -u guest:guest "$A/api/overview"
[ -s "$D/rabbit.pid" ] && echo "$(cat "$D/rabbit.pid")" >>"$LAB_PIDS" # beam.smp, in case the launcher does not pass signals

api() { curl -fsS -u guest:guest -H 'content-type: application/json' "$@"; }
api -X PUT "$A/api/users/ops" -d '{"password":"Ops2024!","tags":"administrator"}'
api -X PUT "$A/api/users/billing-svc" -d '{"password":"Billing2024!","tags":""}'
api -X PUT "$A/api/permissions/%2F/ops" -d '{"configure":".*","write":".*","read":".*"}'
api -X PUT "$A/api/queues/%2F/sms-outbound" -d '{"durable":true}'
api -X PUT "$A/api/queues/%2F/billing-events" -d '{"durable":true}'
for i in $(seq 1 100); do
	printf '{"properties":{},"routing_key":"sms-outbound","payload":"{\\"to\\":\\"+1555%07d\\",\\"body\\":\\"Your verification code is %06d\\"}","payload_encoding":"string"}\n' \
		$((1000000 + i)) $((i * 7919 % 1000000))
done | while read -r msg; do api -X POST "$A/api/exchanges/%2F/amq.default/publish" -d "$msg" >/dev/null; done
for i in $(seq 1 20); do
	api -X POST "$A/api/exchanges/%2F/amq.default/publish" \
		-d "{\"properties\":{},\"routing_key\":\"billing-events\",\"payload\":\"{\\\"email\\\":\\\"customer$i@example.com\\\",\\\"amount\\\":$i.99}\",\"payload_encoding\":\"string\"}" >/dev/null
done
# Queue message counts are refreshed by the stats collector every few seconds.
wait_for 60 bash -c "curl -fsS -u guest:guest '$A/api/queues/%2F/sms-outbound' | grep -q '\"messages\":100'"
wait_for 60 bash -c "curl -fsS -u guest:guest '$A/api/queues/%2F/billing-events' | grep -q '\"messages\":20'"

cat >"$LAB_DATA/nginx.conf" <<NGINX
daemon off;
pid $LAB_DATA/nginx.pid;
error_log $LAB_DATA/nginx-error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $LAB_DATA/www; proxy_temp_path $LAB_DATA/www; fastcgi_temp_path $LAB_DATA/www;
	uwsgi_temp_path $LAB_DATA/www; scgi_temp_path $LAB_DATA/www;
	server {
		listen 127.77.1.15:15672;
		location / {
			proxy_pass http://$IP:15672;
			proxy_set_header Authorization "Basic $(printf 'ops:Ops2024!' | base64)";
		}
	}
}
NGINX
bg nginx -c "$LAB_DATA/nginx.conf" -e "$LAB_DATA/nginx-error.log"
wait_for 30 curl -fsS http://127.77.1.15:15672/api/overview

env_out RABBITMQ_OPEN 127.77.1.15:15672
env_out RABBITMQ_AUTH $IP:15672
env_out RABBITMQ_QUEUES "sms-outbound:100,billing-events:20"
