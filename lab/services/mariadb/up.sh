#!/usr/bin/env bash
# MariaDB 10.11 (Debian): root with an empty password (127.77.1.5:3306, with
# the general query log for the read-only proof), root with a password
# (127.77.2.5:3306, root/s3cret) and the open setup on an odd port
# (127.77.3.5:5432, PostgreSQL's port, to prove port-independent
# identification). Each is seeded with the same leak-shaped fake data.
source "$LAB_DIR/common.sh"

PASS=s3cret
SMS=1000 CUSTOMERS=50 CONFIG=4 LEADS=5

start() { # start NAME IP PORT [mariadbd args...]
	local name=$1 ip=$2 port=$3 d=$LAB_DATA/$1; shift 3
	rm -rf "$d"; mkdir -p "$d/run"
	cp -a "$LAB_DATA/template" "$d/data"
	chown -R mysql:mysql "$d"
	bg mariadbd --no-defaults --datadir="$d/data" --user=mysql --bind-address="$ip" --port="$port" \
		--socket="$d/run/mysqld.sock" --pid-file="$d/run/mysqld.pid" --skip-name-resolve \
		--innodb-buffer-pool-size=32M --skip-log-bin "$@"
	wait_for 30 mariadb-admin --socket="$d/run/mysqld.sock" -uroot ping
}

sql() { # sql NAME: run stdin as root over the instance's socket
	mariadb --socket="$LAB_DATA/$1/run/mysqld.sock" -uroot "${@:2}"
}

# seed_sql creates schemas smsgw and crm. Counts are published below and
# asserted by the tests; ANALYZE makes InnoDB's TABLE_ROWS exact.
seed_sql() {
	cat <<SQL
CREATE DATABASE smsgw;
USE smsgw;
CREATE TABLE sms_logs (id INT AUTO_INCREMENT PRIMARY KEY, sent_at DATETIME NOT NULL, phone VARCHAR(20), body TEXT, status VARCHAR(16)) ENGINE=InnoDB;
INSERT INTO sms_logs (sent_at, phone, body, status)
  SELECT '2021-06-01 00:00:00' + INTERVAL seq HOUR, CONCAT('+1555', LPAD(2000000 + seq, 7, '0')),
         CONCAT('Your code is ', LPAD((seq * 7919) % 1000000, 6, '0')), 'delivered'
  FROM seq_1_to_$SMS;
CREATE TABLE customers (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64), email VARCHAR(128), phone VARCHAR(20), legacy_card_number VARCHAR(19), balance DECIMAL(10,2), avatar BLOB) ENGINE=InnoDB;
INSERT INTO customers (name, email, phone, legacy_card_number, balance, avatar)
  SELECT CONCAT('Customer ', seq), CONCAT('customer', seq, '@example.com'), CONCAT('+1555', 3000000 + seq), '4111111111111111', seq * 1.5, NULL
  FROM seq_1_to_$CUSTOMERS;
CREATE TABLE config (k VARCHAR(64) PRIMARY KEY, v TEXT) ENGINE=InnoDB;
INSERT INTO config VALUES ('db_password', 'Hunter42!prod'), ('db_host', 'db01.corp.internal'),
  ('stripe_api_key', 'sk_live_FAKE51Hq8xTestKey0000000000'),
  ('smpp_url', 'smpp://gw:S3cretPass@smpp01.corp.internal:2775');
CREATE DATABASE crm;
CREATE TABLE crm.\`Lead \`\`List\`\`\` (id INT, email VARCHAR(128)) ENGINE=InnoDB;
INSERT INTO crm.\`Lead \`\`List\`\`\` SELECT seq, CONCAT('lead', seq, '@example.com') FROM seq_1_to_$LEADS;
ANALYZE TABLE smsgw.sms_logs, smsgw.customers, smsgw.config, crm.\`Lead \`\`List\`\`\`;
SQL
}

rm -rf "$LAB_DATA/template"
mariadb-install-db --no-defaults --datadir="$LAB_DATA/template" --user=mysql \
	--auth-root-authentication-method=normal --skip-test-db >"$LAB_DATA/install-db.log" 2>&1

start open 127.77.1.5 3306 --general-log=1 --general-log-file="$LAB_DATA/open/general.log" --log-output=FILE
start auth 127.77.2.5 3306
start odd 127.77.3.5 5432
for n in open auth odd; do seed_sql | sql "$n" >/dev/null; done
# Passwords for every root account of the auth instance; no anonymous users.
sql auth <<SQL
ALTER USER 'root'@'localhost' IDENTIFIED BY '$PASS';
ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '$PASS';
ALTER USER 'root'@'::1' IDENTIFIED BY '$PASS';
DELETE FROM mysql.global_priv WHERE User = '' OR (User = 'root' AND Host NOT IN ('localhost', '127.0.0.1', '::1'));
FLUSH PRIVILEGES;
SQL
chmod 644 "$LAB_DATA/open/general.log"
[ "$(sql open -N -e 'SELECT COUNT(*) FROM smsgw.sms_logs')" = "$SMS" ]

env_out MYSQL_OPEN 127.77.1.5:3306
env_out MYSQL_AUTH 127.77.2.5:3306
env_out MYSQL_ODD 127.77.3.5:5432
env_out MYSQL_OPEN_LOG "$LAB_DATA/open/general.log"
env_out MYSQL_SMS "$SMS"
env_out MYSQL_CUSTOMERS "$CUSTOMERS"
env_out MYSQL_CONFIG "$CONFIG"
env_out MYSQL_LEADS "$LEADS"
