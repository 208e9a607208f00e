package notify

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/leakwatch/leakwatch/internal/store"
)

// Outbox is the store's delivery side.
type Outbox interface {
	DueDeliveries(ctx context.Context, now time.Time, channels []string, limit int) ([]store.DueDelivery, error)
	DeliveryDone(ctx context.Context, alertID int64, channel string) error
	DeliveryFailed(ctx context.Context, alertID int64, channel, errText string, next time.Time) error
}

// Dispatcher sends the outbox's due deliveries through the channels it
// knows and retries failures with exponential backoff. Deliveries for a
// channel it does not know stay pending for a process that does.
type Dispatcher struct {
	Store    Outbox
	Channels []Channel
	// Backoff returns the wait after the attempt-th failure (nil: 5 s
	// doubling up to 1 h, ±20 % jitter).
	Backoff func(attempt int) time.Duration
	Poll    time.Duration // how often the outbox is checked (0: 2 s)
	Log     func(format string, args ...any)

	kick chan struct{}
	once sync.Once
}

// DefaultBackoff: 5 s, 10 s, 20 s … capped at 1 h, with ±20 % jitter so
// many alerts for a channel that was down do not retry in lockstep.
func DefaultBackoff(attempt int) time.Duration {
	d := 5 * time.Second
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	d = min(d, time.Hour)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

func (d *Dispatcher) init() {
	d.once.Do(func() { d.kick = make(chan struct{}, 1) })
}

// Kick makes Run look at the outbox now (new alerts were recorded).
func (d *Dispatcher) Kick() {
	d.init()
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

func (d *Dispatcher) logf(format string, args ...any) {
	if d.Log != nil {
		d.Log(format, args...)
	}
}

// Once attempts every due delivery once and returns how many succeeded and
// failed. Deliveries of one channel are sent one after another, in alert
// order; channels run in parallel, so a dead one does not hold up the rest.
func (d *Dispatcher) Once(ctx context.Context) (sent, failed int, err error) {
	byName := map[string]Channel{}
	var names []string
	for _, c := range d.Channels {
		byName[c.Name()] = c
		names = append(names, c.Name())
	}
	if len(names) == 0 {
		return 0, 0, nil
	}
	due, err := d.Store.DueDeliveries(ctx, time.Now(), names, 500)
	if err != nil {
		return 0, 0, err
	}
	perChannel := map[string][]store.DueDelivery{}
	for _, dd := range due {
		perChannel[dd.Channel] = append(perChannel[dd.Channel], dd)
	}
	backoff := d.Backoff
	if backoff == nil {
		backoff = DefaultBackoff
	}
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for name, list := range perChannel {
		ch := byName[name]
		wg.Go(func() {
			for _, dd := range list {
				if ctx.Err() != nil {
					return
				}
				sendErr := ch.Send(ctx, dd.Alert)
				var recErr error
				if sendErr == nil {
					recErr = d.Store.DeliveryDone(context.WithoutCancel(ctx), dd.AlertID, name)
				} else {
					next := time.Now().Add(backoff(dd.Attempts + 1))
					d.logf("alert %d to %s: attempt %d failed: %v (next try %s)", dd.AlertID, name, dd.Attempts+1,
						sendErr, next.Format(time.RFC3339))
					recErr = d.Store.DeliveryFailed(context.WithoutCancel(ctx), dd.AlertID, name, sendErr.Error(), next)
				}
				mu.Lock()
				if sendErr == nil {
					sent++
				} else {
					failed++
				}
				if recErr != nil {
					errs = append(errs, fmt.Errorf("recording delivery of alert %d to %s: %w", dd.AlertID, name, recErr))
				}
				mu.Unlock()
				if sendErr != nil {
					// The channel is down: the rest of its queue waits for
					// the next round instead of piling up failures now.
					return
				}
			}
		})
	}
	wg.Wait()
	return sent, failed, errors.Join(errs...)
}

// Run delivers until ctx ends.
func (d *Dispatcher) Run(ctx context.Context) error {
	d.init()
	poll := d.Poll
	if poll <= 0 {
		poll = 2 * time.Second
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if _, _, err := d.Once(ctx); err != nil && ctx.Err() == nil {
			d.logf("delivering alerts: %v", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-d.kick:
		}
	}
}
