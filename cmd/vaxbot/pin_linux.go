package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"

	"golang.org/x/sys/unix"
)

// cpuPin splits the CPUs this process may use between the load generator
// (the last one) and the servers and floors it starts (the others), so
// that the generator's work does not land on the cores it measures
// ("vaxbot load --pin").
type cpuPin struct {
	gen, servers unix.CPUSet
	genCPU       int
	serverCPUs   []int
}

// newCPUPin plans the split; an error when there are fewer than two CPUs.
func newCPUPin() (*cpuPin, error) {
	var all unix.CPUSet
	if err := unix.SchedGetaffinity(0, &all); err != nil {
		return nil, fmt.Errorf("pin: the CPUs this process may use: %w", err)
	}
	var cpus []int
	for cpu := range len(all) * 64 {
		if all.IsSet(cpu) {
			cpus = append(cpus, cpu)
		}
	}
	if len(cpus) < 2 {
		return nil, fmt.Errorf("pin: %d CPU, none to spare for the generator", len(cpus))
	}
	c := &cpuPin{genCPU: cpus[len(cpus)-1], serverCPUs: cpus[:len(cpus)-1]}
	c.gen.Set(c.genCPU)
	for _, cpu := range c.serverCPUs {
		c.servers.Set(cpu)
	}
	return c, nil
}

// String says where everything runs.
func (c *cpuPin) String() string {
	return fmt.Sprintf("the generator and the fake LINE API on CPU %d (GOMAXPROCS 1), the servers on CPUs %v (GOMAXPROCS %d)", c.genCPU, c.serverCPUs, len(c.serverCPUs))
}

// pinSelf moves every thread of this process to the generator's CPU;
// threads started later inherit it.
func (c *cpuPin) pinSelf() error {
	runtime.GOMAXPROCS(1)
	_, err := pinThreads(os.Getpid(), &c.gen)
	return err
}

// start starts cmd on the servers' CPUs: it is forked from a thread
// pinned to them, so that the child and every thread it starts inherit
// them, and it is told its GOMAXPROCS.
func (c *cpuPin) start(cmd *exec.Cmd) error {
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, "GOMAXPROCS="+strconv.Itoa(len(c.serverCPUs)))
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var before unix.CPUSet
	if err := unix.SchedGetaffinity(0, &before); err != nil {
		return fmt.Errorf("pin: the forking thread's CPUs: %w", err)
	}
	if err := unix.SchedSetaffinity(0, &c.servers); err != nil {
		return fmt.Errorf("pin: the forking thread: %w", err)
	}
	err := cmd.Start()
	if err2 := unix.SchedSetaffinity(0, &before); err2 != nil && err == nil {
		err = fmt.Errorf("pin: the forking thread back: %w", err2)
	}
	return err
}

// pinProcess sets the servers' CPUs on every thread of process pid (in
// case one escaped the inheritance) and returns how many it has.
func (c *cpuPin) pinProcess(pid int) (int, error) { return pinThreads(pid, &c.servers) }

// pinThreads sets set on every thread of process pid, listed in
// /proc/PID/task, until a listing finds no thread it had not pinned.
func pinThreads(pid int, set *unix.CPUSet) (int, error) {
	done := map[int]bool{}
	for {
		tasks, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
		if err != nil {
			return 0, fmt.Errorf("pin: the threads of %d: %w", pid, err)
		}
		fresh := false
		for _, t := range tasks {
			tid, err := strconv.Atoi(t.Name())
			if err != nil || done[tid] {
				continue
			}
			// A thread that ended meanwhile is no error.
			if err := unix.SchedSetaffinity(tid, set); err != nil && !errors.Is(err, unix.ESRCH) {
				return 0, fmt.Errorf("pin: thread %d of %d: %w", tid, pid, err)
			}
			done[tid], fresh = true, true
		}
		if !fresh {
			return len(done), nil
		}
	}
}
