package classify

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// revealed returns the characters of out that are not mask characters.
func revealed(out string) string {
	return strings.NewReplacer("*", "").Replace(out)
}

func randString(r *rand.Rand, n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// TestRedactionBounds is a property test: for random values of every type,
// the redacted form shows no more than the documented characters.
func TestRedactionBounds(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+/="
	secretTypes := []string{"aws_access_key_id", "aws_secret_access_key", "gcp_api_key", "github_token", "slack_token",
		"stripe_secret_key", "twilio_api_key", "sendgrid_api_key", "jwt", "generic_api_key", "credit_card", "iban", "unknown_type"}
	for i := 0; i < 3000; i++ {
		raw := randString(r, r.IntN(120), alnum)
		for _, typ := range secretTypes {
			out := Redact(typ, []byte(raw))
			shown := len(revealed(out))
			if shown > 8 || len(raw) > 0 && shown > len(raw)/2 {
				t.Fatalf("%s: %q -> %q shows %d characters", typ, raw, out, shown)
			}
			if len(raw) >= 6 && strings.Contains(out, raw) {
				t.Fatalf("%s: raw value in %q", typ, out)
			}
		}
		for _, typ := range []string{"password", "username"} {
			if out := Redact(typ, []byte(raw)); len(revealed(out)) > 1 {
				t.Fatalf("%s: %q -> %q", typ, raw, out)
			}
		}
		// Phones: at most (digits-3)/2 digits at each end, never all.
		ph := "+" + randString(r, r.IntN(16), "0123456789 -()")
		nd := len(digitsOf([]byte(ph)))
		out := Redact("phone", []byte(ph))
		if got := len(digitsOf([]byte(out))); got > 8 || nd > 0 && got >= nd || got > max(0, (nd-3)/2)*2 {
			t.Fatalf("phone %q -> %q shows %d of %d digits", ph, out, got, nd)
		}
		// SSNs: the last four digits at most.
		ssn := randString(r, 9, "0123456789")
		if out := Redact("ssn", []byte(ssn)); len(digitsOf([]byte(out))) > 4 {
			t.Fatalf("ssn %q -> %q", ssn, out)
		}
		// E-mail: one character of the local part.
		local := randString(r, 1+r.IntN(30), "abcdefghij.+_")
		out = Redact("email", []byte(local+"@example.com"))
		if at := strings.IndexByte(out, '@'); at < 0 || len(revealed(out[:at])) > 1 || !strings.HasSuffix(out, "@example.com") {
			t.Fatalf("email %q -> %q", local, out)
		}
		// URIs: neither user nor password.
		user, pw := randString(r, 1+r.IntN(12), "abcdefgh"), randString(r, 6+r.IntN(12), alnum)
		out = Redact("db_connection_uri", []byte("postgres://"+user+":"+pw+"@db.corp.internal:5432/app"))
		if strings.Contains(out, pw) || strings.Contains(out, user+":") || !strings.Contains(out, "db.corp.internal") {
			t.Fatalf("uri -> %q", out)
		}
		// Host names: one character of the first label.
		label := randString(r, 1+r.IntN(20), "abcdefgh0123-")
		out = Redact("internal_hostname", []byte(label+".corp.internal"))
		if first := out[:strings.IndexByte(out, '.')]; len(revealed(first)) > 1 {
			t.Fatalf("host %q -> %q", label, out)
		}
		// Message bodies: three characters and the length.
		body := randString(r, r.IntN(200), "abc def ghi ")
		if out := Redact("message_content", []byte(body)); len(revealed(out[:strings.Index(out, "***")])) > 3 {
			t.Fatalf("message %q -> %q", body, out)
		}
	}
}

func TestRedactExamples(t *testing.T) {
	for _, c := range []struct{ typ, raw, want string }{
		{"phone", "+15551234567", "+1555***4567"},
		{"email", "jane@example.com", "j***@example.com"},
		{"aws_access_key_id", "AKIAZ7VRSQ5HKMZWWXYZ", "AKIA************WXYZ"},
		{"credit_card", "4111 1111 1111 1111", "4111********1111"},
		{"ssn", "123-45-6789", "***-**-6789"},
		{"private_ip", "10.1.2.3", "10.1.*.*"},
		{"password_hash", "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW", "$2b$12$***"},
		{"db_connection_uri", "postgres://app:secret@db01.corp.internal:5432/app", "postgres://***:***@db01.corp.internal:5432/***"},
		{"private_key", "-----BEGIN RSA PRIVATE KEY-----\nMIIE", "-----BEGIN RSA PRIVATE KEY-----***"},
		{"internal_hostname", "db01.corp.internal", "d***.corp.internal"},
		{"password", "hunter2", "***"},
	} {
		if got := Redact(c.typ, []byte(c.raw)); got != c.want {
			t.Errorf("Redact(%s, %q) = %q, want %q", c.typ, c.raw, got, c.want)
		}
	}
}
