package main

import "testing"

func TestGCPercentFor(t *testing.T) {
	const MiB = 1 << 20
	tests := []struct {
		name string
		live uint64
		want int
	}{
		{"nothing marked yet", 0, 400},
		{"a server at rest", 12 * MiB, 400},
		{"where 400 % is the headroom", 16 * MiB, 400},
		{"just past it", 17 * MiB, 376},
		{"where the floor begins", 32 * MiB, 200},
		{"the headroom itself", 64 * MiB, 200},
		{"100 000 sessions", 100 * MiB, 200},
		{"a million sessions", 600 * MiB, 200},
		{"larger than any", 1 << 60, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := gcPercentFor(tt.live); got != tt.want {
				t.Errorf("gcPercentFor(%d) = %d, want %d", tt.live, got, tt.want)
			}
		})
	}
}
