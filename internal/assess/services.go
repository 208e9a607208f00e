package assess

import "strings"

// ServiceAdvice is what the owner of one kind of datastore must change, and
// how to check the fix from outside. Steps and Verify may use {ip}, {port}
// and {addr} (ip:port); text in backticks is a setting or a command.
type ServiceAdvice struct {
	Names  []string // probe ids and product names (lower case) this entry covers
	Label  string
	Steps  []string
	Verify []string
}

// Firewall is the first step for every datastore: it stops the leak at once,
// before any reconfiguration.
const Firewall = "Firewall the port now: allow {port}/tcp on {ip} only from the hosts that need it (cloud security group or host firewall). This stops the leak before any other change."

// ServiceAdvices is the remediation table (docs/severity.md lists it).
var ServiceAdvices = []ServiceAdvice{
	{Names: []string{"elasticsearch"}, Label: "Elasticsearch",
		Steps: []string{
			"Turn on security in `elasticsearch.yml`: `xpack.security.enabled: true`, set the built-in users' passwords (`bin/elasticsearch-reset-password -u elastic`) and enable TLS (`xpack.security.http.ssl.enabled: true`).",
			"Bind to a private interface: `network.host: 127.0.0.1` (or a private address), never `0.0.0.0`.",
			"Give each application a user whose role only reaches its own indices.",
		},
		Verify: []string{"`curl -s -o /dev/null -w '%{http_code}' http://{addr}/_cat/indices` must print 401."}},
	{Names: []string{"opensearch"}, Label: "OpenSearch",
		Steps: []string{
			"Keep the security plugin on: remove `plugins.security.disabled: true` from `opensearch.yml`, configure users with `securityadmin.sh` and replace the demo `admin:admin` credentials.",
			"Bind to a private interface: `network.host: 127.0.0.1` (or a private address).",
		},
		Verify: []string{"`curl -s -o /dev/null -w '%{http_code}' http://{addr}/_cat/indices` must print 401."}},
	{Names: []string{"zincsearch"}, Label: "ZincSearch",
		Steps: []string{
			"ZincSearch itself requires a login (`ZINC_FIRST_ADMIN_USER`): remove the proxy or gateway in front of it that answers without credentials, or make it require them.",
			"Listen on a private address only (`ZINC_SERVER_ADDRESS=127.0.0.1`).",
		},
		Verify: []string{"`curl -s -o /dev/null -w '%{http_code}' http://{addr}/api/index` must print 401."}},
	{Names: []string{"mongodb", "mongo"}, Label: "MongoDB",
		Steps: []string{
			"Create an administrator, then turn on authorization in `mongod.conf`: `security.authorization: enabled`, and restart.",
			"Listen on private addresses only: `net.bindIp: 127.0.0.1` (plus private addresses), never `net.bindIpAll: true` or `0.0.0.0`.",
		},
		Verify: []string{"`mongosh --host {ip} --port {port} --eval 'db.adminCommand({listDatabases: 1})'` must fail with \"requires authentication\"."}},
	{Names: []string{"ferretdb"}, Label: "FerretDB",
		Steps: []string{
			"FerretDB passes MongoDB credentials to its PostgreSQL backend: remove the password from `--postgresql-url` and replace `trust` with `scram-sha-256` in the backend's `pg_hba.conf`, so every client must log in.",
			"Listen on a private address only: `--listen-addr=127.0.0.1:27017`.",
		},
		Verify: []string{"`mongosh --host {ip} --port {port} --eval 'db.adminCommand({listDatabases: 1})'` must fail with an authentication error."}},
	{Names: []string{"redis", "valkey"}, Label: "Redis",
		Steps: []string{
			"In `redis.conf` keep `protected-mode yes` and bind to private interfaces: `bind 127.0.0.1 -::1`.",
			"Require authentication: `requirepass <long random secret>`, or ACL users (`aclfile`) with the default user off (`user default off`).",
			"Deny dangerous commands to application users (ACL `-@dangerous`, or `rename-command CONFIG \"\"`) so a leaked password cannot rewrite `dir`/`dbfilename`.",
		},
		Verify: []string{"`redis-cli -h {ip} -p {port} PING` must answer `NOAUTH Authentication required` (or not connect)."}},
	{Names: []string{"memcached"}, Label: "Memcached",
		Steps: []string{
			"Listen locally or on a private address: `-l 127.0.0.1` in `/etc/memcached.conf`.",
			"Disable UDP (used for DDoS amplification): `-U 0`.",
			"Require authentication: SASL (`-S`) or, since 1.5.15, an ASCII auth file (`-Y /etc/memcached.auth`).",
		},
		Verify: []string{"`printf 'stats\\r\\nquit\\r\\n' | nc -w 3 {ip} {port}` must print no `STAT` lines."}},
	{Names: []string{"etcd"}, Label: "etcd",
		Steps: []string{
			"Require client certificates: `--client-cert-auth --trusted-ca-file=<ca> --cert-file=<cert> --key-file=<key>`.",
			"Or turn on role-based auth: `etcdctl user add root` then `etcdctl auth enable`.",
			"Listen on private addresses only: `--listen-client-urls https://10.x.x.x:2379` (never `0.0.0.0`).",
		},
		Verify: []string{"`ETCDCTL_API=3 etcdctl --endpoints=http://{addr} get / --prefix --keys-only --limit 1` must fail (user name is empty, or a TLS error)."}},
	{Names: []string{"postgres", "postgresql"}, Label: "PostgreSQL",
		Steps: []string{
			"In `pg_hba.conf` replace every `trust` method with `scram-sha-256` (set `password_encryption = scram-sha-256` and reset passwords), then reload.",
			"Listen on private addresses only: `listen_addresses = 'localhost'` (or the private address) in `postgresql.conf`, and limit `host` lines to known networks.",
		},
		Verify: []string{"`psql -h {ip} -p {port} -U postgres -w -c 'select 1'` must fail asking for a password."}},
	{Names: []string{"mysql", "mariadb"}, Label: "MySQL / MariaDB",
		Steps: []string{
			"Give root and every account without a password a strong one (`ALTER USER ... IDENTIFIED BY ...`) and drop anonymous users (`mysql_secure_installation` / `mariadb-secure-installation`).",
			"Listen locally or privately: `bind-address = 127.0.0.1` in `my.cnf`; make sure `skip-grant-tables` is not set.",
		},
		Verify: []string{"`mysql -h {ip} -P {port} -u root -e 'select 1'` (no password) must fail with \"Access denied\"."}},
	{Names: []string{"couchdb", "pouchdb", "pouchdb-server"}, Label: "CouchDB",
		Steps: []string{
			"End the \"admin party\": create an admin in `[admins]` (CouchDB 3 refuses to start without one).",
			"Require a login for every request: `[chttpd] require_valid_user = true` (and `[chttpd_auth] require_valid_user = true`), and set `_security` members on each database.",
			"Listen privately: `[chttpd] bind_address = 127.0.0.1`.",
		},
		Verify: []string{"`curl -s -o /dev/null -w '%{http_code}' http://{addr}/_all_dbs` must print 401."}},
	{Names: []string{"clickhouse", "clickhouse-native"}, Label: "ClickHouse",
		Steps: []string{
			"Give the `default` user a password (`<password_sha256_hex>` in `users.d/`) or remove it, and restrict it with `<networks><ip>127.0.0.1</ip><ip>::1</ip></networks>`.",
			"Listen privately: `<listen_host>127.0.0.1</listen_host>` in `config.xml` (HTTP 8123 and native 9000 alike).",
		},
		Verify: []string{"`curl -s 'http://{addr}/?query=SELECT%201'` must answer an authentication error."}},
	{Names: []string{"influxdb"}, Label: "InfluxDB",
		Steps: []string{
			"Create an admin (`CREATE USER admin WITH PASSWORD '...' WITH ALL PRIVILEGES`), then set `auth-enabled = true` in the `[http]` section of `influxdb.conf` (InfluxDB 2 always requires a token: do not share an all-access token).",
			"Listen privately: `bind-address = \"127.0.0.1:8086\"` in `[http]`.",
		},
		Verify: []string{"`curl -s -o /dev/null -w '%{http_code}' 'http://{addr}/query?q=SHOW%20DATABASES'` must print 401."}},
	{Names: []string{"prometheus"}, Label: "Prometheus",
		Steps: []string{
			"Require a login: `basic_auth_users` in a `--web.config.file`, or a reverse proxy with authentication in front.",
			"Drop `--web.enable-admin-api` (it lets anyone delete series and take snapshots) and `--web.enable-lifecycle` unless protected.",
			"Listen privately: `--web.listen-address=127.0.0.1:9090`.",
		},
		Verify: []string{"`curl -s -o /dev/null -w '%{http_code}' http://{addr}/api/v1/targets` must print 401."}},
	{Names: []string{"victoriametrics", "victoria-metrics"}, Label: "VictoriaMetrics",
		Steps: []string{
			"Require a login: `-httpAuth.username` and `-httpAuth.password`, and protect the admin endpoints with `-deleteAuthKey`, `-snapshotAuthKey` and `-reloadAuthKey`.",
			"Listen privately: `-httpListenAddr=127.0.0.1:8428`.",
		},
		Verify: []string{"`curl -s -o /dev/null -w '%{http_code}' 'http://{addr}/api/v1/label/__name__/values'` must print 401."}},
	{Names: []string{"registry", "docker-registry"}, Label: "Docker registry",
		Steps: []string{
			"Turn on authentication in the registry's `config.yml`: `auth: htpasswd: {realm: ..., path: /etc/docker/registry/htpasswd}` (or token auth), with TLS.",
			"Listen privately: `http: addr: 127.0.0.1:5000`; images may embed secrets, so rebuild and rotate those that did.",
		},
		Verify: []string{"`curl -s -o /dev/null -w '%{http_code}' http://{addr}/v2/_catalog` must print 401."}},
	{Names: []string{"s3", "minio", "versitygw"}, Label: "S3 object storage",
		Steps: []string{
			"On AWS, turn on S3 Block Public Access for the account and the bucket, and remove bucket policy statements with `\"Principal\": \"*\"` and public-read ACLs.",
			"On a self-hosted S3 server, require signed requests and remove anonymous policies (MinIO: `mc anonymous set none <alias>/<bucket>`).",
		},
		Verify: []string{"`curl -s -o /dev/null -w '%{http_code}' 'http://{addr}/<bucket>?list-type=2'` must print 403 for every bucket."}},
	{Names: []string{"zookeeper"}, Label: "ZooKeeper",
		Steps: []string{
			"Require SASL: `authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider` and `sessionRequireClientSASLAuth=true` in `zoo.cfg`.",
			"Replace `world:anyone` ACLs on your znodes (`setAcl /path sasl:app:cdrwa`).",
			"Limit four-letter-word commands: `4lw.commands.whitelist=srvr,ruok`; listen privately: `clientPortAddress=127.0.0.1`.",
		},
		Verify: []string{"`zkCli.sh -server {addr} ls /` must fail with an authentication error."}},
	{Names: []string{"rabbitmq"}, Label: "RabbitMQ",
		Steps: []string{
			"Delete the `guest` user (`rabbitmqctl delete_user guest`), or at least keep `loopback_users.guest = true`.",
			"Bind the management UI privately: `management.tcp.ip = 127.0.0.1` in `rabbitmq.conf`, and give each application its own user limited to its vhost.",
		},
		Verify: []string{"`curl -s -o /dev/null -w '%{http_code}' -u guest:guest http://{addr}/api/overview` must print 401."}},
}

// genericAdvice covers datastores the table does not know.
var genericAdvice = ServiceAdvice{Label: "this datastore",
	Steps: []string{
		"Turn on the datastore's own authentication and give each application its own least-privileged account.",
		"Make it listen on localhost or a private network only.",
	}}

// adviceFor finds the entry for a probe id or product name.
func adviceFor(name, product string) *ServiceAdvice {
	for _, key := range []string{strings.ToLower(product), strings.ToLower(name)} {
		for i := range ServiceAdvices {
			for _, n := range ServiceAdvices[i].Names {
				if key != "" && n == key {
					return &ServiceAdvices[i]
				}
			}
		}
	}
	return &genericAdvice
}
