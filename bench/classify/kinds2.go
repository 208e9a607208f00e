package classifybench

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// More kinds: other naming conventions (camelCase CRM exports, env
// arrays), credentials inside free text, and documents whose fields look
// like PII but are not (OAuth token responses, analytics events).

func (g *gen) crm() {
	o := obj{
		{"contactId", g.uuid()},
		{"fullName", g.name()},
		{"emailAddress", L(strings.ToUpper(g.email()[:1])+g.email()[1:], "email")},
		{"mobilePhone", L(g.pick("+1-", "+1 ", "1-")+g.nanpDashed(), "phone")},
		{"homePhone", L(g.nanpDotted(), "phone")},
		{"faxNumber", L("00"+g.pick("4420", "331")+g.digits(8), "phone")},
		{"leadScore", g.r.IntN(100)},
		{"lastActivityMs", 1700000000000 + g.r.IntN(1e9)},
	}
	if g.r.IntN(3) == 0 {
		o = append(o, kv{"socialSecurityNumber", L(strings.ReplaceAll(g.ssn(), "-", ""), "ssn")})
	}
	if g.r.IntN(3) == 0 {
		c := g.card()
		o = append(o, kv{"creditCardNumber", L(strings.ReplaceAll(group4(c), " ", "-"), "credit_card")})
	}
	if g.r.IntN(3) == 0 {
		o = append(o, kv{"notes", L("Spoke with the customer, new address is "+g.email()+", follow up next week", "email")})
	}
	g.emit(o)
}

func (g *gen) nanpDashed() string { d := g.nanp(); return d[:3] + "-" + d[3:6] + "-" + d[6:] }
func (g *gen) nanpDotted() string { d := g.nanp(); return d[:3] + "." + d[3:6] + "." + d[6:] }

func (g *gen) k8s() {
	host := g.internalHost()
	pw := g.chars(12, alnum)
	env := []any{
		L("DB_HOST="+host, "internal_hostname"),
		L("DB_PASSWORD="+pw, "password"),
		"LOG_LEVEL=info",
		"WORKERS=" + g.digits(1),
	}
	o := obj{
		{"apiVersion", "v1"},
		{"kind", "Pod"},
		{"metadata", obj{{"name", "billing-" + g.chars(5, "abcdefghijklmnopqrstuvwxyz0123456789")}, {"namespace", "prod"}, {"uid", g.uuid()}}},
		{"env", env},
		{"connectionString", L(fmt.Sprintf("Server=%s;Database=app;User Id=sa;Password=%s;", g.internalHost(), g.chars(10, alnum)), "internal_hostname", "password")},
		{"image", "registry.example.com/billing:1.4." + g.digits(1)},
	}
	if g.r.IntN(2) == 0 {
		o = append(o, kv{"secret", obj{{"kind", "Secret"}, {"data", obj{{"password", L(base64.StdEncoding.EncodeToString([]byte(g.chars(10, alnum))), "password")}}}}})
	}
	if g.r.IntN(2) == 0 {
		o = append(o, kv{"annotations", obj{{"cookie", L("session="+g.jwt()+"; theme=dark", "jwt")}}})
	}
	g.emit(o)
}

func (g *gen) oauth() {
	g.emit(obj{
		{"token_type", "Bearer"},
		{"expires_in", 3600},
		{"scope", "read write"},
		{"access_token", L(g.jwt(), "jwt")},
		{"refresh_token", L(g.chars(40, alnum), "generic_api_key")},
		{"api_key_id", "key_" + g.digits(6)},
		{"session_id", g.chars(32, hexLow)},
		{"password_reset_required", false},
		{"password_policy", "at least 12 characters with one digit"},
		{"issued_at", g.ts()},
	})
}

func (g *gen) analytics() {
	g.emit(obj{
		{"event", g.pick("page_view", "add_to_cart", "checkout")},
		{"anonymous_id", g.uuid()},
		{"ts_ms", 1700000000000 + g.r.IntN(1e9)},
		{"page", obj{{"url", "https://shop.example.com/p/" + g.digits(6) + "?ref=mail"}, {"title", "Blue running shoes, size 42"}}},
		{"context", obj{
			{"ip", g.publicIP()},
			{"user_agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"},
			{"locale", "en-US"},
			{"library", obj{{"name", "analytics.js"}, {"version", "4.1." + g.digits(1)}}},
		}},
		{"properties", obj{
			{"order_total", g.r.IntN(100000)},
			{"order_ref", "Order " + luhnComplete("4"+g.digits(14)) + " shipped"},
			{"isbn", "978-3-16-" + g.digits(6) + "-" + g.digits(1)},
			{"commit", g.chars(40, hexLow)},
			{"avatar", g.chars(120, b64)},
			{"redacted_email", g.pick(firstNames...)[:1] + "***@example.com"},
			{"upstream", "api.stripe.com:443"},
			{"dev_server", "localhost:8080"},
			{"dns", "8.8.8.8"},
		}},
	})
}

func (g *gen) ticket() {
	desc, types := "The app crashes when I open settings on my phone", []string(nil)
	switch g.r.IntN(4) {
	case 0:
		desc, types = "Please call me on "+g.phone()+" about my refund", []string{"phone"}
	case 1:
		desc, types = "My SSN "+g.ssn()+" shows up on the invoice, please remove it", []string{"ssn"}
	case 2:
		desc, types = "I was charged twice on card "+strings.ReplaceAll(group4(luhnComplete("4"+g.digits(14))), " ", "-")+" last month", []string{"credit_card"}
	}
	g.emit(obj{
		{"ticket_id", "TCK-" + g.digits(7)},
		{"subject", "Problem with my account"},
		{"requester", obj{{"email", L(g.email(), "email")}, {"name", g.name()}}},
		{"description", L(desc, types...)},
		{"priority", g.pick("low", "normal", "high")},
		{"comment", obj{{"body", L(g.sentence(), "message_content")}, {"author_id", g.r.IntN(100000)}}},
	})
}
