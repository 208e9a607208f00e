package scan

import (
	"context"
	"fmt"
	"io"
	"time"
)

// ShowProgress redraws one status line on w (a terminal) every interval
// until ctx ends, then clears it.
func ShowProgress(ctx context.Context, w io.Writer, c *Counters, total uint64, interval time.Duration) {
	start := time.Now()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			fmt.Fprint(w, "\r\033[K")
			return
		case <-tick.C:
			fmt.Fprint(w, "\r\033[K"+ProgressLine(c, total, time.Since(start)))
		}
	}
}

// ProgressLine is the one-line status of a running scan.
func ProgressLine(c *Counters, total uint64, elapsed time.Duration) string {
	pulled := c.Pulled.Load()
	pct := 100.0
	if total > 0 {
		pct = float64(pulled) * 100 / float64(total)
	}
	return fmt.Sprintf("%5.1f%% %d/%d probed  %d open  %d identified  %d exposed  %s",
		pct, pulled, total, c.Open.Load(), c.Identified.Load(), c.Exposed.Load(), elapsed.Round(time.Second))
}
