// Package e2e drives the dashboard in headless Chromium (Debian's
// /usr/bin/chromium, through chromedp) against the real server on a store
// filled by scanning the lab with the leakwatch binary — or, when no lab
// server is published or the binary cannot be built, with recorded events
// (the test says which). Screenshots go to $LEAKWATCH_ARTIFACTS, else to
// the test's temporary directory (the path is logged).
//
//	go test -count=1 -v ./internal/web/e2e
package e2e

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/leakwatch/leakwatch/internal/labtest"
	"github.com/leakwatch/leakwatch/internal/store"
	"github.com/leakwatch/leakwatch/internal/web"
	"github.com/leakwatch/leakwatch/internal/web/webtest"
)

const chromium = "/usr/bin/chromium"

// labKeys are lab servers worth scanning: open datastores with leak-shaped
// data, and auth-required ones (which must not show as exposures).
var labKeys = []string{
	"ES7_OPEN", "OPENSEARCH_OPEN", "MONGO_OPEN", "REDIS_OPEN", "COUCHDB_OPEN", "PG_OPEN", "ETCD_OPEN", "ZINC_OPEN",
	"REDIS_AUTH", "MONGO_AUTH",
}

func artifactsDir(t *testing.T) string {
	dir := os.Getenv("LEAKWATCH_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	} else {
		dir = filepath.Join(dir, "web-e2e")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	return dir
}

// fillStore scans the published lab servers twice with the leakwatch
// binary (two points on the chart), then records one hostile event. It
// falls back to recorded events, and says so, when it cannot scan.
func fillStore(t *testing.T, db string) (fromLab bool) {
	ctx := context.Background()
	var targets []string
	for _, k := range labKeys {
		if v, ok := labtest.Lookup(k); ok {
			targets = append(targets, v)
		}
	}
	bin := filepath.Join(t.TempDir(), "leakwatch")
	var buildErr error
	if len(targets) > 0 {
		out, err := exec.Command("go", "build", "-o", bin, "github.com/leakwatch/leakwatch/cmd/leakwatch").CombinedOutput()
		if err != nil {
			buildErr = errors.New(strings.TrimSpace(string(out)))
		}
	}
	if len(targets) > 0 && buildErr == nil {
		for i := range 2 {
			args := append([]string{"scan", "--db", db, "-q", "--timeout", "3s"}, targets...)
			cmd := exec.Command(bin, args...)
			cmd.Env = append(os.Environ(), "XDG_DATA_HOME="+t.TempDir())
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1) { // 1 = exposures found
				t.Fatalf("scan %d of the lab: %v\n%s", i+1, err, out)
			}
		}
		t.Logf("store filled by scanning %d lab servers twice: %s", len(targets), strings.Join(targets, " "))
		fromLab = true
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if !fromLab {
		reason := "no lab server is published (lab/lab.sh up <name>)"
		if buildErr != nil {
			reason = "the leakwatch binary does not build: " + buildErr.Error()
		}
		t.Logf("store filled with RECORDED events, not a lab scan: %s", reason)
		if _, err := webtest.Fill(ctx, st, 300); err != nil {
			t.Fatal(err)
		}
		return false
	}
	sc, err := st.OpenScan(ctx, store.NewScan{Args: []byte(`{"recorded":"hostile fixture"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordEvent(ctx, webtest.HostileEvent(sc.ID, time.Now().UTC())); err != nil {
		t.Fatal(err)
	}
	// A server with 10,000 indices: the detail page must stay one screenful wide and paged.
	if _, err := st.RecordEvent(ctx, webtest.OpenEvent(sc.ID, "198.51.100.14", 9200, "opensearch", 10_000, time.Now().UTC())); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishScan(ctx, sc.ID, store.Finish{Status: store.ScanDone}); err != nil {
		t.Fatal(err)
	}
	return true
}

// startServer runs the real dashboard (the handler `leakwatch serve` runs)
// on a loopback port.
func startServer(t *testing.T, db string) (string, string) {
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	v, token, err := web.LoadOrCreateToken(web.TokenPath(db))
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(testWriter{t}, nil))
	srv, err := web.New(web.Config{Store: st, Verifier: v, Version: "e2e", Log: logger})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return "http://" + ln.Addr().String(), token
}

// testWriter sends the server's log to the test's.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// void drops an action's value.
func void[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, t)
		return chromedp.Void{}, err
	}
}

func TestDashboardInChromium(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("skipped: %s is missing (apt-get install chromium): %v", chromium, err)
	}
	if testing.Short() {
		t.Skip("skipped in -short mode: starts Chromium")
	}
	db := filepath.Join(t.TempDir(), "lw.db")
	fromLab := fillStore(t, db)
	base, token := startServer(t, db)
	shots := artifactsDir(t)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true), chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1366, 900))
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	if err := chromedp.Do(bctx); err != nil { // starts the browser
		t.Fatalf("starting Chromium: %v", err)
	}

	// Any dialog is an executed payload; any CSP report is a policy our own
	// pages break. Both fail the test.
	var mu sync.Mutex
	var dialogs, violations []string
	dialogEvents := chromedp.Events(bctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogEvents {
			if err != nil {
				return
			}
			mu.Lock()
			dialogs = append(dialogs, ev.Message)
			mu.Unlock()
			_, _ = chromedp.Call(bctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	console := chromedp.Console(bctx)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			if strings.Contains(m.Text, "Content Security Policy") || m.IsException() {
				mu.Lock()
				violations = append(violations, m.Text)
				mu.Unlock()
			}
		}
	}()

	shot := func(name string) {
		t.Helper()
		b, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name+".png"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, scancel := context.WithTimeout(bctx, 20*time.Second)
		defer scancel()
		if err := chromedp.Do(sctx, steps...); err != nil {
			shot("failed-" + strings.ReplaceAll(what, " ", "-"))
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	eval := func(js string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return s
	}

	// 1. Unauthenticated: the dashboard sends the browser to the login form.
	do("open the dashboard", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#token")))
	if loc := eval(`location.pathname`); loc != "/login" {
		t.Fatalf("unauthenticated browser is at %s, want /login", loc)
	}
	do("wrong token", chromedp.SendKeys(chromedp.CSS("#token"), "lwt_wrong\r"), chromedp.WaitVisible(chromedp.CSS("#login-error")))
	shot("01-login-refused")

	// 2. Log in with the keyboard.
	do("log in", chromedp.SendKeys(chromedp.CSS("#token"), token+"\r"), chromedp.WaitVisible(chromedp.CSS("#chart")))
	// The chart is drawn by app.js with uPlot: wait for it and read it.
	do("chart", chromedp.WaitVisible(chromedp.CSS(`#chart[data-ready="true"] canvas`)))
	points, _ := strconv.Atoi(eval(`document.getElementById("chart").dataset.points`))
	rows, _ := strconv.Atoi(eval(`String(document.querySelectorAll(".chart-table tbody tr").length)`))
	if points < 2 || points != rows {
		t.Errorf("chart has %d points, its table %d rows", points, rows)
	}
	canvasW, _ := strconv.Atoi(eval(`String(document.querySelector("#chart canvas").width)`))
	if canvasW < 300 {
		t.Errorf("chart canvas is %d px wide", canvasW)
	}
	legend := eval(`document.querySelector("#chart .u-legend") ? document.querySelector("#chart .u-legend").innerText : ""`)
	if !strings.Contains(legend, "Open services") || !strings.Contains(legend, "Readable records") {
		t.Errorf("chart legend %q", legend)
	}
	openCount := eval(`document.querySelector(".chart-table tbody tr:last-child td[data-open]").dataset.open`)
	if n, _ := strconv.Atoi(openCount); n < 1 {
		t.Errorf("the last scan saw %q open services", openCount)
	}
	t.Logf("overview: chart with %d points, last scan saw %s open services", points, openCount)
	shot("02-overview")

	// Keyboard: on a page without autofocus, the first Tab lands on the
	// skip link, and it is visible when focused.
	do("tab", chromedp.Navigate(base+"/scans"), chromedp.WaitVisible(chromedp.CSS("main table")), chromedp.KeyEvent("\t"))
	if cls := eval(`document.activeElement ? document.activeElement.className : ""`); cls != "skip" {
		t.Errorf("first Tab focuses %q, want the skip link", cls)
	}
	if left := eval(`String(document.activeElement.getBoundingClientRect().left >= 0)`); left != "true" {
		t.Errorf("the focused skip link is off screen")
	}

	// 3. Filter the exposures list: htmx swaps the results and pushes the URL.
	do("exposures", chromedp.Navigate(base+"/exposures"), chromedp.WaitVisible(chromedp.CSS("#result-count")))
	all := text("#result-count")
	do("filter by state", chromedp.SetValue(chromedp.CSS("#status"), "open"), chromedp.Click(chromedp.CSS(".filters button[type=submit]")))
	do("search", chromedp.SendKeys(chromedp.CSS("#q"), "elasticsearch"),
		void(chromedp.Poll[bool](`location.search.includes("q=elasticsearch")`)))
	filtered := text("#result-count")
	if filtered == all || !strings.Contains(eval(`location.search`), "status=open") {
		t.Errorf("filtering changed nothing: %q → %q at %s", all, filtered, eval(`location.search`))
	}
	if n := eval(`String(document.querySelectorAll("#results tbody tr").length)`); n == "0" {
		t.Fatalf("no elasticsearch exposure listed (%s)", filtered)
	}
	t.Logf("exposures: %q, filtered: %q", all, filtered)
	shot("03-exposures-filtered")

	// 4. Open the first exposure: inventory, classification, timeline.
	// Follow the first row's link rather than clicking it: on a loaded
	// machine a late htmx swap (a keystroke's debounced request) can replace
	// the row under the click, and the click then goes nowhere.
	href := eval(`document.querySelector("#results tbody tr:first-child td.wrap a").getAttribute("href")`)
	if !strings.HasPrefix(href, "/") {
		t.Fatalf("first exposure link %q", href)
	}
	do("open a detail", chromedp.Navigate(base+href), chromedp.WaitVisible(chromedp.CSS("#tl-h")))
	h1 := text("h1")
	if !strings.Contains(h1, "/") {
		t.Errorf("detail heading %q is not a fingerprint", h1)
	}
	for _, sel := range []string{"#inv-h", "#class-h", ".timeline li", ".downloads a"} {
		if n := eval(`String(document.querySelectorAll("` + sel + `").length)`); n == "0" {
			t.Errorf("detail page of %s has no %s", h1, sel)
		}
	}
	shot("04-exposure-detail")

	// 5. The hostile exposure renders as text, and nothing runs.
	do("hostile detail", chromedp.Navigate(base+"/exposure?fp="+webtest.HostileFingerprint), chromedp.WaitVisible(chromedp.CSS("#inv-h")))
	body := eval(`document.body.innerText`)
	if !strings.Contains(body, webtest.XSSScript) || !strings.Contains(body, webtest.XSSAttr) {
		t.Errorf("the hostile names are not shown as text")
	}
	if n := eval(`String(document.querySelectorAll("main img, main script, main [onerror]").length)`); n != "0" {
		t.Errorf("the hostile names became %s elements", n)
	}
	// Long names wrap instead of widening the page or their table.
	if w := eval(`String(document.documentElement.scrollWidth > window.innerWidth + 2)`); w != "false" {
		t.Errorf("the detail page scrolls sideways")
	}
	if w := eval(`String([...document.querySelectorAll("main .scroll")].some(e => e.scrollWidth > e.clientWidth + 2))`); w != "false" {
		t.Errorf("a table of the detail page is wider than the page (a long name does not wrap)")
	}
	shot("05-hostile-detail")
	do("10,000 containers", chromedp.Navigate(base+"/exposure?fp=198.51.100.14:9200/opensearch&ipage=100"),
		chromedp.WaitVisible(chromedp.CSS("#inv-h")))
	if n := eval(`String(document.querySelectorAll("#inventory tbody tr").length)`); n != "100" {
		t.Errorf("the last inventory page of 10,000 containers has %s rows, want 100", n)
	}
	if c := text("#inventory caption"); c != "Page 100 of 100" {
		t.Errorf("inventory caption %q", c)
	}
	if w := eval(`String(document.documentElement.scrollWidth > window.innerWidth + 2)`); w != "false" {
		t.Errorf("the 10,000-container page scrolls sideways")
	}
	do("scans", chromedp.Navigate(base+"/scans"), chromedp.WaitVisible(chromedp.CSS("main table")))
	shot("06-scans")
	do("watch", chromedp.Navigate(base+"/watch"), chromedp.WaitVisible(chromedp.CSS("#groups-h")))

	// 6. Sign out: the dashboard is closed again.
	do("sign out", chromedp.Click(chromedp.CSS(".logout button")), chromedp.WaitVisible(chromedp.CSS("#token")))
	do("after sign out", chromedp.Navigate(base+"/exposures"), chromedp.WaitVisible(chromedp.CSS("#token")))

	time.Sleep(300 * time.Millisecond) // let late console messages arrive
	mu.Lock()
	defer mu.Unlock()
	if len(dialogs) > 0 {
		t.Errorf("a page opened dialogs (executed script): %q", dialogs)
	}
	if len(violations) > 0 {
		t.Errorf("%d console errors or CSP violations, the first: %q", len(violations), violations[0])
	}
	t.Logf("lab scan: %v", fromLab)
}
