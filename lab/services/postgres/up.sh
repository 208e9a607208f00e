#!/usr/bin/env bash
# PostgreSQL 15 (Debian): trust (127.77.1.4:5432, every statement logged for
# the read-only proof), scram-sha-256 (127.77.2.4:5432, postgres/s3cret) and
# trust on an odd port (127.77.3.4:11211). Each is seeded with the same
# leak-shaped fake data in database smsgw.
source "$LAB_DIR/common.sh"

PASS=s3cret
PGBIN=/usr/lib/postgresql/15/bin
SMS=1000 CUSTOMERS=50 CONFIG=4 AUDIT=5
# AS_PG runs a command as user postgres; setpriv execs it, so the PID that
# `bg` records is the postmaster itself.
AS_PG=(setpriv --reuid=postgres --regid=postgres --init-groups --)

init() { # init NAME AUTH
	local d=$LAB_DATA/$1
	rm -rf "$d"; mkdir -p "$d/run"
	echo "$PASS" >"$d/pwfile"
	chown -R postgres:postgres "$d"
	"${AS_PG[@]}" "$PGBIN/initdb" -D "$d/pgdata" -U postgres --auth="$2" --pwfile="$d/pwfile" --no-sync >/dev/null
}

start() { # start NAME IP PORT [postgres -c args...]
	local d=$LAB_DATA/$1 ip=$2 port=$3; shift 3
	bg "${AS_PG[@]}" "$PGBIN/postgres" -D "$d/pgdata" -c listen_addresses="$ip" -c port="$port" \
		-c unix_socket_directories="$d/run" -c fsync=off -c synchronous_commit=off "$@"
	wait_for 20 pg_isready -q -h "$ip" -p "$port"
}

# seed_sql creates database smsgw's tables. Counts are published below and
# asserted by the tests; ANALYZE makes the planner's row estimates exact.
seed_sql() {
	cat <<SQL
CREATE TABLE sms_logs (id serial PRIMARY KEY, sent_at timestamptz NOT NULL, phone text, body text, status text);
INSERT INTO sms_logs (sent_at, phone, body, status)
  SELECT timestamptz '2021-06-01 00:00:00+00' + i * interval '1 hour',
         '+1555' || lpad((2000000 + i)::text, 7, '0'),
         'Your code is ' || lpad(((i * 7919) % 1000000)::text, 6, '0'), 'delivered'
  FROM generate_series(1, $SMS) AS i;
CREATE TABLE customers (id serial PRIMARY KEY, name text, email text, phone text, legacy_card_number text);
INSERT INTO customers (name, email, phone, legacy_card_number)
  SELECT 'Customer ' || i, 'customer' || i || '@example.com', '+1555' || (3000000 + i), '4111111111111111'
  FROM generate_series(1, $CUSTOMERS) AS i;
CREATE TABLE config (key text PRIMARY KEY, value text);
INSERT INTO config VALUES ('db_password', 'Hunter42!prod'), ('db_host', 'db01.corp.internal'),
  ('stripe_api_key', 'sk_live_FAKE51Hq8xTestKey0000000000'),
  ('smpp_url', 'smpp://gw:S3cretPass@smpp01.corp.internal:2775');
CREATE SCHEMA billing;
CREATE TABLE billing."Audit ""Log""" (id int, actor text, action text);
INSERT INTO billing."Audit ""Log""" SELECT i, 'admin' || i || '@example.com', 'export' FROM generate_series(1, $AUDIT) AS i;
ANALYZE;
SQL
}

seed() { # seed IP PORT
	psql -q -v ON_ERROR_STOP=1 -h "$1" -p "$2" -U postgres -d postgres -c 'CREATE DATABASE smsgw' >/dev/null
	seed_sql | psql -q -v ON_ERROR_STOP=1 -h "$1" -p "$2" -U postgres -d smsgw >/dev/null
}

init open trust
init auth scram-sha-256
init odd trust
# The open cluster logs every statement with the client's application_name,
# so the tests can prove the probe only reads.
start open 127.77.1.4 5432 -c log_statement=all -c logging_collector=on -c log_directory=log \
	-c log_filename=statements.log -c log_file_mode=0644 -c "log_line_prefix=%m [%p] app=%a db=%d "
start auth 127.77.2.4 5432
start odd 127.77.3.4 11211
seed 127.77.1.4 5432
PGPASSWORD=$PASS seed 127.77.2.4 5432
seed 127.77.3.4 11211
[ "$(psql -tA -h 127.77.1.4 -U postgres -d smsgw -c 'SELECT count(*) FROM sms_logs')" = "$SMS" ]

env_out PG_OPEN 127.77.1.4:5432
env_out PG_AUTH 127.77.2.4:5432
env_out PG_ODD 127.77.3.4:11211
env_out PG_OPEN_LOG "$LAB_DATA/open/pgdata/log/statements.log"
env_out PG_SMS "$SMS"
env_out PG_CUSTOMERS "$CUSTOMERS"
env_out PG_CONFIG "$CONFIG"
env_out PG_AUDIT "$AUDIT"
