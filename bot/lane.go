package bot

import "sync"

// lane is one worker's events in the order they came. It grows as needed:
// the Dispatcher bounds all lanes together (DispatcherConfig.Queue), so
// that how many events may wait does not depend on how many workers there
// are. One goroutine reads a lane at a time (the worker, or the one a
// stall handed it over to: stall.go); any may push.
type lane struct {
	mu     sync.Mutex
	jobs   []job
	head   int
	closed bool
	// wake holds a token while jobs may be waiting or the lane closed.
	wake chan struct{}
}

func newLane() *lane { return &lane{wake: make(chan struct{}, 1)} }

// push adds j at the end, and reports false when the lane is closed.
func (l *lane) push(j job) bool {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return false
	}
	l.jobs = append(l.jobs, j)
	l.mu.Unlock()
	l.signal()
	return true
}

func (l *lane) signal() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// pop takes the first event, waiting for one; ok is false once the lane
// is closed and empty.
func (l *lane) pop() (j job, ok bool) {
	for {
		l.mu.Lock()
		if l.head < len(l.jobs) {
			j = l.jobs[l.head]
			l.jobs[l.head] = job{} // not kept alive by the array
			l.head++
			if l.head == len(l.jobs) {
				// Empty: start again at the front of the same array,
				// unless a burst left it large.
				l.head = 0
				if cap(l.jobs) > laneKeep {
					l.jobs = nil
				} else {
					l.jobs = l.jobs[:0]
				}
			}
			l.mu.Unlock()
			return j, true
		}
		closed := l.closed
		l.mu.Unlock()
		if closed {
			l.signal() // for another reader after a hand-over
			return job{}, false
		}
		<-l.wake
	}
}

// laneKeep is the largest array an empty lane keeps for the next events.
const laneKeep = 256

// len is how many events wait.
func (l *lane) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.jobs) - l.head
}

// close stops pushes; pop returns what waits, then false.
func (l *lane) close() {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	l.signal()
}

// drain takes every waiting event out, for Close to count them.
func (l *lane) drain() []job {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := append([]job(nil), l.jobs[l.head:]...)
	l.jobs, l.head = nil, 0
	return out
}
