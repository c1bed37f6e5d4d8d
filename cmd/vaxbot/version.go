package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"runtime"
)

// version and commit name the build. The image sets them (deploy/Dockerfile):
//
//	go build -ldflags "-X main.version=1.4.0 -X main.commit=3f9c2ab" ./cmd/vaxbot
//
// A plain "go build" leaves them empty, and "vaxbot version" says "dev".
var version, commit string

// versionInfo is what "vaxbot version" prints; --json prints it as one object.
type versionInfo struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Go      string `json:"go"`
}

func buildInfo() versionInfo {
	v := versionInfo{Version: version, Commit: commit, Go: runtime.Version()}
	if v.Version == "" {
		v.Version = "dev"
	}
	if v.Commit == "" {
		v.Commit = "unknown"
	}
	return v
}

func runVersion(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, `print {"version":…,"commit":…,"go":…}`)
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: vaxbot version [--json]")
		return 2
	}
	v := buildInfo()
	if *asJSON {
		if err := json.NewEncoder(stdout).Encode(v); err != nil {
			return 1
		}
		return 0
	}
	fmt.Fprintf(stdout, "vaxbot %s (commit %s, %s)\n", v.Version, v.Commit, v.Go)
	return 0
}
