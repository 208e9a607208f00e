package report

import (
	"bytes"
	"errors"
	"os/exec"
	"testing"
	"time"
)

func TestPDF(t *testing.T) {
	if _, err := chromiumPath(); errors.Is(err, ErrNoChromium) {
		t.Skip("no Chromium on this machine")
	}
	if testing.Short() {
		t.Skip("starts a browser")
	}
	start := time.Now()
	var b bytes.Buffer
	if err := Render(&b, "pdf", fixtureReport()); err != nil {
		t.Fatal(err)
	}
	t.Logf("pdf: %d bytes in %s", b.Len(), time.Since(start).Round(time.Millisecond))
	if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) || !bytes.Contains(b.Bytes(), []byte("%%EOF")) {
		t.Fatalf("not a PDF: %q", b.Bytes()[:min(b.Len(), 40)])
	}
	if bytes.Contains(b.Bytes(), []byte(sampleMarker)) {
		t.Error("PDF contains raw sample data")
	}
	// Where pdftotext exists, check the text made it (fonts, escaping).
	if _, err := exec.LookPath("pdftotext"); err == nil {
		cmd := exec.Command("pdftotext", "-", "-")
		cmd.Stdin = bytes.NewReader(b.Bytes())
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"198.51.100.23:9200", "xpack.security.enabled", "<script>alert(1)</script>"} {
			if !bytes.Contains(out, []byte(want)) {
				t.Errorf("PDF text lacks %q", want)
			}
		}
		if bytes.Contains(out, []byte(sampleMarker)) {
			t.Error("PDF text contains raw sample data")
		}
	}
}

func TestPDFWithoutChromium(t *testing.T) {
	t.Setenv("LEAKWATCH_CHROMIUM", "/nonexistent/chromium")
	if err := Render(&bytes.Buffer{}, "pdf", fixtureReport()); err == nil {
		t.Error("no error without a browser")
	}
}
