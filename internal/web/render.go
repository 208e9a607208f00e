package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

//go:embed templates/*.html
var templateFS embed.FS

type pageTemplates struct {
	byName map[string]*template.Template
}

var pageNames = []string{"login", "overview", "exposures", "exposure", "scans", "scan", "watch", "error"}

func parsePages() (*pageTemplates, error) {
	pt := &pageTemplates{byName: map[string]*template.Template{}}
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html",
			"templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		pt.byName[name] = t
	}
	return pt, nil
}

// layoutView is what every page's layout reads.
type layoutView struct {
	Title    string
	Nav      string // the active navigation entry
	CSRF     string // the session's CSRF token ("" when logged out)
	LoggedIn bool
	Version  string
	Page     any
}

// render executes a page into a buffer first, so a template error becomes
// a clean 500 instead of half a page.
func (srv *Server) render(w http.ResponseWriter, r *http.Request, code int, name, title string, page any) {
	lv := layoutView{Title: title, Nav: name, Version: srv.cfg.Version, Page: page}
	if ss := sessionFrom(r.Context()); ss != nil {
		lv.CSRF, lv.LoggedIn = ss.csrf, true
	} else if r.Header.Get("Authorization") != "" && name != "login" {
		lv.LoggedIn = true // bearer-token browsing: no session, no logout form
	}
	var buf bytes.Buffer
	if err := srv.pages.byName[name].ExecuteTemplate(&buf, "layout.html", lv); err != nil {
		srv.cfg.Log.Error("web: render", "page", name, "err", err)
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

func (srv *Server) errorPage(w http.ResponseWriter, r *http.Request, code int, msg string) {
	srv.render(w, r, code, "error", http.StatusText(code), struct {
		Code    int
		Message string
	}{code, msg})
}

func (srv *Server) notFoundPage(w http.ResponseWriter, r *http.Request) {
	srv.errorPage(w, r, http.StatusNotFound, "There is no page at this address.")
}

var funcs = template.FuncMap{
	"count":    humanCount,
	"bytes":    humanBytes,
	"time":     fmtTime,
	"timeptr":  fmtTimePtr,
	"ago":      ago,
	"sevclass": sevClass,
	"deref":    derefInt,
	"deref64":  func(p *int64) int64 { return *p },
	"setq":     withParam,
	"add":      func(a, b int) int { return a + b },
	"int64":    func(n int) int64 { return int64(n) },
	"list":     func(s ...string) []string { return s },
	"pager": func(q url.Values, key string, page, pages int) pagerView {
		return pagerView{Query: q, Key: key, Page: page, Pages: pages}
	},
}

// pagerView is what the "pager" partial reads.
type pagerView struct {
	Query       url.Values
	Key         string
	Page, Pages int
}

func humanCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func fmtTimePtr(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return fmtTime(*t)
}

func ago(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}

// sevClass maps a severity to a CSS class from a fixed set: a hostile
// value can never become an arbitrary class name.
func sevClass(s string) string {
	switch s {
	case "critical", "high", "medium", "low", "info":
		return "sev-" + s
	}
	return "sev-none"
}

func derefInt(p *int64) string {
	if p == nil {
		return "—"
	}
	return humanCount(*p)
}

// withParam returns the query string q with key set to value (for
// pagination and filter links); html/template escapes it in the href.
func withParam(q url.Values, key, value string) string {
	c := url.Values{}
	for k, v := range q {
		c[k] = v
	}
	if value == "" {
		c.Del(key)
	} else {
		c.Set(key, value)
	}
	return "?" + c.Encode()
}
