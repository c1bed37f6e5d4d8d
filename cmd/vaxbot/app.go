package main

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/knowledge"
	"github.com/vaxbot/vaxbot/verify"
)

// engineOptions are the settings shared by the commands that run the
// conversation.
type engineOptions struct {
	registry string           // CSV file; "" = the embedded demo
	upstream *verify.Upstream // the deployment's record service, instead of a CSV
	hotlines string           // TOML file; "" = the shipped directory
	idle     time.Duration
	now      func() time.Time
	logger   *slog.Logger
	observe  func(kind, value string)
	hasher   interface{ Hash(id string) string }
	limiter  dialogs.Limiter // lookups per person (in memory when nil)
	failures dialogs.Counter // failed checks per ID (in memory when nil)
	// checkRate is the number checks per second per channel
	// (dialogs.DefaultChannelRate when 0), with bursts of two seconds' worth.
	checkRate int
	// checks, when set, limits number checks per channel instead of
	// checkRate's in-memory buckets (replicas share it in Redis).
	checks dialogs.ChannelLimit
}

// upstreamFromEnv builds the HTTP registry when VAXBOT_REGISTRY_URL is set:
// bearer VAXBOT_REGISTRY_TOKEN, optional client certificate
// VAXBOT_REGISTRY_CERT and VAXBOT_REGISTRY_KEY (PEM files).
func upstreamFromEnv(getenv func(string) string) (*verify.Upstream, error) {
	base := getenv("VAXBOT_REGISTRY_URL")
	if base == "" {
		return nil, nil
	}
	cfg := verify.UpstreamConfig{BaseURL: base, Token: getenv("VAXBOT_REGISTRY_TOKEN")}
	if cert, key := getenv("VAXBOT_REGISTRY_CERT"), getenv("VAXBOT_REGISTRY_KEY"); cert != "" || key != "" {
		c, err := verify.LoadClientCertificate(cert, key)
		if err != nil {
			return nil, fmt.Errorf("registry client certificate: %w", err)
		}
		cfg.Certificate = c
	}
	up, err := verify.NewUpstream(cfg)
	if err != nil {
		return nil, fmt.Errorf("VAXBOT_REGISTRY_URL: %w", err)
	}
	return up, nil
}

// buildEngine wires the knowledge base, the registry, the hotline directory
// and the words into a dialogs.Engine.
func buildEngine(o engineOptions) (*dialogs.Engine, error) {
	if o.now == nil {
		o.now = time.Now
	}
	base, err := knowledge.Default()
	if err != nil {
		return nil, err
	}
	ix, err := knowledge.NewIndex(base)
	if err != nil {
		return nil, err
	}
	var reg verify.Registry
	if o.upstream != nil {
		reg = o.upstream
	} else if o.registry == "" {
		reg = verify.DemoRegistry(o.now())
	} else if reg, err = verify.LoadCSVFile(o.registry); err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	dir, err := dialogs.DefaultDirectory()
	if o.hotlines != "" {
		dir, err = dialogs.LoadDirectory(o.hotlines)
	}
	if err != nil {
		return nil, err
	}
	words, err := dialogs.DefaultWords()
	if err != nil {
		return nil, err
	}
	buckets := o.checks // nil: the default
	if buckets == nil && o.checkRate > 0 {
		buckets = dialogs.NewBuckets(float64(o.checkRate), 2*o.checkRate)
	}
	return dialogs.New(dialogs.Config{
		Matcher: ix, Topics: base, Registry: reg, Directory: dir, Words: words,
		Now: o.now, Idle: o.idle, Logger: o.logger, Observe: o.observe, Hasher: o.hasher,
		Limiter: o.limiter, Failures: o.failures, Channels: buckets,
	})
}
