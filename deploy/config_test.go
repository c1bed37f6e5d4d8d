package deploy

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"
)

// secretVariables are the variables that hold keys, tokens or passwords:
// they belong in the Secret, never in the ConfigMap.
var secretVariables = []string{
	"VAXBOT_LINE_CHANNEL_SECRET", "VAXBOT_LINE_CHANNEL_TOKEN",
	"VAXBOT_TELEGRAM_TOKEN", "VAXBOT_TELEGRAM_SECRET",
	"VAXBOT_VOICE_AUTH_TOKEN", "VAXBOT_REGISTRY_TOKEN",
	"VAXBOT_HASH_KEY", "VAXBOT_DATA_KEY", "VAXBOT_OPS_TOKEN",
	"VAXBOT_REDIS_ADDR", "VAXBOT_DATABASE_URL", // their URLs carry passwords
}

// coming are variables issue 16 adds to serve while these manifests are
// written: the admin listener, the drain and its bound. The test allows
// them before the server reads them, and says so; once it does, they are
// checked as any other.
var coming = []string{"VAXBOT_ADMIN_ADDR", "VAXBOT_DRAIN", "VAXBOT_SHUTDOWN_TIMEOUT"}

// checkVariable fails unless the server reads name (or it is Go's own).
func checkVariable(t *testing.T, where, name string) {
	t.Helper()
	switch {
	case name == "GOMEMLIMIT" || name == "GOGC":
	case slices.Contains(serverVariables(t), name):
	case slices.Contains(coming, name):
		t.Logf("%s: %s is not read by the server yet (issue 16 adds it)", where, name)
	default:
		t.Errorf("%s: %s is not a variable the server reads", where, name)
	}
}

func TestConfigMapHoldsSettingsOnly(t *testing.T) {
	forEachOverlay(t, func(t *testing.T, m *manifests) {
		vars := m.settings(t)
		for name := range vars {
			checkVariable(t, "the ConfigMap", name)
			if slices.Contains(secretVariables, name) {
				t.Errorf("%s is in the ConfigMap: it belongs in the Secret", name)
			}
		}
		for _, name := range []string{"VAXBOT_ADDR", "VAXBOT_ADMIN_ADDR", "VAXBOT_DATA_DIR", "VAXBOT_DRAIN", "VAXBOT_SHUTDOWN_TIMEOUT"} {
			if _, ok := vars[name]; !ok {
				t.Errorf("the ConfigMap does not set %s, which the manifests depend on", name)
			}
		}
	})
}

func TestSecretExample(t *testing.T) {
	f, err := os.Open("secret.env.example")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var keys []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			t.Errorf("secret.env.example: %q is not KEY=VALUE", line)
			continue
		}
		if value != "" {
			t.Errorf("secret.env.example: %s has a value: the example holds no secret, not even a sample", name)
		}
		checkVariable(t, "secret.env.example", name)
		if !slices.Contains(secretVariables, name) {
			t.Errorf("secret.env.example: %s is a setting: it belongs in base/config.env", name)
		}
		keys = append(keys, name)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, name := range secretVariables {
		if !slices.Contains(keys, name) {
			t.Errorf("secret.env.example does not list %s", name)
		}
	}
}
