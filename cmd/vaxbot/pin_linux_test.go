package main

import (
	"os/exec"
	"slices"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// TestPinStartsChildrenOnTheServersCPUs: --pin keeps the last CPU for the
// generator and starts a child, every thread of it, on the others, told
// its GOMAXPROCS.
func TestPinStartsChildrenOnTheServersCPUs(t *testing.T) {
	pin, err := newCPUPin()
	if err != nil {
		t.Skipf("cannot pin here: %v", err)
	}
	var all unix.CPUSet
	if err := unix.SchedGetaffinity(0, &all); err != nil {
		t.Fatal(err)
	}
	if !all.IsSet(pin.genCPU) || slices.Contains(pin.serverCPUs, pin.genCPU) || len(pin.serverCPUs)+1 != all.Count() {
		t.Fatalf("generator on %d, servers on %v, of %d CPUs", pin.genCPU, pin.serverCPUs, all.Count())
	}
	for _, cpu := range pin.serverCPUs {
		if cpu > pin.genCPU {
			t.Errorf("server CPU %d after the generator's %d: the generator takes the last", cpu, pin.genCPU)
		}
	}
	cmd := exec.Command("sleep", "10")
	if err := pin.start(cmd); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	threads, err := pin.pinProcess(cmd.Process.Pid)
	if err != nil || threads < 1 {
		t.Fatalf("pinProcess: %d threads, %v", threads, err)
	}
	var got unix.CPUSet
	if err := unix.SchedGetaffinity(cmd.Process.Pid, &got); err != nil {
		t.Fatal(err)
	}
	if got != pin.servers {
		t.Errorf("the child's CPUs are %v, want %v", got, pin.servers)
	}
	if want := "GOMAXPROCS=" + strconv.Itoa(len(pin.serverCPUs)); !slices.Contains(cmd.Env, want) {
		t.Errorf("the child's environment has no %s", want)
	}
}
