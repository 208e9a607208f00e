package discover

import "time"

// bucket is a token bucket: rate tokens per second, at most burst saved.
// Not safe for concurrent use; each engine owns one.
type bucket struct {
	rate, burst, tokens float64
	last                time.Duration // monotonic time of the last refill
	unlimited           bool
}

func newBucket(rate int) *bucket {
	if rate < 0 {
		return &bucket{unlimited: true}
	}
	// A burst of ~5 ms worth (at least 1) keeps the rate smooth while the
	// epoll loop, which sleeps in milliseconds, still keeps up.
	burst := max(1, float64(rate)/200)
	return &bucket{rate: float64(rate), burst: burst, tokens: burst}
}

func (b *bucket) refill(now time.Duration) {
	if b.unlimited {
		return
	}
	b.tokens = min(b.burst, b.tokens+float64(now-b.last)*b.rate/float64(time.Second))
	b.last = now
}

// take spends one token if there is one.
func (b *bucket) take(now time.Duration) bool {
	if b.unlimited {
		return true
	}
	b.refill(now)
	if b.tokens >= 1 {
		b.tokens--
		return true
	}
	return false
}

// wait returns how long until the next token.
func (b *bucket) wait(now time.Duration) time.Duration {
	if b.unlimited {
		return 0
	}
	b.refill(now)
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) * float64(time.Second) / b.rate)
}
