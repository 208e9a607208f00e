package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/report"
)

// reportFormats are the downloadable formats (pdf needs Chromium on the
// server and stays with `leakwatch report`).
var reportFormats = map[string]struct{ mime, ext string }{
	"html": {"text/html; charset=utf-8", "html"},
	"md":   {"text/markdown; charset=utf-8", "md"},
	"json": {"application/json; charset=utf-8", "json"},
}

// exposureReportOf builds the report of one exposure's last sighting, as
// `leakwatch report --exposure` does.
func (srv *Server) exposureReportOf(ctx context.Context, fp string) (report.Report, error) {
	e, err := srv.st.GetExposure(ctx, fp)
	if err != nil {
		return report.Report{}, err
	}
	row, err := srv.st.Service(ctx, e.LastServiceID)
	if err != nil {
		return report.Report{}, err
	}
	hist, err := srv.st.ExposureHistory(ctx, fp)
	if err != nil {
		return report.Report{}, err
	}
	return report.Report{ScanID: e.LastScanID, Tool: "leakwatch " + srv.cfg.Version, Exposures: []report.Exposure{{
		Event: row.Event, FirstSeen: e.FirstSeen, LastSeen: e.LastSeen, Observations: len(hist), Resolved: !e.Open,
	}}}, nil
}

// scanReportOf builds the report of every open service of one scan.
func (srv *Server) scanReportOf(ctx context.Context, id string) (report.Report, error) {
	sc, err := srv.st.GetScan(ctx, id)
	if err != nil {
		return report.Report{}, err
	}
	rows, err := srv.st.ServicesOfScan(ctx, sc.ID)
	if err != nil {
		return report.Report{}, err
	}
	r := report.Report{ScanID: sc.ID, Scope: string(sc.Args), Tool: "leakwatch " + srv.cfg.Version}
	for _, row := range rows {
		if row.Event.Status != event.StatusOpen {
			continue
		}
		x := report.Exposure{Event: row.Event}
		if row.Fingerprint != "" {
			if e, err := srv.st.GetExposure(ctx, row.Fingerprint); err == nil {
				x.FirstSeen, x.LastSeen, x.Resolved = e.FirstSeen, e.LastSeen, !e.Open
			}
		}
		r.Exposures = append(r.Exposures, x)
	}
	return r, nil
}

// sendReport renders into memory (a failed render is a clean error) and
// sends it as an attachment: a downloaded report is never rendered in this
// origin, whatever it contains.
func (srv *Server) sendReport(w http.ResponseWriter, r *http.Request, rep report.Report, name string, api bool) {
	format := strings.ToLower(r.URL.Query().Get("format"))
	if format == "" {
		format = "html"
	}
	f, ok := reportFormats[format]
	if !ok {
		msg := "format must be html, md or json"
		if api {
			apiError(w, http.StatusBadRequest, msg)
		} else {
			srv.errorPage(w, r, http.StatusBadRequest, msg)
		}
		return
	}
	var buf bytes.Buffer
	if err := report.Render(&buf, format, rep); err != nil {
		srv.cfg.Log.Error("web: report", "err", err)
		http.Error(w, "report failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", f.mime)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, name, f.ext))
	// The report's own inline styles are meant for a file opened locally;
	// here it is only ever downloaded.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	_, _ = w.Write(buf.Bytes())
}

// safeFileName keeps letters, digits, dot and dash: a fingerprint holds ':'
// and '/', and a header must not carry quotes or newlines.
func safeFileName(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-':
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 100 {
			break
		}
	}
	return "leakwatch-report-" + b.String()
}

func (srv *Server) exposureReport(w http.ResponseWriter, r *http.Request) {
	fp := r.URL.Query().Get("fp")
	rep, err := srv.exposureReportOf(r.Context(), fp)
	if err != nil {
		srv.fail(w, r, err)
		return
	}
	srv.sendReport(w, r, rep, safeFileName(fp), false)
}

func (srv *Server) scanReport(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	rep, err := srv.scanReportOf(r.Context(), id)
	if err != nil {
		srv.fail(w, r, err)
		return
	}
	srv.sendReport(w, r, rep, safeFileName(id), false)
}

func (srv *Server) apiReport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	fp, scan := q.Get("fingerprint"), q.Get("scan")
	var rep report.Report
	var err error
	var name string
	switch {
	case (fp == "") == (scan == ""):
		apiError(w, http.StatusBadRequest, "give exactly one of fingerprint or scan")
		return
	case fp != "":
		rep, err = srv.exposureReportOf(r.Context(), fp)
		name = safeFileName(fp)
	default:
		rep, err = srv.scanReportOf(r.Context(), scan)
		name = safeFileName(scan)
	}
	if err != nil {
		srv.apiFail(w, r, err)
		return
	}
	srv.sendReport(w, r, rep, name, true)
}
