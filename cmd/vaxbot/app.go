package main

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/vaxbot/vaxbot/dialogs"
	"github.com/vaxbot/vaxbot/verify"
)

// engineOptions are the settings shared by the commands that run the
// conversation.
type engineOptions struct {
	registry string           // CSV file; "" or "demo" = the embedded demo
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
	// wrapMatcher, for tests only, wraps the knowledge index (a matcher
	// that panics on cue).
	wrapMatcher matcherWrap
	// picture is the public URL of a picture (dialogs.Config.Picture);
	// nil without VAXBOT_PUBLIC_URL.
	picture func(name string, lang dialogs.Lang) string
	// feedback asks "Did this help?" under QA answers (serve).
	feedback bool
	// reminders offers a reminder after card_too_new (serve).
	reminders bool
}

// matcherWrap wraps the engine's Matcher: a test hook (serveConfig,
// engineOptions).
type matcherWrap func(dialogs.Matcher) dialogs.Matcher

// upstreamFrom builds the deployment's record service when
// VAXBOT_REGISTRY_URL is set (nil otherwise): bearer VAXBOT_REGISTRY_TOKEN,
// optional client certificate VAXBOT_REGISTRY_CERT and VAXBOT_REGISTRY_KEY
// (PEM files).
func upstreamFrom(c serveConfig) (*verify.Upstream, error) {
	if c.RegistryURL == "" {
		return nil, nil
	}
	cfg := verify.UpstreamConfig{BaseURL: c.RegistryURL, Token: c.RegistryToken}
	if c.RegistryCert != "" || c.RegistryKey != "" {
		cert, err := verify.LoadClientCertificate(c.RegistryCert, c.RegistryKey)
		if err != nil {
			return nil, fmt.Errorf("VAXBOT_REGISTRY_CERT, VAXBOT_REGISTRY_KEY: %w", err)
		}
		cfg.Certificate = cert
	}
	up, err := verify.NewUpstream(cfg)
	if err != nil {
		return nil, fmt.Errorf("VAXBOT_REGISTRY_URL: %w", err)
	}
	return up, nil
}

// openRegistry is the registry the number checks ask: the record service
// up when set, else the CSV file, else ("" or demoRegistry) the embedded
// demo records as of now.
func openRegistry(file string, up *verify.Upstream, now time.Time) (verify.Registry, error) {
	switch {
	case up != nil:
		return up, nil
	case file == "" || file == demoRegistry:
		return verify.DemoRegistry(now), nil
	}
	reg, err := verify.LoadCSVFile(file)
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	return reg, nil
}

// buildEngine wires the knowledge base, the registry, the hotline directory
// and the words into a dialogs.Engine.
func buildEngine(o engineOptions) (*dialogs.Engine, error) {
	if o.now == nil {
		o.now = time.Now
	}
	ix, base, err := loadIndex()
	if err != nil {
		return nil, err
	}
	reg, err := openRegistry(o.registry, o.upstream, o.now())
	if err != nil {
		return nil, err
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
	var matcher dialogs.Matcher = ix
	if o.wrapMatcher != nil {
		matcher = o.wrapMatcher(ix)
	}
	return dialogs.New(dialogs.Config{
		Matcher: matcher, Topics: base, Registry: reg, Directory: dir, Words: words,
		Now: o.now, Idle: o.idle, Logger: o.logger, Observe: o.observe, Hasher: o.hasher,
		Limiter: o.limiter, Failures: o.failures, Channels: buckets, Picture: o.picture, Feedback: o.feedback, Reminders: o.reminders,
	})
}
