package safety

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// TestRawSamplesNeverOnDisk scans an open MongoDB-wire server whose
// documents carry a random marker in their values (e-mail, phone, message
// body) with the real binary, recording to a database, and then reads
// every file the scan left (database, WAL, anything under its data dir)
// and its stdout: the marker must appear nowhere, while the event must
// show documents were sampled (else the test proves nothing).
func TestRawSamplesNeverOnDisk(t *testing.T) {
	bin := leakwatchBinary(t)
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	marker := "lwraw" + hex.EncodeToString(b)
	addr := "127.77.48.70:18070"
	serve(t, addr, serveMongo(func(r *wireRequest) []byte {
		switch strings.ToLower(r.cmd) {
		case "ismaster", "hello":
			return r.reply(helloDoc(true))
		case "buildinfo":
			return r.reply(doc().AppendString("version", "7.0.2").AppendDouble("ok", 1).Build())
		case "listdatabases":
			dbs := bsoncore.NewArrayBuilder().AppendDocument(doc().AppendString("name", "crm").
				AppendInt64("sizeOnDisk", 8192).AppendBoolean("empty", false).Build()).Build()
			return r.reply(doc().AppendArray("databases", dbs).AppendInt64("totalSize", 8192).AppendDouble("ok", 1).Build())
		case "listcollections":
			batch := bsoncore.NewArrayBuilder().AppendDocument(doc().AppendString("name", "sms_log").
				AppendString("type", "collection").Build()).Build()
			cur := doc().AppendInt64("id", 0).AppendString("ns", "crm.$cmd.listCollections").AppendArray("firstBatch", batch).Build()
			return r.reply(doc().AppendDocument("cursor", cur).AppendDouble("ok", 1).Build())
		case "collstats":
			return r.reply(doc().AppendInt64("count", 3).AppendInt64("size", 600).AppendDouble("ok", 1).Build())
		case "count":
			return r.reply(doc().AppendInt64("n", 3).AppendDouble("ok", 1).Build())
		case "find", "aggregate":
			batch := bsoncore.NewArrayBuilder()
			for i := range 3 {
				batch.AppendDocument(doc().AppendInt32("_id", int32(i)).
					AppendString("email", marker+"@example.com").
					AppendString("to", "+1555000111"+string(rune('0'+i))).
					AppendString("body", "your code is 1234 "+marker).
					AppendString("password", "hunter2-"+marker).Build())
			}
			cur := doc().AppendInt64("id", 0).AppendString("ns", "crm.sms_log").AppendArray("firstBatch", batch.Build()).Build()
			return r.reply(doc().AppendDocument("cursor", cur).AppendDouble("ok", 1).Build())
		}
		return r.reply(doc().AppendDouble("ok", 0).AppendString("errmsg", "no such command").AppendInt32("code", 59).Build())
	}))

	dir := t.TempDir()
	cmd := exec.Command(bin, "scan", "--db", filepath.Join(dir, "data", "leakwatch.db"), "--json", "-q", addr)
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+filepath.Join(dir, "xdg"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		t.Fatalf("leakwatch scan: %v\n%s", err, stderr.String())
	}
	var ev struct {
		Status  string `json:"status"`
		Dataset struct {
			Containers []struct {
				Name    string `json:"name"`
				Sampled int    `json:"sampled"`
			} `json:"containers"`
		} `json:"dataset"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(stdout.Bytes()), &ev); err != nil {
		t.Fatalf("event: %v\n%s", err, stdout.String())
	}
	sampled := 0
	for _, c := range ev.Dataset.Containers {
		sampled += c.Sampled
	}
	if ev.Status != "open" || sampled == 0 {
		t.Fatalf("status %q, %d documents sampled: the scan never read the marked documents, so this proves nothing\n%s", ev.Status, sampled, stdout.String())
	}
	if bytes.Contains(stdout.Bytes(), []byte(marker)) || strings.Contains(stderr.String(), marker) {
		t.Errorf("a raw sampled value reached the output")
	}
	files := 0
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(data, []byte(marker)) {
			t.Errorf("a raw sampled value is on disk in %s", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatal("the scan wrote no file: --db was not honoured, nothing was checked")
	}
	t.Logf("%d documents sampled; marker absent from stdout and %d files", sampled, files)
}
