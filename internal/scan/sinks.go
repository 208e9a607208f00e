package scan

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"sync"

	"github.com/leakwatch/leakwatch/internal/event"
)

// Recorder is the store's write side (store.Store satisfies it).
type Recorder interface {
	RecordEvent(ctx context.Context, ev *event.Event) (bool, error)
}

// StoreSink records every event; the store transaction commits before the
// next event, so a killed scan loses nothing it delivered.
func StoreSink(r Recorder) Sink {
	return SinkFunc(func(ctx context.Context, ev *event.Event) error {
		_, err := r.RecordEvent(ctx, ev)
		return err
	})
}

// JSONLines writes one event per line (the format of docs/event.md).
func JSONLines(w io.Writer) Sink {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return SinkFunc(func(_ context.Context, ev *event.Event) error {
		if err := enc.Encode(ev); err != nil {
			return fmt.Errorf("writing event: %w", err)
		}
		return nil
	})
}

// Row is one line of the summary table: what a reader needs, no samples.
type Row struct {
	Target     string
	Service    string
	Version    string
	Status     event.Status
	Access     event.AccessLevel
	Containers int
	Documents  int64
	Severity   event.Severity
	ip         []byte
	port       int
}

// RowOf summarises an event.
func RowOf(ev *event.Event) Row {
	r := Row{Status: ev.Status, Access: ev.Access.Level, port: ev.Port}
	addr := net.JoinHostPort(ev.IP, strconv.Itoa(ev.Port))
	r.Target = addr
	if ev.Host != "" {
		r.Target = net.JoinHostPort(ev.Host, strconv.Itoa(ev.Port)) + " (" + ev.IP + ")"
	}
	if ip := net.ParseIP(ev.IP); ip != nil {
		r.ip = ip.To16()
	}
	if ev.Service != nil {
		r.Service = ev.Service.Name
		if ev.Service.Product != "" && ev.Service.Product != ev.Service.Name {
			r.Service += " (" + ev.Service.Product + ")"
		}
		r.Version = ev.Service.Version
	}
	if ev.Dataset != nil {
		r.Containers, r.Documents = ev.Dataset.Totals.Containers, ev.Dataset.Totals.Documents
	}
	if ev.Assessment != nil {
		r.Severity = ev.Assessment.Severity
	}
	return r
}

// Summary collects rows for the table printed at the end of a scan.
type Summary struct {
	mu   sync.Mutex
	rows []Row
}

// Event implements Sink.
func (s *Summary) Event(_ context.Context, ev *event.Event) error {
	s.mu.Lock()
	s.rows = append(s.rows, RowOf(ev))
	s.mu.Unlock()
	return nil
}

// Add adds a row (for `show`, which reads events from the store).
func (s *Summary) Add(ev *event.Event) { _ = s.Event(context.Background(), ev) }

// Rows returns the rows sorted by address and port.
func (s *Summary) Rows() []Row {
	s.mu.Lock()
	defer s.mu.Unlock()
	rows := slices.Clone(s.rows)
	slices.SortStableFunc(rows, func(a, b Row) int {
		if c := compareBytes(a.ip, b.ip); c != 0 {
			return c
		}
		return a.port - b.port
	})
	return rows
}

func compareBytes(a, b []byte) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return int(a[i]) - int(b[i])
		}
	}
	return len(a) - len(b)
}
