package classify

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

func detect(t *testing.T, doc, format string) map[string]string {
	t.Helper()
	got := map[string]string{}
	New(Options{}).Document([]byte(doc), format, func(d Detection) {
		got[d.Field+"/"+d.Type] = d.Redacted
	})
	return got
}

// Field names decide what a value is.
func TestFieldContext(t *testing.T) {
	for _, c := range []struct {
		doc  string
		want []string // field/type that must be found
		not  []string // that must not
	}{
		{`{"order_id":"4111111111111111","card_number":"4111111111111111"}`, []string{"card_number/credit_card"}, []string{"order_id/credit_card"}},
		{`{"password":"4111111111111111"}`, []string{"password/password"}, []string{"password/credit_card"}},
		{`{"phone":"+4915112345678","id":"+4915112345678"}`, []string{"phone/phone"}, nil},
		{`{"user":{"login":"admin","pwd":"$2y$10$abcdefghijklmnopqrstuuCW6oQ2Gf1c1Dq8zG8l3vQ3I4Yr5lqK6"}}`, []string{"user.login/username", "user.pwd/password_hash"}, nil},
		{`{"user":"admin","role":"root"}`, nil, []string{"user/username"}},
		{`{"level":"error","message":"the quick brown fox jumps over it"}`, nil, []string{"message/message_content"}},
		{`{"error":{"code":404,"message":"the requested resource was not found here"}}`, nil, []string{"error.message/message_content"}},
		{`{"messages":[{"text":"see you at the cinema tonight my friend"}]}`, []string{"messages.0.text/message_content"}, nil},
		{`{"version":"10.1.2.3","ip":"10.1.2.3"}`, []string{"ip/private_ip"}, []string{"version/private_ip"}},
		{`{"total":5551234567,"msisdn":15551234567}`, []string{"msisdn/phone"}, []string{"total/phone"}},
		{`{"checksum":"5f4dcc3b5aa765d61d8327deb882cf99","password_md5":"5f4dcc3b5aa765d61d8327deb882cf99"}`, []string{"password_md5/password_hash"}, []string{"checksum/password_hash"}},
		{`{"a":{"b":"AKIAZ7VRSQ5HKMZWL3XQ"}}`, []string{"a.b/aws_access_key_id"}, nil},
		// A generic child takes its parent's context.
		{`{"credit_card":{"number":"503821674259","expire":"02/32"},"order":{"number":"4111111111111111"}}`, []string{"credit_card.number/credit_card"}, []string{"order.number/credit_card"}},
		{`{"phones":[{"value":"0044 20 7946 0958"}]}`, []string{"phones.0.value/phone"}, nil},
		// Extensions are not masks; (0) trunk prefixes are dropped.
		{`{"phone":"(818)417-0830x0474","fax":"+44 (0)20 7946 0958"}`, []string{"phone/phone", "fax/phone"}, []string{"phone/phone_redacted"}},
		{`{"note":"call 415-555-0123 x12 tomorrow"}`, []string{"note/phone"}, nil},
		// Bare digits in from/to count only in a document about messages.
		{`{"from":"3520466459","to":"35122964049","text":"see you at the station at six then"}`, []string{"from/phone", "to/phone"}, nil},
		{`{"from":"3520466459","to":"35122964049","unit":"cm"}`, nil, []string{"from/phone", "to/phone"}},
		{`{"from":"2024-01-01","to":"2024-12-31","text":"the report covers the whole year for everyone"}`, nil, []string{"from/phone", "to/phone"}},
		// key=value and key: value in text use the field handlers.
		{`{"note":"customer phone: 0412 345 678, card=4111111111111111; ssn 078-05-1120"}`, []string{"note/phone", "note/credit_card"}, []string{"note/ssn"}},
		// JSON serialised in a string is walked with its own field names.
		{`{"credentials":"{\"type\":\"service_account\",\"client_email\":\"svc@proj.iam.gserviceaccount.com\",\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----\\n\"}"}`,
			[]string{"credentials.client_email/email", "credentials.private_key/private_key"}, []string{"credentials/generic_api_key"}},
		{`{"payload":"{\"card_number\":\"4111111111111111\",\"order_id\":\"4111111111111111\",\"tags\":[\"a\"]}"}`, []string{"payload.card_number/credit_card"}, []string{"payload.order_id/credit_card"}},
		{`{"from":1704067200,"to":"1735689599000","text":"the report covers the whole year for everyone"}`, nil, []string{"from/phone", "to/phone"}},
	} {
		got := detect(t, c.doc, "json")
		for _, w := range c.want {
			if _, ok := got[w]; !ok {
				t.Errorf("%s: missing %s (got %v)", c.doc, w, got)
			}
		}
		for _, n := range c.not {
			if _, ok := got[n]; ok {
				t.Errorf("%s: unexpected %s", c.doc, n)
			}
		}
	}
}

func TestMaskedPhoneIsNotParsed(t *testing.T) {
	got := detect(t, `{"phone":"+1646823XXXX"}`, "json")
	if _, ok := got["phone/phone_redacted"]; !ok {
		t.Errorf("masked number not reported as phone_redacted: %v", got)
	}
	if _, ok := got["phone/phone"]; ok {
		t.Errorf("masked number reported as a phone (X read as 9?)")
	}
}

func TestBSONDocument(t *testing.T) {
	doc := bsoncore.NewDocumentBuilder().
		AppendString("email", "jane@example.com").
		AppendDocument("profile", bsoncore.NewDocumentBuilder().AppendString("phone", "+14155550172").Build()).
		AppendArray("cards", bsoncore.NewArrayBuilder().AppendString("4111 1111 1111 1111").Build()).
		AppendInt64("msisdn", 14155550199).
		Build()
	got := detect(t, string(doc), "bson")
	for _, w := range []string{"email/email", "profile.phone/phone", "cards.0/credit_card", "msisdn/phone"} {
		if _, ok := got[w]; !ok {
			t.Errorf("missing %s in %v", w, got)
		}
	}
	// Corrupt lengths are errors, not panics.
	bad := append([]byte(nil), doc...)
	bad[10] = 0xff
	if err := New(Options{}).Scan(bad, "bson", func(Detection) {}); err == nil {
		t.Log("corrupted document still validated (the byte hit a value)")
	}
}

func TestLimits(t *testing.T) {
	e := New(Options{MaxDocument: 1 << 10, MaxDetections: 5})
	var b strings.Builder
	b.WriteString(`{"emails":[`)
	for i := 0; i < 1000; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"user` + strings.Repeat("x", i%7) + `@example.com"`)
	}
	b.WriteString(`]}`)
	n := 0
	err := e.Scan([]byte(b.String()), "json", func(Detection) { n++ })
	if n != 5 {
		t.Errorf("%d detections, want the limit 5", n)
	}
	if err == nil {
		t.Errorf("a document cut at MaxDocument should report the parse error")
	}
}

func TestKeyedTextSamples(t *testing.T) {
	e := New(Options{})
	samples := []event.Sample{
		{Key: "config:db_password", Format: "text", Data: []byte("hunter2hunter2")},
		{Key: "sms:1234", Format: "text", Data: []byte("are you coming to the party tonight?")},
		{Key: "user:42:phone", Format: "text", Data: []byte("4155550172")},
		{Key: "cache:5f4dcc3b5aa765d61d8327deb882cf99", Format: "text", Data: []byte("plain words only here")},
	}
	types := map[string]bool{}
	for _, f := range e.Findings("0", samples) {
		types[f.Type] = true
	}
	for _, want := range []string{"password", "message_content", "phone"} {
		if !types[want] {
			t.Errorf("no %s from keyed text samples: %v", want, types)
		}
	}
	if len(types) != 3 {
		t.Errorf("unexpected types: %v", types)
	}
	for key, want := range map[string]string{"user:42:password": "password", "sms:1234": "sms", "a/b.c": "c", "x:550e8400-e29b-41d4": "x", "12": ""} {
		if got := keySegment(key); got != want {
			t.Errorf("keySegment(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestFindingsAndStage(t *testing.T) {
	mk := func(v string) event.Sample {
		return event.Sample{Format: "json", Data: []byte(v)}
	}
	samples := []event.Sample{
		mk(`{"from":"+14155550172","to":"+14155550173","body":"are we still meeting for lunch today?"}`),
		mk(`{"from":"+14155550174","phones":["+14155550175","+14155550176"]}`),
		{Format: "text", Data: []byte("contact bob@example.com")},
	}
	e := New(Options{})
	fs := e.Findings("sms", samples)
	byKey := map[string]event.Finding{}
	for _, f := range fs {
		byKey[f.Field+"/"+f.Type] = f
	}
	if f := byKey["from/phone"]; f.Count != 2 || f.Documents != 2 || len(f.Examples) != 2 || f.Confidence != "high" || f.Container != "sms" {
		t.Errorf("from/phone = %+v", f)
	}
	if f := byKey["phones.*/phone"]; f.Count != 2 || f.Documents != 1 {
		t.Errorf("phones.*/phone = %+v", f)
	}
	if f := byKey["/email"]; f.Count != 1 {
		t.Errorf("text sample: %+v", fs)
	}
	for _, f := range fs {
		b, _ := json.Marshal(f)
		if strings.Contains(string(b), "4155550172") || strings.Contains(string(b), "bob@") {
			t.Errorf("raw value in finding: %s", b)
		}
	}

	ev := event.New("t", "127.0.0.1", 1)
	ev.Dataset = &event.Dataset{Containers: []event.Container{
		{Kind: "collection", Name: "messages", Parent: "app", Samples: samples[:1]},
		{Kind: "collection", Name: "empty", Parent: "app"},
	}}
	Stage(e)(context.Background(), ev)
	if len(ev.Findings) == 0 || ev.Findings[0].Container != "app.messages" {
		t.Errorf("stage findings: %+v", ev.Findings)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ev.Findings = nil
	Stage(e)(ctx, ev)
	if len(ev.Findings) != 0 {
		t.Errorf("a cancelled stage still classified")
	}
}

// The engine is shared by the scan pipeline's workers.
func TestConcurrentUse(t *testing.T) {
	e := New(Options{})
	doc := []byte(`{"from":"+14155550172","body":"see you at the station at six then","password":"hunter2hunter2"}`)
	want := 0
	e.Document(doc, "json", func(Detection) { want++ })
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				n := 0
				e.Document(doc, "json", func(Detection) { n++ })
				if n != want {
					errs <- "different detection count under concurrency"
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}
