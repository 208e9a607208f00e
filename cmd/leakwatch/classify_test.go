package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func defaultClassifyOptions() classifyOptions {
	return classifyOptions{format: "auto", maxDocument: 1 << 20, minConfidence: "low"}
}

func TestClassifyJSONOutput(t *testing.T) {
	sms := writeFile(t, "sms.jsonl", `{"from":"+14155550172","body":"are we still on for dinner tonight?"}`+"\n"+
		`{"from":"+14155550173","password":"hunter2hunter2"}`+"\n")
	var out, errOut bytes.Buffer
	o := defaultClassifyOptions()
	o.json = true
	err := runClassify(&out, &errOut, nil, []string{sms}, o)
	if !errors.Is(err, errExposed) {
		t.Fatalf("err = %v, want errExposed (exit 1)", err)
	}
	seen := map[string]jsonDetection{}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var d jsonDetection
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatalf("bad line %q: %v", sc.Text(), err)
		}
		if d.File != sms || d.Rule == "" || d.Confidence == "" || d.Value == "" {
			t.Errorf("incomplete %+v", d)
		}
		if _, dup := seen[d.Field+"/"+d.Type]; !dup {
			seen[d.Field+"/"+d.Type] = d
		}
	}
	if d := seen["from/phone"]; d.Line != 1 || d.Value != "+1415***0172" {
		t.Errorf("from/phone = %+v", d)
	}
	if d := seen["password/password"]; d.Line != 2 {
		t.Errorf("password = %+v", d)
	}
	if _, ok := seen["body/message_content"]; !ok {
		t.Errorf("no message content: %v", seen)
	}
	if strings.Contains(out.String(), "hunter2") || strings.Contains(out.String(), "5550172") {
		t.Errorf("raw value printed: %s", out.String())
	}
}

func TestClassifySummaryAndFormats(t *testing.T) {
	bsonDoc := bsoncore.NewDocumentBuilder().AppendString("email", "jane@example.com").Build()
	files := []string{
		writeFile(t, "people.csv", "name,email\nJane,jane@example.com\nBob,\n"),
		writeFile(t, "dump.bson", string(bsonDoc)),
		writeFile(t, "search.json", `{"hits":{"hits":[{"_source":{"email":"a@example.com"}},{"_source":{"n":1}}]}}`),
	}
	var out, errOut bytes.Buffer
	err := runClassify(&out, &errOut, nil, files, defaultClassifyOptions())
	if !errors.Is(err, errExposed) {
		t.Fatalf("err = %v (%s)", err, errOut.String())
	}
	s := out.String()
	for _, want := range []string{"people.csv: 2 documents (csv)", "dump.bson: 1 documents (bson)", "search.json: 2 documents (json)", "50.0%", "100.0%", "j***@example.com"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
}

func TestClassifyExitCodes(t *testing.T) {
	clean := writeFile(t, "clean.jsonl", `{"status":"ok","count":3}`+"\n")
	var out, errOut bytes.Buffer
	if err := runClassify(&out, &errOut, nil, []string{clean}, defaultClassifyOptions()); err != nil {
		t.Errorf("clean file: %v", err)
	}
	if !strings.Contains(out.String(), "nothing found") {
		t.Errorf("summary: %s", out.String())
	}
	err := runClassify(&out, &errOut, nil, []string{clean, filepath.Join(t.TempDir(), "missing.json")}, defaultClassifyOptions())
	if err == nil || errors.Is(err, errExposed) {
		t.Errorf("missing file: err %v, want a failure (exit 2)", err)
	}
	o := defaultClassifyOptions()
	o.minConfidence = "bogus"
	if err := runClassify(&out, &errOut, nil, []string{clean}, o); err == nil {
		t.Error("bad --min-confidence accepted")
	}
	// --min-confidence high drops the medium private IP.
	ip := writeFile(t, "ip.jsonl", `{"addr":"10.1.2.3"}`+"\n")
	o = defaultClassifyOptions()
	o.minConfidence = "high"
	if err := runClassify(&out, &errOut, nil, []string{ip}, o); err != nil {
		t.Errorf("high only: %v", err)
	}
}

func TestClassifyStdinAndOversized(t *testing.T) {
	in := strings.NewReader(`{"big":"` + strings.Repeat("x", 5000) + `"}` + "\n" + `{"email":"a@example.com"}` + "\n")
	var out, errOut bytes.Buffer
	o := defaultClassifyOptions()
	o.maxDocument = 1000
	err := runClassify(&out, &errOut, in, []string{"-"}, o)
	if !errors.Is(err, errExposed) {
		t.Fatalf("err %v", err)
	}
	if !strings.Contains(errOut.String(), "skipped 1 documents") || !strings.Contains(out.String(), "1 skipped") {
		t.Errorf("oversized document not reported:\n%s\n%s", out.String(), errOut.String())
	}
}

func TestClassifyIsRegistered(t *testing.T) {
	for _, c := range rootCmd.Commands() {
		if c.Name() == "classify" {
			return
		}
	}
	t.Fatal("classify is not registered on rootCmd")
}

// Raw values appear only when the user asks for them with --unredacted.
func TestClassifyUnredacted(t *testing.T) {
	in := writeFile(t, "creds.jsonl", `{"user":"alice","password":"hunter2hunter2","phone":"+14155550172"}`+"\n")
	var out, errOut bytes.Buffer
	o := defaultClassifyOptions()
	o.json, o.unredacted = true, true
	if err := runClassify(&out, &errOut, nil, []string{in}, o); !errors.Is(err, errExposed) {
		t.Fatalf("err = %v, want errExposed", err)
	}
	if !strings.Contains(out.String(), `"value":"hunter2hunter2"`) || !strings.Contains(out.String(), `"value":"+14155550172"`) {
		t.Errorf("--unredacted did not print raw values:\n%s", out.String())
	}
}
