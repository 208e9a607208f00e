package classifybench

import (
	"fmt"
	"strconv"
)

// The document kinds. Each labels exactly what a careful human reviewer
// would call a leak of that type at that path, and carries the hard
// negatives of its kind of data.

func (g *gen) oid() obj { return obj{{"$oid", g.chars(24, hexLow)}} }

func (g *gen) sms() {
	body, types := g.sentence(), []string{"message_content"}
	switch g.r.IntN(6) {
	case 0:
		body, types = "call me back at "+g.phone()+" when you can", append(types, "phone")
	case 1:
		body, types = "my new email is "+g.email()+", write me there", append(types, "email")
	case 2:
		body = "Your verification code is " + g.digits(6) + ". It expires in 10 minutes"
	}
	to := L(g.phone(), "phone")
	if g.r.IntN(5) == 0 {
		to = L(g.maskedPhone(), "phone_redacted")
	}
	g.emit(obj{
		{"_id", g.oid()},
		{"from", L(g.phone(), "phone")},
		{"to", to},
		{"body", L(body, types...)},
		{"direction", g.pick("outbound-api", "inbound")},
		{"status", g.pick("delivered", "sent", "failed")},
		{"sent_at", g.ts()},
		{"price", "-0.00750"},
		{"num_segments", 1 + g.r.IntN(3)},
		{"account_sid", "AC" + g.chars(32, hexLow)},
	})
}

func (g *gen) customer() {
	o := obj{
		{"id", 100000 + g.r.IntN(900000)},
		{"name", g.name()},
		{"email", L(g.email(), "email")},
		{"phone", L(g.phone(), "phone")},
		{"address", obj{{"street", strconv.Itoa(1+g.r.IntN(200)) + " Main St"}, {"city", g.pick(cities...)}, {"zip", g.digits(5)}}},
	}
	if g.r.IntN(3) == 0 {
		o = append(o, kv{"ssn", L(g.ssn(), "ssn")})
	}
	if g.r.IntN(2) == 0 {
		c := g.card()
		if g.r.IntN(2) == 0 {
			c = group4(c)
		}
		o = append(o, kv{"payment", obj{{"card_number", L(c, "credit_card")}, {"exp", fmt.Sprintf("%02d/%d", 1+g.r.IntN(12), 26+g.r.IntN(5))}, {"cardholder", g.name()}}})
	}
	if g.r.IntN(3) == 0 {
		ib := g.iban()
		if g.r.IntN(2) == 0 {
			ib = group4(ib)
		}
		o = append(o, kv{"iban", L(ib, "iban")})
	}
	o = append(o,
		kv{"order_ids", []any{luhnComplete("4" + g.digits(14)), luhnComplete("5" + g.digits(14))}},
		kv{"loyalty_number", g.digits(12)},
		kv{"created_at", g.ts()},
		kv{"tags", []any{"vip", g.pick("newsletter", "b2b", "churn-risk")}},
	)
	g.emit(o)
}

func (g *gen) chat() {
	g.emit(obj{
		{"conversation_id", g.uuid()},
		{"sender", obj{{"name", g.name()}, {"phone", L(g.phone(), "phone")}}},
		{"recipients", []any{obj{{"name", g.name()}, {"email", L(g.email(), "email")}}}},
		{"text", L(g.sentence(), "message_content")},
		{"sent", g.ts()},
		{"read", g.r.IntN(2) == 0},
	})
}

func (g *gen) appLog() {
	var msg string
	var types []string
	switch g.r.IntN(7) {
	case 0:
		msg, types = "user "+g.email()+" logged in from "+g.privateIP(), []string{"email", "private_ip"}
	case 1:
		msg = "GET /api/v1/orders/" + g.digits(6) + " 200 " + strconv.Itoa(g.r.IntN(900)) + "ms"
	case 2:
		pw, _ := g.plainPassword()
		msg, types = "auth failed for user="+g.pick(firstNames...)+" password="+pw, []string{"password", "username"}
	case 3:
		msg, types = "upstream "+g.internalHost()+":8080 timed out after 30s", []string{"internal_hostname"}
	case 4:
		msg, types = "request rejected, Authorization: Bearer "+g.jwt(), []string{"jwt"}
	case 5:
		msg = "cache miss ratio 0.25 for key session:" + g.uuid()
	default:
		msg = "connection closed by remote peer after 3 retries"
	}
	host := any(g.pick("web-3", "api-7f9c", "worker-12"))
	if g.r.IntN(2) == 0 {
		host = L(g.internalHost(), "internal_hostname")
	}
	client := any(g.publicIP())
	if g.r.IntN(2) == 0 {
		client = L(g.privateIP(), "private_ip")
	}
	g.emit(obj{
		{"@timestamp", g.ts()},
		{"level", g.pick("info", "warn", "error")},
		{"logger", "api.http"},
		{"message", L(msg, types...)},
		{"host", host},
		{"client_ip", client},
		{"request_id", g.uuid()},
		{"trace_id", g.chars(32, hexLow)},
		{"latency_ms", g.r.IntN(2000)},
		{"version", fmt.Sprintf("10.%d.%d.%d", g.r.IntN(9), g.r.IntN(9), 1+g.r.IntN(9))},
	})
}

func (g *gen) plainPassword() (string, string) {
	for {
		pw, t := g.password()
		if t == "password" {
			return pw, t
		}
	}
}

func (g *gen) dbURI() (string, []string) {
	scheme := g.pick("postgres", "mysql", "mongodb", "redis", "amqp")
	user := g.pick("app", "root", "svc_billing", "admin")
	if scheme == "redis" {
		user = ""
	}
	types := []string{"db_connection_uri"}
	var host string
	switch g.r.IntN(3) {
	case 0:
		host, types = g.internalHost(), append(types, "internal_hostname")
	case 1:
		host, types = g.privateIP(), append(types, "private_ip")
	default:
		host = g.pick("db.example.com", "cluster0.mongo.example.net")
	}
	pw := g.chars(10+g.r.IntN(10), alnum)
	if g.r.IntN(6) == 0 { // no password: only the host counts
		return fmt.Sprintf("%s://%s@%s:%d/%s", scheme, g.pick("app", "reader"), host, 5432, "prod"), types[1:]
	}
	return fmt.Sprintf("%s://%s:%s@%s:%d/%s", scheme, user, pw, host, 1000+g.r.IntN(9000), g.pick("prod", "billing", "0")), types
}

func (g *gen) config() {
	uri, uriTypes := g.dbURI()
	o := obj{
		{"service", g.pick("billing", "notifications", "search", "auth")},
		{"env", "production"},
		{"database", obj{{"url", L(uri, uriTypes...)}, {"pool_size", 10}}},
		{"aws", obj{
			{"access_key_id", L(g.pick("AKIA", "ASIA")+g.chars(14, base32U)+g.chars(2, "234567"), "aws_access_key_id")},
			{"secret_access_key", L(g.chars(38, b64)+g.digits(2), "aws_secret_access_key")},
			{"region", "us-east-1"},
		}},
		{"stripe_publishable_key", "pk_live_" + g.chars(24, alnum)},
		{"build_sha", g.chars(40, hexLow)},
		{"homepage", "https://www.example.com/"},
	}
	secrets := []func() kv{
		func() kv {
			return kv{"stripe_secret_key", L("sk_live_"+g.chars(24, alnum)+g.digits(2), "stripe_secret_key")}
		},
		func() kv { return kv{"github_token", L("ghp_"+g.chars(34, alnum)+g.digits(2), "github_token")} },
		func() kv {
			return kv{"slack_bot_token", L("xoxb-"+g.digits(10)+"-"+g.digits(13)+"-"+g.chars(24, alnum), "slack_token")}
		},
		func() kv {
			return kv{"sendgrid_api_key", L("SG."+g.chars(22, b64url)+"."+g.chars(43, b64url), "sendgrid_api_key")}
		},
		func() kv { return kv{"twilio_api_key", L("SK"+g.chars(28, hexLow)+g.digits(4), "twilio_api_key")} },
		func() kv { return kv{"google_maps_key", L("AIza"+g.chars(35, b64url), "gcp_api_key")} },
		func() kv { return kv{"api_key", L(g.chars(30, hexLow)+g.digits(2), "generic_api_key")} },
		func() kv { return kv{"tls_key", L(g.pem(), "private_key")} },
		func() kv { pw, t := g.password(); return kv{"admin_password", L(pw, t)} },
	}
	for i := 0; i < 1+g.r.IntN(3); i++ {
		o = append(o, secrets[g.r.IntN(len(secrets))]())
	}
	if g.r.IntN(2) == 0 {
		pw, t := g.password()
		o = append(o, kv{"smtp", obj{{"host", L(g.internalHost(), "internal_hostname")}, {"user", L("mailer", "username")}, {"password", L(pw, t)}}})
	}
	g.emit(dedupe(o))
}

// dedupe keeps the first of repeated keys (a config has each key once).
func dedupe(o obj) obj {
	seen := map[string]bool{}
	out := o[:0]
	for _, f := range o {
		if !seen[f.k] {
			seen[f.k] = true
			out = append(out, f)
		}
	}
	return out
}

func (g *gen) account() {
	pw, t := g.password()
	user := g.pick(firstNames...) + g.pick("", strconv.Itoa(g.r.IntN(100)))
	ip := any(g.publicIP())
	if g.r.IntN(2) == 0 {
		ip = L(g.privateIP(), "private_ip")
	}
	o := obj{
		{"_id", g.oid()},
		{"username", L(user, "username")},
		{"email", L(g.email(), "email")},
		{"password", L(pw, t)},
		{"role", g.pick("admin", "user", "support")},
		{"last_login_ip", ip},
		{"mfa_enabled", false},
		{"password_changed_at", g.ts()},
	}
	if g.r.IntN(3) == 0 {
		o = append(o, kv{"api_token", L(g.jwt(), "jwt")})
	}
	g.emit(o)
}

func (g *gen) order() {
	g.emit(obj{
		{"order_id", luhnComplete("4" + g.digits(14))},
		{"order_number", g.nanp()},
		{"sku", "SKU-" + g.digits(8)},
		{"quantity", 1 + g.r.IntN(5)},
		{"total", float64(g.r.IntN(100000)) / 100},
		{"currency", "USD"},
		{"tracking_number", "1Z" + g.chars(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")},
		{"customer_ref", g.digits(10)},
		{"checksum", g.chars(64, hexLow)},
		{"etag", g.chars(32, hexLow)},
		{"client_version", fmt.Sprintf("10.%d.%d.%d", g.r.IntN(9), g.r.IntN(9), 1+g.r.IntN(9))},
		{"website", "https://shop.example.com/p/" + g.digits(6)},
		{"description", "Includes a 12 month warranty and free returns within 30 days"},
		{"shipping", obj{{"city", g.pick(cities...)}, {"zip", g.digits(5)}, {"server", "edge-" + g.digits(2) + ".cdn.example.net"}}},
		{"created", 1700000000 + g.r.IntN(10000000)},
		{"items", []any{obj{{"sku", "SKU-" + g.digits(8)}, {"price", g.r.IntN(10000)}}}},
	})
}
