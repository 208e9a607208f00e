package web

import (
	"net/http"
	"time"

	"github.com/leakwatch/leakwatch/internal/store"
)

// The watch page and API show what `leakwatch watch` keeps in the store:
// its groups' schedules, alerts with the state of their deliveries, and
// suppressions. Read-only: schedules and suppressions are changed with the
// CLI. A group's configuration JSON is never shown: it can name channels
// and their secrets (webhook URLs, SMTP passwords).

// watchGroupView is a group without its configuration.
type watchGroupView struct {
	Name       string     `json:"name"`
	EverySec   int64      `json:"every_seconds"`
	Every      string     `json:"-"`
	LastRun    *time.Time `json:"last_run,omitempty"`
	NextRun    *time.Time `json:"next_run,omitempty"` // absent: due now
	LastScanID string     `json:"last_scan_id,omitempty"`
	LastStatus string     `json:"last_status,omitempty"`
	LastError  string     `json:"last_error,omitempty"`
}

type watchView struct {
	Groups       []watchGroupView
	Alerts       []store.AlertWithDeliveries
	Suppressions []store.Suppression
	Now          time.Time
}

const listedAlerts = 100

func (srv *Server) watchData(r *http.Request) (*watchView, error) {
	ctx := r.Context()
	groups, err := srv.st.WatchGroups(ctx)
	if err != nil {
		return nil, err
	}
	v := &watchView{Now: time.Now()}
	for _, g := range groups {
		gv := watchGroupView{Name: g.Name, EverySec: int64(g.Every / time.Second), Every: g.Every.String(),
			LastRun: g.LastRun, LastScanID: g.LastScanID, LastStatus: g.LastStatus, LastError: g.LastError}
		if next := g.NextRun(); !next.IsZero() {
			gv.NextRun = &next
		}
		v.Groups = append(v.Groups, gv)
	}
	if v.Alerts, err = srv.st.ListAlerts(ctx, store.AlertFilter{Limit: listedAlerts}); err != nil {
		return nil, err
	}
	if v.Suppressions, err = srv.st.Suppressions(ctx, true); err != nil {
		return nil, err
	}
	return v, nil
}

func (srv *Server) watchPage(w http.ResponseWriter, r *http.Request) {
	v, err := srv.watchData(r)
	if err != nil {
		srv.fail(w, r, err)
		return
	}
	srv.render(w, r, http.StatusOK, "watch", "Watch and alerts", v)
}

func (srv *Server) apiWatch(w http.ResponseWriter, r *http.Request) {
	v, err := srv.watchData(r)
	if err != nil {
		srv.apiFail(w, r, err)
		return
	}
	if v.Groups == nil {
		v.Groups = []watchGroupView{}
	}
	if v.Alerts == nil {
		v.Alerts = []store.AlertWithDeliveries{}
	}
	if v.Suppressions == nil {
		v.Suppressions = []store.Suppression{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"groups": v.Groups, "alerts": v.Alerts, "suppressions": v.Suppressions})
}
