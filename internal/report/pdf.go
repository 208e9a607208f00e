package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// Chromium is the browser used for PDF output; empty means the first of
// ChromiumNames found in PATH. LEAKWATCH_CHROMIUM overrides both.
var (
	Chromium      = ""
	ChromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}
	// PDFTimeout bounds one Chromium run (cold start on a busy machine
	// takes a few seconds).
	PDFTimeout = 90 * time.Second
	// maxPDFBytes bounds what is read back from the file Chromium wrote.
	maxPDFBytes int64 = 64 << 20
)

// ErrNoChromium means PDF output is unavailable on this machine.
var ErrNoChromium = errors.New("report: pdf needs Chromium (install chromium, or set LEAKWATCH_CHROMIUM)")

// chromiumPath finds the browser binary.
func chromiumPath() (string, error) {
	for _, c := range []string{os.Getenv("LEAKWATCH_CHROMIUM"), Chromium} {
		if c != "" {
			return exec.LookPath(c)
		}
	}
	for _, n := range ChromiumNames {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", ErrNoChromium
}

// renderPDF prints the HTML report with headless Chromium. The page is a
// local file with a CSP that forbids scripts and network loads (the
// --blink-settings=scriptEnabled=false switch would be stricter, but with it
// Chromium 156 silently writes no PDF); Chromium runs
// with a throw-away profile and no background networking, in its own process
// group so that a timeout kills all of its children.
func renderPDF(w io.Writer, v view) error {
	bin, err := chromiumPath()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "leakwatch-pdf-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	htmlPath := filepath.Join(dir, "report.html")
	pdfPath := filepath.Join(dir, "report.pdf")
	var page bytes.Buffer
	if err := renderHTML(&page, v); err != nil {
		return err
	}
	if err := os.WriteFile(htmlPath, page.Bytes(), 0o600); err != nil {
		return err
	}

	ctx, cancel := context.WithTimeout(context.Background(), PDFTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin,
		"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-extensions", "--disable-default-apps", "--mute-audio",
		"--user-data-dir="+filepath.Join(dir, "profile"),
		"--no-pdf-header-footer",
		"--print-to-pdf="+pdfPath,
		"file://"+htmlPath)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir)
	var stderr bytes.Buffer
	cmd.Stderr = &limitedWriter{w: &stderr, n: 8 << 10}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	runErr := cmd.Run()
	// Chromium may leave helper processes behind in its group; end them.
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	f, err := os.Open(pdfPath)
	if err != nil {
		return fmt.Errorf("report: chromium wrote no PDF (%v): %s", runErr, bytes.TrimSpace(stderr.Bytes()))
	}
	defer f.Close()
	head := make([]byte, 5)
	if _, err := io.ReadFull(f, head); err != nil || string(head) != "%PDF-" {
		return fmt.Errorf("report: chromium wrote something that is not a PDF (%v)", runErr)
	}
	if _, err := w.Write(head); err != nil {
		return err
	}
	n, err := io.Copy(w, io.LimitReader(f, maxPDFBytes))
	if err == nil && n == maxPDFBytes {
		return fmt.Errorf("report: PDF larger than %d bytes", maxPDFBytes)
	}
	return err
}

// limitedWriter keeps the first n bytes and drops the rest.
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		l.n -= k
		_, _ = l.w.Write(p[:k])
	}
	return len(p), nil
}
