#!/usr/bin/env bash
# Prints leak-shaped FAKE data as an Elasticsearch _bulk body (NDJSON) on
# stdout. Shared by the ES-API lab services (zincsearch, opensearch,
# elasticsearch) so every server holds the same, exactly countable data:
#   sms-logs-2024.01  1000 SMS with OTP bodies to +1555 numbers
#   customers          200 customer records (names, e-mails @example.com, phones)
#   config               3 service configs (internal hostnames, passwords, API keys)
#   read_me              1 ransom note with a bitcoin address
# The counts are published by each up.sh as <PREFIX>_SEED (see seed_counts).
set -euo pipefail

seed_counts() { echo "sms-logs-2024.01:1000,customers:200,config:3,read_me:1"; }

seed_bulk() {
	awk 'BEGIN {
		for (i = 1; i <= 1000; i++) {
			printf "{\"index\":{\"_index\":\"sms-logs-2024.01\",\"_id\":\"sms-%d\"}}\n", i
			printf "{\"to\":\"+1555%07d\",\"from\":\"SMSGW\",\"body\":\"Your verification code is %06d\",\"sent_at\":\"2024-01-%02dT%02d:%02d:00Z\",\"status\":\"delivered\",\"provider\":\"smsgw-eu-1\"}\n", 100000 + i, (i * 7919) % 1000000, (i % 28) + 1, i % 24, i % 60
		}
		split("Alice Bob Carol Dave Erin Frank Grace Heidi Ivan Judy", first, " ")
		split("Smith Jones Brown Taylor Wilson Moore Clark Lewis Walker Young", last, " ")
		for (i = 1; i <= 200; i++) {
			f = first[(i % 10) + 1]; l = last[(int(i / 10) % 10) + 1]
			printf "{\"index\":{\"_index\":\"customers\",\"_id\":\"cust-%d\"}}\n", i
			printf "{\"name\":\"%s %s\",\"email\":\"%s.%s%d@example.com\",\"phone\":\"+1555%07d\",\"address\":\"%d Main St, Springfield\",\"created_at\":\"2023-%02d-%02dT10:00:00Z\"}\n", f, l, tolower(f), tolower(l), i, 200000 + i, i, (i % 12) + 1, (i % 28) + 1
		}
		printf "{\"index\":{\"_index\":\"config\",\"_id\":\"billing\"}}\n"
		printf "{\"service\":\"billing\",\"db_url\":\"postgres://billing:Sup3rS3cret-2024@db01.corp.internal:5432/billing\",\"db_password\":\"Sup3rS3cret-2024\",\"aws_access_key_id\":\"AKIAQ3EGRTYX7LMNP2VD\",\"aws_secret_access_key\":\"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\"}\n"
		printf "{\"index\":{\"_index\":\"config\",\"_id\":\"smsgw\"}}\n"
		printf "{\"service\":\"smsgw\",\"upstream\":\"https://sms-relay.corp.internal/v1\",\"api_key\":\"sk_lab_4eC39HqLyjWDarjtT1zdp7dc\",\"admin_password\":\"Hunter42!\"}\n"
		printf "{\"index\":{\"_index\":\"config\",\"_id\":\"cache\"}}\n"
		printf "{\"service\":\"cache\",\"redis_url\":\"redis://:r3dis-pass@cache01.corp.internal:6379/0\",\"internal_ip\":\"10.20.30.40\"}\n"
		printf "{\"index\":{\"_index\":\"read_me\",\"_id\":\"1\"}}\n"
		printf "{\"message\":\"All your data is backed up. You must pay 0.05 BTC to bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh within 48 hours to recover it. After 48 hours all your data will be leaked. Contact: recover@example.com\"}\n"
	}'
}
