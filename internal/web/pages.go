package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/store"
)

const (
	defaultPerPage   = 50
	maxPerPage       = 200
	inventoryPerPage = 100
	maxListedScans   = 500
)

// filterFromQuery reads the exposure filters shared by the list page and
// the API. Unknown values are errors, not silently ignored filters.
func filterFromQuery(q url.Values) (store.WebFilter, store.Page, error) {
	f := store.WebFilter{
		Status:   q.Get("status"),
		Service:  q.Get("service"),
		IP:       q.Get("ip"),
		Severity: event.Severity(q.Get("severity")),
		DataType: q.Get("type"),
		Query:    q.Get("q"),
	}
	if f.Status == "all" {
		f.Status = ""
	}
	if ms := q.Get("min_severity"); ms != "" {
		f.MinSeverity = event.Severity(ms)
	}
	if f.Severity != "" && f.Severity.Rank() < 0 {
		return f, store.Page{}, errors.New("unknown severity " + strconv.Quote(string(f.Severity)))
	}
	if f.MinSeverity != "" && f.MinSeverity.Rank() < 0 {
		return f, store.Page{}, errors.New("unknown min_severity " + strconv.Quote(string(f.MinSeverity)))
	}
	switch f.Status {
	case store.StateAny, store.StateNew, store.StateOpen, store.StateClosed:
	default:
		return f, store.Page{}, errors.New("unknown status " + strconv.Quote(f.Status) + " (want new, open, closed or all)")
	}
	if len(f.Query) > 200 {
		return f, store.Page{}, errors.New("search text is longer than 200 bytes")
	}
	per := defaultPerPage
	if s := q.Get("per_page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPerPage {
			return f, store.Page{}, errors.New("per_page must be 1 to 200")
		}
		per = n
	}
	page := 1
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1_000_000 {
			return f, store.Page{}, errors.New("page must be a positive number")
		}
		page = n
	}
	return f, store.Page{Limit: per, Offset: (page - 1) * per}, nil
}

type overviewView struct {
	Overview *store.Overview
	Series   []store.ScanPoint
	Latest   []store.Scan
	Top      []store.Exposure
}

func (srv *Server) overviewPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ov, err := srv.st.WebOverview(ctx)
	if err != nil {
		srv.fail(w, r, err)
		return
	}
	series, err := srv.st.ExposureSeries(ctx, 100)
	if err != nil {
		srv.fail(w, r, err)
		return
	}
	latest, err := srv.st.ListScans(ctx, 5)
	if err != nil {
		srv.fail(w, r, err)
		return
	}
	top, _, err := srv.st.WebExposures(ctx, store.WebFilter{Status: store.StateOpen}, store.Page{Limit: 10})
	if err != nil {
		srv.fail(w, r, err)
		return
	}
	srv.render(w, r, http.StatusOK, "overview", "Overview", overviewView{ov, series, latest, top})
}

type exposuresView struct {
	Query     url.Values
	Filter    store.WebFilter
	Status    string
	Items     []store.Exposure
	Total     int
	Page      int
	Pages     int
	First     int
	Last      int
	Services  []string
	DataTypes []string
	Error     string
}

func (srv *Server) exposuresPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	v := exposuresView{Query: q, Status: q.Get("status"), Page: 1}
	f, p, err := filterFromQuery(q)
	v.Filter = f
	code := http.StatusOK
	if err != nil {
		v.Error, code = err.Error(), http.StatusBadRequest
	} else {
		v.Items, v.Total, err = srv.st.WebExposures(ctx, f, p)
		if err != nil {
			srv.fail(w, r, err)
			return
		}
		v.Page = p.Offset/p.Limit + 1
		v.Pages = max(1, (v.Total+p.Limit-1)/p.Limit)
		if len(v.Items) > 0 {
			v.First, v.Last = p.Offset+1, p.Offset+len(v.Items)
		}
	}
	if v.Services, err = srv.st.ServiceNames(ctx); err != nil {
		srv.fail(w, r, err)
		return
	}
	if v.DataTypes, err = srv.st.DataTypes(ctx); err != nil {
		srv.fail(w, r, err)
		return
	}
	srv.render(w, r, code, "exposures", "Exposures", v)
}

type exposureView struct {
	Exposure  *store.Exposure
	Event     *event.Event
	History   []store.Sighting
	Inventory []event.Container
	InvTotal  int
	InvPage   int
	InvPages  int
	Query     url.Values
}

func (srv *Server) exposurePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	fp := q.Get("fp")
	e, err := srv.st.GetExposure(ctx, fp)
	if err != nil {
		srv.fail(w, r, err)
		return
	}
	v := exposureView{Exposure: e, Query: q, InvPage: 1}
	if row, err := srv.st.Service(ctx, e.LastServiceID); err == nil {
		v.Event = row.Event
	} else if !errors.Is(err, store.ErrNotFound) {
		srv.fail(w, r, err)
		return
	}
	if v.History, err = srv.st.ExposureHistory(ctx, fp); err != nil {
		srv.fail(w, r, err)
		return
	}
	if v.Event != nil && v.Event.Dataset != nil {
		// A server with 10,000 indices must not make a 10,000-row page.
		all := v.Event.Dataset.Containers
		v.InvTotal = len(all)
		v.InvPages = max(1, (len(all)+inventoryPerPage-1)/inventoryPerPage)
		if n, err := strconv.Atoi(q.Get("ipage")); err == nil && n >= 1 && n <= v.InvPages {
			v.InvPage = n
		}
		lo := (v.InvPage - 1) * inventoryPerPage
		v.Inventory = all[lo:min(len(all), lo+inventoryPerPage)]
	}
	srv.render(w, r, http.StatusOK, "exposure", e.Fingerprint, v)
}

func (srv *Server) scansPage(w http.ResponseWriter, r *http.Request) {
	scans, err := srv.st.ListScans(r.Context(), maxListedScans)
	if err != nil {
		srv.fail(w, r, err)
		return
	}
	srv.render(w, r, http.StatusOK, "scans", "Scans", scans)
}

type scanView struct {
	Scan     *store.Scan
	Services []store.ServiceSummary
	Total    int
	Page     int
	Pages    int
	Query    url.Values
}

func (srv *Server) scanPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sc, err := srv.st.GetScan(r.Context(), q.Get("id"))
	if err != nil {
		srv.fail(w, r, err)
		return
	}
	v := scanView{Scan: sc, Page: 1, Query: q}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n >= 1 && n <= 1_000_000 {
		v.Page = n
	}
	v.Services, v.Total, err = srv.st.ScanServices(r.Context(), sc.ID,
		store.Page{Limit: inventoryPerPage, Offset: (v.Page - 1) * inventoryPerPage})
	if err != nil {
		srv.fail(w, r, err)
		return
	}
	v.Pages = max(1, (v.Total+inventoryPerPage-1)/inventoryPerPage)
	srv.render(w, r, http.StatusOK, "scan", "Scan "+sc.ID, v)
}

// fail turns a store error into a page: 404 for what does not exist, 500
// (logged, not shown) for anything else.
func (srv *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		srv.errorPage(w, r, http.StatusNotFound, "Not found.")
		return
	}
	if strings.HasPrefix(err.Error(), "store: unknown") {
		srv.errorPage(w, r, http.StatusBadRequest, err.Error())
		return
	}
	srv.cfg.Log.Error("web: request failed", "path", r.URL.Path, "err", err)
	srv.errorPage(w, r, http.StatusInternalServerError, "Something went wrong; the server log says what.")
}
