package discover

import (
	"context"
	"iter"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/leakwatch/leakwatch/internal/scope"
)

// scanDialer is the portable engine: one goroutine and one net.Dialer call
// per attempt. Simpler than the epoll loop, and slower (see bench/README.md).
func scanDialer(ctx context.Context, cfg Config, items iter.Seq2[uint64, scope.Item], found func(scope.Item)) (Stats, error) {
	start := time.Now()
	now := func() time.Duration { return time.Since(start) }
	var (
		mu    sync.Mutex // guards st, mark, hosts; serialises found
		st    Stats
		mark  watermark
		hosts = map[netip.Addr]chan struct{}{}
		wg    sync.WaitGroup
	)
	sem := make(chan struct{}, cfg.Concurrency)
	bkt := newBucket(cfg.Rate)
	var backoffMu sync.Mutex
	var pauseTil time.Duration
	backoff := time.Duration(0)

	sleep := func(d time.Duration) bool {
		if d <= 0 {
			return true
		}
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return true
		}
	}
	// token blocks until the rate limit and any local-error back-off allow an attempt.
	token := func() bool {
		for {
			backoffMu.Lock()
			wait := pauseTil - now()
			if wait <= 0 {
				wait = bkt.wait(now())
				if wait <= 0 {
					bkt.take(now())
					backoffMu.Unlock()
					return true
				}
			}
			backoffMu.Unlock()
			if !sleep(wait) {
				return false
			}
		}
	}
	dialer := net.Dialer{Timeout: cfg.Timeout}
	// Dials get ctx's cancellation but not its deadline: a dial cut short by
	// the scan's deadline must not look like the target's timeout.
	dialCtx, dialCancel := context.WithCancel(context.WithoutCancel(ctx))
	defer dialCancel()
	defer context.AfterFunc(ctx, dialCancel)()
	probe := func(seq uint64, it scope.Item, hostSem chan struct{}) {
		defer wg.Done()
		defer func() { <-sem; <-hostSem }()
		addr := net.JoinHostPort(it.IP.String(), strconv.Itoa(it.Port))
		tries, local := 0, 0
		var out outcome
		for {
			mu.Lock()
			st.Attempts++
			mu.Unlock()
			conn, err := dialer.DialContext(dialCtx, "tcp", addr)
			if err == nil {
				if tc, ok := conn.(*net.TCPConn); ok {
					_ = tc.SetLinger(0)
				}
				conn.Close()
			}
			if ctx.Err() != nil {
				return // not completed: Done stays below it
			}
			out = classify(err)
			if out == outTimeout && tries < cfg.Retries {
				tries++
			} else if out == outLocal && local < maxLocalRetries {
				local++
				backoffMu.Lock()
				backoff = min(max(2*backoff, time.Millisecond), 500*time.Millisecond)
				pauseTil = now() + backoff
				backoffMu.Unlock()
			} else {
				break
			}
			mu.Lock()
			st.Retried++
			mu.Unlock()
			if !token() {
				return
			}
		}
		mu.Lock()
		defer mu.Unlock()
		switch out {
		case outOpen:
			st.Open++
			found(it)
		case outClosed:
			st.Closed++
		case outTimeout:
			st.TimedOut++
		default:
			st.Errors++
		}
		mark.finish(seq)
	}

	stopProgress := func() {}
	if cfg.Progress != nil {
		tick := time.NewTicker(cfg.ProgressEvery)
		stopTick := make(chan struct{})
		tickDone := make(chan struct{})
		go func() {
			defer close(tickDone)
			for {
				select {
				case <-tick.C:
					mu.Lock()
					s := st
					s.Elapsed, s.Done = now(), mark.lowest()
					cfg.Progress(s)
					mu.Unlock()
				case <-stopTick:
					return
				}
			}
		}()
		stopProgress = func() { tick.Stop(); close(stopTick); <-tickDone }
	}

	var err error
	for idx, it := range items {
		if err = ctx.Err(); err != nil {
			break
		}
		mu.Lock()
		seq := mark.add(idx)
		hs := hosts[it.IP]
		if hs == nil {
			hs = make(chan struct{}, cfg.PerHost)
			hosts[it.IP] = hs
		}
		mu.Unlock()
		// Acquire the host, then a token, then a global slot; in this order
		// a busy host holds up the producer but never wastes a token.
		select {
		case hs <- struct{}{}:
		case <-ctx.Done():
		}
		if err = ctx.Err(); err != nil {
			break
		}
		if !token() {
			<-hs
			err = ctx.Err()
			break
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if err = ctx.Err(); err != nil {
			<-hs
			break
		}
		wg.Add(1)
		go probe(seq, it, hs)
		mu.Lock()
		if len(hosts) > 4*cfg.Concurrency { // forget idle hosts
			for ip, c := range hosts {
				if len(c) == 0 {
					delete(hosts, ip)
				}
			}
		}
		mu.Unlock()
	}
	wg.Wait()
	stopProgress()
	if err == nil {
		err = ctx.Err()
	}
	st.Elapsed = time.Since(start)
	st.Done = mark.lowest()
	return st, err
}
