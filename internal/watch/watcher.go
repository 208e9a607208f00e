package watch

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/leakwatch/leakwatch/internal/alert"
	"github.com/leakwatch/leakwatch/internal/notify"
	"github.com/leakwatch/leakwatch/internal/store"
)

// ScanFunc scans one group (Scanner.Scan in production).
type ScanFunc func(ctx context.Context, g Group, started func(scanID string)) (ScanResult, error)

// Watcher runs the groups of a configuration on their schedules until its
// context ends. One watcher per database: it takes over the jobs a killed
// predecessor left running.
type Watcher struct {
	Store    *store.Store
	Config   *Config
	Scan     ScanFunc
	Channels []notify.Channel // built by Config.Validate
	// Tick is how often the schedule is checked (0: a fifth of the shortest
	// interval, between 1 s and 10 s): a group runs at most Tick after it
	// is due.
	Tick time.Duration
	// Backoff and DeliveryPoll tune the outbox dispatcher (0: its defaults).
	Backoff      func(attempt int) time.Duration
	DeliveryPoll time.Duration
	Log          func(format string, args ...any)
	// Logger receives River's own logs (nil: warnings and errors only, to stderr).
	Logger *slog.Logger

	dispatcher *notify.Dispatcher
	groups     map[string]Group
	mu         sync.Mutex // serialises alert computation
}

// scanArgs is the River job of one group's scan; unique by group among
// unfinished jobs, so a group never runs twice at once and a slow scan does
// not pile up queued runs.
type scanArgs struct {
	Group string `json:"group"`
}

func (scanArgs) Kind() string { return "leakwatch_scan" }

func (scanArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		MaxAttempts: 1, // a failed scan is simply run again when next due
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
			rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
			rivertype.JobStateRetryable, rivertype.JobStateScheduled}},
	}
}

// tickArgs is River's periodic job that queues the groups that are due.
type tickArgs struct{}

func (tickArgs) Kind() string { return "leakwatch_tick" }

func (tickArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateScheduled}}}
}

type scanWorker struct {
	river.WorkerDefaults[scanArgs]
	w *Watcher
}

// Timeout: a scan takes as long as it takes (River's default is 1 minute).
func (*scanWorker) Timeout(*river.Job[scanArgs]) time.Duration { return -1 }

func (sw *scanWorker) Work(ctx context.Context, job *river.Job[scanArgs]) error {
	return sw.w.runGroup(ctx, job.Args.Group)
}

type tickWorker struct {
	river.WorkerDefaults[tickArgs]
	w *Watcher
}

func (tw *tickWorker) Work(ctx context.Context, _ *river.Job[tickArgs]) error {
	return tw.w.queueDue(ctx, river.ClientFromContext[*sql.Tx](ctx))
}

func (w *Watcher) logf(format string, args ...any) {
	if w.Log != nil {
		w.Log(format, args...)
	}
}

// Run watches until ctx ends. A scan running then is stopped and recorded
// as interrupted; the next start runs that group again at once.
func (w *Watcher) Run(ctx context.Context) error {
	if w.Config == nil || w.Scan == nil || w.Store == nil {
		return errors.New("watch: Store, Config and Scan are required")
	}
	w.groups = map[string]Group{}
	for _, g := range w.Config.Groups {
		every, err := g.Interval()
		if err != nil {
			return err
		}
		if err := w.Store.SaveWatchGroup(ctx, g.Name, g.JSON(), every); err != nil {
			return err
		}
		w.groups[g.Name] = g
	}
	db := w.Store.WriterDB()
	driver := queueDriver(w.Store, db)
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: w.logger()})
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("watch: job queue schema: %w", err)
	}
	if err := w.recover(ctx, db); err != nil {
		return err
	}

	w.dispatcher = &notify.Dispatcher{Store: w.Store, Channels: w.Channels, Backoff: w.Backoff, Poll: w.DeliveryPoll, Log: w.Log}
	tick := w.Tick
	if tick <= 0 {
		tick = defaultTick(w.Config.Groups)
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &scanWorker{w: w})
	river.AddWorker(workers, &tickWorker{w: w})
	client, err := river.NewClient(driver, &river.Config{
		Logger:            w.logger(),
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: max(2, min(len(w.groups)+1, 16))}},
		Workers:           workers,
		FetchPollInterval: min(tick, time.Second),
		FetchCooldown:     50 * time.Millisecond,
		PeriodicJobs: []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(tick),
			func() (river.JobArgs, *river.InsertOpts) { return tickArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true, ID: "leakwatch_tick"})},
	})
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	dctx, stopDispatch := context.WithCancel(context.WithoutCancel(ctx))
	dispatched := make(chan struct{})
	go func() { w.dispatcher.Run(dctx); close(dispatched) }()
	defer func() { stopDispatch(); <-dispatched }()

	if err := client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	<-ctx.Done()
	stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return client.StopAndCancel(stopCtx)
}

// queueDriver is River's driver for the store's database. PostgreSQL uses
// the database/sql driver rather than riverpgxv5: the workers and queueDue
// take a *sql.Tx on both databases, so nothing else depends on which one.
// It polls for jobs (no LISTEN/NOTIFY), as riversqlite does.
func queueDriver(st *store.Store, db *sql.DB) riverdriver.Driver[*sql.Tx] {
	if st.Postgres() {
		return riverdatabasesql.New(db)
	}
	return riversqlite.New(db)
}

func defaultTick(groups []Group) time.Duration {
	tick := 10 * time.Second
	for _, g := range groups {
		if every, err := g.Interval(); err == nil {
			tick = min(tick, every/5)
		}
	}
	return max(tick, time.Second)
}

func (w *Watcher) logger() *slog.Logger {
	if w.Logger != nil {
		return w.Logger
	}
	return slog.New(slog.NewTextHandler(logWriter{w}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type logWriter struct{ w *Watcher }

func (l logWriter) Write(p []byte) (int, error) {
	l.w.logf("river: %s", string(p))
	return len(p), nil
}

// recover cleans up after a watcher that was killed: its running jobs are
// orphans (nobody will finish them, and as "running" they would block
// their group for River's rescue delay), its running scans are
// interrupted, and a finished scan whose alerts were not computed yet gets
// them now.
func (w *Watcher) recover(ctx context.Context, db *sql.DB) error {
	now := `datetime('now', 'subsec')`
	if w.Store.Postgres() {
		now = `now()`
	}
	if _, err := db.ExecContext(ctx, `UPDATE river_job SET state = 'cancelled', finalized_at = `+now+`
		WHERE state = 'running' AND kind IN ('leakwatch_scan', 'leakwatch_tick')`); err != nil {
		return fmt.Errorf("watch: releasing orphaned jobs: %w", err)
	}
	groups, err := w.Store.WatchGroups(ctx)
	if err != nil {
		return err
	}
	for _, g := range groups {
		if g.LastScanID == "" || g.LastStatus != store.ScanRunning {
			continue
		}
		sc, err := w.Store.GetScan(ctx, g.LastScanID)
		if err != nil {
			return err
		}
		status := sc.Status
		if status == store.ScanRunning {
			if err := w.Store.FinishScan(ctx, sc.ID, store.Finish{Status: store.ScanInterrupted, Error: "watcher stopped"}); err != nil {
				return err
			}
			status = store.ScanInterrupted
		}
		if status == store.ScanDone {
			if err := w.alertScan(ctx, g.Name, sc.ID); err != nil {
				return err
			}
		}
		if err := w.Store.WatchGroupRan(ctx, g.Name, *g.LastRun, sc.ID, status, ""); err != nil {
			return err
		}
		w.logf("group %s: scan %s left %s by the previous watcher", g.Name, sc.ID, status)
	}
	return nil
}

// due reports whether a group should run now.
func due(g store.WatchGroup, now time.Time) bool {
	if g.LastRun == nil || g.LastStatus == store.ScanInterrupted {
		return true
	}
	return !now.Before(g.LastRun.Add(g.Every))
}

// queueDue inserts a scan job for every configured group that is due; the
// unique options drop the insert when the group's job is already queued or
// running.
func (w *Watcher) queueDue(ctx context.Context, client *river.Client[*sql.Tx]) error {
	groups, err := w.Store.WatchGroups(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	for _, g := range groups {
		if _, ok := w.groups[g.Name]; !ok || !due(g, now) {
			continue
		}
		res, err := client.Insert(ctx, scanArgs{Group: g.Name}, nil)
		if err != nil {
			return fmt.Errorf("watch: queue %s: %w", g.Name, err)
		}
		if !res.UniqueSkippedAsDuplicate {
			w.logf("group %s: scan queued", g.Name)
		}
	}
	return nil
}

// runGroup scans a group, records the run and computes its alerts.
func (w *Watcher) runGroup(ctx context.Context, name string) error {
	g, ok := w.groups[name]
	if !ok {
		return nil // removed from the configuration
	}
	started := time.Now().UTC()
	bg := context.WithoutCancel(ctx)
	res, err := w.Scan(ctx, g, func(id string) {
		if err := w.Store.WatchGroupRan(bg, name, started, id, store.ScanRunning, ""); err != nil {
			w.logf("group %s: %v", name, err)
		}
	})
	errText := ""
	switch {
	case err != nil && ctx.Err() != nil:
		// Stopped while starting: not a failure, run it again first thing.
		res.Status, err = store.ScanInterrupted, nil
	case err != nil:
		errText = err.Error()
		if res.Status == "" {
			res.Status = store.ScanFailed
		}
	}
	if res.Status == store.ScanDone {
		if aerr := w.alertScan(bg, name, res.ScanID); aerr != nil {
			err, errText = errors.Join(err, aerr), errors.Join(err, aerr).Error()
		}
	}
	if rerr := w.Store.WatchGroupRan(bg, name, started, res.ScanID, res.Status, errText); rerr != nil {
		err = errors.Join(err, rerr)
	}
	w.logf("group %s: scan %s %s in %s (%d exposed)", name, res.ScanID, res.Status,
		time.Since(started).Round(time.Millisecond), res.Stats.Exposed)
	if err != nil {
		w.logf("group %s: %v", name, err)
	}
	return nil // the failure is recorded; River must not retry on its own
}

// alertScan computes and records a finished scan's alerts (once per scan)
// and wakes the dispatcher.
func (w *Watcher) alertScan(ctx context.Context, group, scanID string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	g := w.groups[group]
	opts := alert.Options{WipeMinDocuments: w.Config.Alerts.WipeMinDocuments, WipeRemain: w.Config.Alerts.WipeRemain}
	stored, err := alert.RecordScan(ctx, w.Store, scanID, opts, func(a store.Alert) []string {
		var out []string
		for _, ch := range w.Channels {
			if (len(g.Channels) == 0 || slices.Contains(g.Channels, ch.Name())) && alert.Passes(a.Severity, ch.MinSeverity()) {
				out = append(out, ch.Name())
			}
		}
		return out
	})
	if err != nil {
		return err
	}
	for _, a := range stored {
		state := ""
		if a.SuppressedBy != 0 {
			state = fmt.Sprintf(" (suppressed by #%d)", a.SuppressedBy)
		}
		w.logf("alert %s: %s%s", a.Severity, a.Title, state)
	}
	if w.dispatcher != nil && len(stored) > 0 {
		w.dispatcher.Kick()
	}
	return nil
}
