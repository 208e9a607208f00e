//go:build linux

package discover

import (
	"context"
	"iter"
	"net/netip"
	"time"

	"golang.org/x/sys/unix"

	"github.com/leakwatch/leakwatch/internal/scope"
)

const haveEpoll = true

// task is one pair on its way through the scan.
type task struct {
	item  scope.Item
	seq   uint64 // watermark sequence number
	tries int    // attempts that timed out
	local int    // attempts that failed for local reasons
}

// slot is an in-flight socket, indexed by its descriptor.
type slot struct {
	t      task
	gen    uint32
	active bool
}

type deadline struct {
	fd  int32
	gen uint32
	at  time.Duration
}

type hostState struct {
	busy  int    // attempts started or reserved for this host
	queue []task // waiting for the host to have room
}

// maxLocalRetries bounds retries after local errors before a pair is
// counted as an error (never as closed).
const maxLocalRetries = 50

// epollScanner runs every connection attempt from one goroutine: sockets are
// nonblocking, epoll says when a connect finished, SO_ERROR says how. One
// loop keeps per-host counts, the token bucket and the deadlines without
// locks; on loopback the kernel work per attempt dominates anyway.
type epollScanner struct {
	cfg   Config
	found func(scope.Item)
	ep    int
	start time.Time

	next      func() (uint64, scope.Item, bool)
	exhausted bool

	slots    []slot
	inflight int
	hosts    map[netip.Addr]*hostState
	waiting  int    // tasks in host queues
	runnable []task // tasks holding a host reservation, ready to start (FIFO)
	runAt    int    // first live entry of runnable
	timers   []deadline
	timerAt  int // first live entry of timers
	bucket   *bucket
	pauseTil time.Duration // back-off after a local error
	backoff  time.Duration
	mark     watermark
	st       Stats
	reported time.Duration // when Progress was last called
}

func scanEpoll(ctx context.Context, cfg Config, items iter.Seq2[uint64, scope.Item], found func(scope.Item)) (Stats, error) {
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return Stats{}, err
	}
	defer unix.Close(ep)
	next, stop := iter.Pull2(items)
	defer stop()
	s := &epollScanner{
		cfg: cfg, found: found, ep: ep, start: time.Now(), next: next,
		hosts: map[netip.Addr]*hostState{}, bucket: newBucket(cfg.Rate),
	}
	err = s.run(ctx)
	s.st.Elapsed = time.Since(s.start)
	s.st.Done = s.mark.lowest()
	return s.st, err
}

func (s *epollScanner) now() time.Duration { return time.Since(s.start) }

func (s *epollScanner) run(ctx context.Context) error {
	events := make([]unix.EpollEvent, 1024)
	defer s.closeAll()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		s.fill()
		if s.inflight == 0 && s.runAt == len(s.runnable) && s.waiting == 0 && s.exhausted {
			return nil
		}
		n, err := unix.EpollWait(s.ep, events, s.sleepMillis())
		if err != nil && err != unix.EINTR {
			return err
		}
		for _, ev := range events[:max(n, 0)] {
			s.complete(int(ev.Fd))
		}
		s.expire()
		if now := s.now(); s.cfg.Progress != nil && now-s.reported >= s.cfg.ProgressEvery {
			s.reported = now
			st := s.st
			st.Elapsed, st.Done = now, s.mark.lowest()
			s.cfg.Progress(st)
		}
	}
}

// sleepMillis is how long epoll may sleep: until the next deadline, token
// or back-off end, capped so ctx cancellation is noticed within 50 ms.
func (s *epollScanner) sleepMillis() int {
	now := s.now()
	wait := 50 * time.Millisecond
	if s.timerAt < len(s.timers) {
		wait = min(wait, s.timers[s.timerAt].at-now)
	}
	if s.canStart() {
		if s.pauseTil > now {
			wait = min(wait, s.pauseTil-now)
		} else {
			wait = min(wait, s.bucket.wait(now))
		}
	}
	if wait <= 0 {
		return 0
	}
	return int((wait + time.Millisecond - 1) / time.Millisecond)
}

// canStart reports whether more work could start if tokens allowed.
func (s *epollScanner) canStart() bool {
	return s.inflight < s.cfg.Concurrency && (s.runAt < len(s.runnable) || !s.exhausted && s.waiting < s.maxWaiting())
}

// maxWaiting bounds tasks parked behind busy hosts, so one host with every
// port cannot pull the whole scope into memory.
func (s *epollScanner) maxWaiting() int { return 4*s.cfg.Concurrency + 1024 }

// fillBatch bounds the attempts one fill starts: loopback refusals settle
// inside fill, so without it one call could run a whole scan without
// looking at ctx, completions or progress.
const fillBatch = 4096

// fill starts attempts while concurrency, tokens and back-off allow.
func (s *epollScanner) fill() {
	for range fillBatch {
		if s.inflight >= s.cfg.Concurrency {
			return
		}
		now := s.now()
		if now < s.pauseTil {
			return
		}
		t, ok := s.take()
		if !ok {
			return
		}
		if !s.bucket.take(now) {
			s.unTake(t) // keep its host reservation and its place
			return
		}
		s.connect(t)
	}
}

// take returns the next task holding a host reservation: first the
// runnable queue, then new items from the iterator.
func (s *epollScanner) take() (task, bool) {
	if s.runAt < len(s.runnable) {
		t := s.runnable[s.runAt]
		s.runnable[s.runAt] = task{}
		if s.runAt++; s.runAt == len(s.runnable) {
			s.runnable, s.runAt = s.runnable[:0], 0
		}
		return t, true
	}
	for !s.exhausted && s.waiting < s.maxWaiting() {
		idx, it, ok := s.next()
		if !ok {
			s.exhausted = true
			break
		}
		t := task{item: it, seq: s.mark.add(idx)}
		h := s.hosts[it.IP]
		if h == nil {
			h = &hostState{}
			s.hosts[it.IP] = h
		}
		if h.busy < s.cfg.PerHost {
			h.busy++
			return t, true
		}
		h.queue = append(h.queue, t)
		s.waiting++
	}
	return task{}, false
}

// unTake puts t back at the head of the runnable queue.
func (s *epollScanner) unTake(t task) {
	if s.runAt > 0 {
		s.runAt--
		s.runnable[s.runAt] = t
		return
	}
	s.runnable = append([]task{t}, s.runnable...)
}

// connect starts one nonblocking connect.
func (s *epollScanner) connect(t task) {
	ip := t.item.IP
	family := unix.AF_INET
	var sa unix.Sockaddr
	if ip.Is4() {
		sa = &unix.SockaddrInet4{Port: t.item.Port, Addr: ip.As4()}
	} else {
		family = unix.AF_INET6
		sa = &unix.SockaddrInet6{Port: t.item.Port, Addr: ip.As16()}
	}
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
	if err != nil {
		s.settle(t, err)
		return
	}
	s.st.Attempts++
	err = unix.Connect(fd, sa)
	if err != unix.EINPROGRESS && err != unix.EINTR {
		closeRST(fd, err == nil)
		s.settle(t, err)
		return
	}
	// On loopback the kernel answers inside connect(): a refusal is already
	// in SO_ERROR, and reading it skips the epoll round trip (measured: 1,999
	// of 2,000 refusals). Elsewhere the answer needs a round trip, so don't ask.
	if ip.IsLoopback() {
		if soerr, gerr := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR); gerr == nil && soerr != 0 {
			unix.Close(fd)
			s.settle(t, unix.Errno(soerr))
			return
		}
	}
	ev := unix.EpollEvent{Events: unix.EPOLLOUT, Fd: int32(fd)}
	if err := unix.EpollCtl(s.ep, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		unix.Close(fd)
		s.settle(t, err)
		return
	}
	for fd >= len(s.slots) {
		s.slots = append(s.slots, make([]slot, len(s.slots)+64)...)
	}
	sl := &s.slots[fd]
	sl.gen++
	sl.t, sl.active = t, true
	s.inflight++
	if s.timerAt > 4096 && s.timerAt > len(s.timers)/2 {
		s.timers = append(s.timers[:0], s.timers[s.timerAt:]...)
		s.timerAt = 0
	}
	s.timers = append(s.timers, deadline{int32(fd), sl.gen, s.now() + s.cfg.Timeout})
}

// complete handles an epoll event: the connect finished one way or another.
func (s *epollScanner) complete(fd int) {
	if fd >= len(s.slots) || !s.slots[fd].active {
		return
	}
	sl := &s.slots[fd]
	var err error
	if soerr, gerr := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR); gerr != nil {
		err = gerr
	} else if soerr != 0 {
		err = unix.Errno(soerr)
	}
	t := sl.t
	sl.active = false
	sl.t = task{}
	s.inflight--
	closeRST(fd, err == nil) // closing also removes it from the epoll set
	s.settle(t, err)
}

// closeRST closes fd; a connected socket is reset (SO_LINGER 0) so no
// TIME_WAIT piles up on our side. Refused sockets need no such call.
func closeRST(fd int, connected bool) {
	if connected {
		_ = unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0})
	}
	unix.Close(fd)
}

// expire times out attempts past their deadline.
func (s *epollScanner) expire() {
	now := s.now()
	for s.timerAt < len(s.timers) && s.timers[s.timerAt].at <= now {
		d := s.timers[s.timerAt]
		s.timerAt++
		sl := &s.slots[d.fd]
		if !sl.active || sl.gen != d.gen {
			continue // finished already
		}
		// The connect may have finished with its event not yet read (more
		// than one epoll batch pending, or a slow loop): ask the socket
		// before calling it a timeout.
		pfd := []unix.PollFd{{Fd: d.fd, Events: unix.POLLOUT}}
		if n, _ := unix.Poll(pfd, 0); n > 0 {
			s.complete(int(d.fd))
			continue
		}
		t := sl.t
		sl.active = false
		sl.t = task{}
		s.inflight--
		unix.Close(int(d.fd))
		s.settle(t, unix.ETIMEDOUT)
	}
}

// settle records how an attempt ended, retrying where that makes sense.
func (s *epollScanner) settle(t task, err error) {
	switch classify(err) {
	case outOpen:
		s.st.Open++
		s.found(t.item)
	case outClosed:
		s.st.Closed++
	case outTimeout:
		if t.tries < s.cfg.Retries {
			t.tries++
			s.st.Retried++
			s.runnable = append(s.runnable, t)
			return
		}
		s.st.TimedOut++
	case outLocal:
		// Not the target's answer: pause new attempts and try again.
		if t.local < maxLocalRetries {
			t.local++
			s.st.Retried++
			s.backoff = min(max(2*s.backoff, time.Millisecond), 500*time.Millisecond)
			s.pauseTil = s.now() + s.backoff
			s.runnable = append(s.runnable, t)
			return
		}
		s.st.Errors++
	default:
		s.st.Errors++
	}
	if s.backoff > 0 && classify(err) != outLocal {
		s.backoff /= 2
	}
	s.mark.finish(t.seq)
	s.release(t.item.IP)
}

// release frees a host reservation, handing it to a waiting task if any.
func (s *epollScanner) release(ip netip.Addr) {
	h := s.hosts[ip]
	if len(h.queue) > 0 {
		t := h.queue[0]
		h.queue = h.queue[1:]
		s.waiting--
		s.runnable = append(s.runnable, t)
		return
	}
	h.busy--
	if h.busy == 0 {
		delete(s.hosts, ip)
	}
}

func (s *epollScanner) closeAll() {
	for fd := range s.slots {
		if s.slots[fd].active {
			s.slots[fd].active = false
			unix.Close(fd)
		}
	}
}
