//go:build !linux

package main

import (
	"errors"
	"os/exec"
)

// cpuPin would split the CPUs between the load generator and the servers;
// pinning needs Linux's sched_setaffinity.
type cpuPin struct{}

func newCPUPin() (*cpuPin, error)                 { return nil, errors.New("pin: not on Linux") }
func (c *cpuPin) String() string                  { return "unpinned" }
func (c *cpuPin) pinSelf() error                  { return nil }
func (c *cpuPin) start(cmd *exec.Cmd) error       { return cmd.Start() }
func (c *cpuPin) pinProcess(pid int) (int, error) { return 0, nil }
