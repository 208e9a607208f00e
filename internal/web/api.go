package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/store"
)

// The JSON API (docs/api.md, docs/openapi.yaml) serves the same data as the
// pages. Lists are {"items": [...], "total": N, "page": P, "per_page": K}.

type listResponse[T any] struct {
	Items   []T `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

func (srv *Server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		apiError(w, http.StatusNotFound, "not found")
		return
	}
	srv.cfg.Log.Error("web: api request failed", "path", r.URL.Path, "err", err)
	apiError(w, http.StatusInternalServerError, "internal error")
}

func (srv *Server) apiOverview(w http.ResponseWriter, r *http.Request) {
	ov, err := srv.st.WebOverview(r.Context())
	if err != nil {
		srv.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ov)
}

func (srv *Server) apiSeries(w http.ResponseWriter, r *http.Request) {
	limit := 100
	if s := r.URL.Query().Get("scans"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			apiError(w, http.StatusBadRequest, "scans must be 1 to 1000")
			return
		}
		limit = n
	}
	pts, err := srv.st.ExposureSeries(r.Context(), limit)
	if err != nil {
		srv.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"points": pts})
}

func (srv *Server) apiExposures(w http.ResponseWriter, r *http.Request) {
	f, p, err := filterFromQuery(r.URL.Query())
	if err != nil {
		apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	items, total, err := srv.st.WebExposures(r.Context(), f, p)
	if err != nil {
		srv.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listResponse[store.Exposure]{Items: items, Total: total,
		Page: p.Offset/p.Limit + 1, PerPage: p.Limit})
}

// exposureDetail is an exposure with its last sighting's event (inventory,
// findings with redacted examples, assessment). Raw samples are never in an
// event's JSON.
type exposureDetail struct {
	store.Exposure
	Event *event.Event `json:"event,omitempty"`
}

func (srv *Server) apiExposure(w http.ResponseWriter, r *http.Request) {
	e, err := srv.st.GetExposure(r.Context(), r.URL.Query().Get("fingerprint"))
	if err != nil {
		srv.apiFail(w, r, err)
		return
	}
	d := exposureDetail{Exposure: *e}
	if row, err := srv.st.Service(r.Context(), e.LastServiceID); err == nil {
		d.Event = row.Event
	} else if !errors.Is(err, store.ErrNotFound) {
		srv.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (srv *Server) apiHistory(w http.ResponseWriter, r *http.Request) {
	h, err := srv.st.ExposureHistory(r.Context(), r.URL.Query().Get("fingerprint"))
	if err != nil {
		srv.apiFail(w, r, err)
		return
	}
	if h == nil {
		h = []store.Sighting{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"sightings": h})
}

func (srv *Server) apiScans(w http.ResponseWriter, r *http.Request) {
	limit := 100
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxListedScans {
			apiError(w, http.StatusBadRequest, "limit must be 1 to 500")
			return
		}
		limit = n
	}
	scans, err := srv.st.ListScans(r.Context(), limit)
	if err != nil {
		srv.apiFail(w, r, err)
		return
	}
	if scans == nil {
		scans = []store.Scan{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": scans})
}

func (srv *Server) apiScan(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sc, err := srv.st.GetScan(r.Context(), q.Get("id"))
	if err != nil {
		srv.apiFail(w, r, err)
		return
	}
	page, per := 1, 100
	if s := q.Get("page"); s != "" {
		if page, err = strconv.Atoi(s); err != nil || page < 1 || page > 1_000_000 {
			apiError(w, http.StatusBadRequest, "page must be a positive number")
			return
		}
	}
	if s := q.Get("per_page"); s != "" {
		if per, err = strconv.Atoi(s); err != nil || per < 1 || per > maxPerPage {
			apiError(w, http.StatusBadRequest, "per_page must be 1 to 200")
			return
		}
	}
	svcs, total, err := srv.st.ScanServices(r.Context(), sc.ID, store.Page{Limit: per, Offset: (page - 1) * per})
	if err != nil {
		srv.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"scan": sc,
		"services": listResponse[store.ServiceSummary]{Items: svcs, Total: total, Page: page, PerPage: per}})
}
