package deploy

import (
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// The server's defaults for what the manifests must agree with
// (cmd/vaxbot/config.go).
const (
	defaultDrain           = 5 * time.Second
	defaultShutdownTimeout = 20 * time.Second
	// exitMargin: after the shutdown bound, serve exits within a second.
	exitMargin = time.Second
)

func TestStrictDecodingRefusesUnknownFields(t *testing.T) {
	var m manifests
	doc := []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replica: 2\n")
	if err := m.decodeStrict(doc); err == nil {
		t.Error("a Deployment with spec.replica (not replicas) decoded: the decoding is not strict")
	}
	doc = []byte("apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: x}\nspec: {endpoint: []}\n")
	if err := m.decodeStrict(doc); err == nil {
		t.Error("a ServiceMonitor with spec.endpoint decoded: the decoding is not strict")
	}
}

func TestOverlaysHoldWhatTheyShould(t *testing.T) {
	forEachOverlay(t, func(t *testing.T, m *manifests) {
		d, c := m.deployment(t)
		if d.Namespace != "vaxbot" {
			t.Errorf("Deployment in namespace %q, want vaxbot", d.Namespace)
		}
		if len(m.namespaces) != 1 || m.namespaces[0].Labels[psaapi.EnforceLevelLabel] != string(psaapi.LevelRestricted) {
			t.Errorf("want the namespace vaxbot, enforcing Pod Security %q", psaapi.LevelRestricted)
		}
		if len(m.secrets) > 0 {
			t.Errorf("the build holds %d Secret(s): keys are created in the cluster (secret.env.example), never built from files in git", len(m.secrets))
		}
		if !strings.Contains(c.Image, ":") || strings.HasSuffix(c.Image, ":latest") {
			t.Errorf("image %q: pin a version tag in the overlay's images", c.Image)
		}
		var secretRef bool
		for _, from := range c.EnvFrom {
			if from.SecretRef != nil && from.SecretRef.Name == "vaxbot-secrets" {
				secretRef = true
			}
		}
		if !secretRef {
			t.Error("the container does not read the Secret vaxbot-secrets")
		}
		for _, o := range m.objects() {
			if o.labels["app.kubernetes.io/name"] != "vaxbot" || (o.namespace != "vaxbot" && o.kind != "Namespace") {
				t.Errorf("%s %s: want the label app.kubernetes.io/name=vaxbot and the namespace vaxbot", o.kind, o.name)
			}
		}
		if len(m.serviceMonitors) != 1 || len(m.rules) != 1 || m.configMap("vaxbot-grafana-dashboard") == nil {
			t.Error("want the monitoring component: a ServiceMonitor, a PrometheusRule and the dashboard's ConfigMap")
		}
	})
}

// containerPort resolves a probe's or Service's port (a number or a name)
// to the container's port number, or 0.
func containerPort(c *corev1.Container, p intstr.IntOrString) int32 {
	for _, cp := range c.Ports {
		if (p.Type == intstr.String && cp.Name == p.StrVal) || (p.Type == intstr.Int && cp.ContainerPort == p.IntVal) {
			return cp.ContainerPort
		}
	}
	return 0
}

// listenPort is the port of a listen address such as ":8080".
func listenPort(t *testing.T, name, addr string) int32 {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	n, perr := strconv.Atoi(port)
	if err != nil || perr != nil {
		t.Fatalf("%s=%q: want host:port", name, addr)
	}
	return int32(n)
}

// ports are the public and admin ports, from the ConfigMap's VAXBOT_ADDR
// and VAXBOT_ADMIN_ADDR, each checked to be a port of the container.
func ports(t *testing.T, m *manifests) (public, admin int32) {
	t.Helper()
	_, c := m.deployment(t)
	vars := m.settings(t)
	public = listenPort(t, "VAXBOT_ADDR", vars["VAXBOT_ADDR"])
	admin = listenPort(t, "VAXBOT_ADMIN_ADDR", vars["VAXBOT_ADMIN_ADDR"])
	if public == admin {
		t.Fatalf("VAXBOT_ADDR and VAXBOT_ADMIN_ADDR share port %d", public)
	}
	for _, p := range []int32{public, admin} {
		if containerPort(c, intstr.FromInt32(p)) == 0 {
			t.Fatalf("port %d is not a port of the container", p)
		}
	}
	return public, admin
}

func TestProbesOnServedPaths(t *testing.T) {
	forEachOverlay(t, func(t *testing.T, m *manifests) {
		_, c := m.deployment(t)
		public, _ := ports(t, m)
		for _, p := range []struct {
			name  string
			probe *corev1.Probe
			path  string
		}{
			{"startupProbe", c.StartupProbe, "/healthz"},
			{"readinessProbe", c.ReadinessProbe, "/readyz"},
			{"livenessProbe", c.LivenessProbe, "/healthz"},
		} {
			if p.probe == nil || p.probe.HTTPGet == nil {
				t.Errorf("%s: want an httpGet probe", p.name)
				continue
			}
			get := p.probe.HTTPGet
			if get.Path != p.path {
				t.Errorf("%s on %s, want %s", p.name, get.Path, p.path)
			}
			if !servedLiteral(t, get.Path) {
				t.Errorf("%s on %s: the server's source has no route %q", p.name, get.Path, get.Path)
			}
			if port := containerPort(c, get.Port); port != public {
				t.Errorf("%s on port %s (%d), want the public port %d", p.name, get.Port.String(), port, public)
			}
		}
		// Liveness must outlast a slow moment: a restart drops sessions
		// in single.
		if lp := c.LivenessProbe; lp != nil && lp.FailureThreshold*lp.PeriodSeconds < 20 {
			t.Errorf("livenessProbe restarts after %d s of failures: too quick", lp.FailureThreshold*lp.PeriodSeconds)
		}
	})
}

func TestRestrictedSecurityContext(t *testing.T) {
	eval, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		t.Fatal(err)
	}
	forEachOverlay(t, func(t *testing.T, m *manifests) {
		d, _ := m.deployment(t)
		checkRestricted(t, eval, &d.Spec.Template)
	})
}

// checkRestricted fails when Pod Security's "restricted" profile refuses
// the pod template, or a container does not ask for each of its points
// explicitly.
func checkRestricted(t *testing.T, eval policy.Evaluator, pod *corev1.PodTemplateSpec) {
	t.Helper()
	{
		lv := psaapi.LevelVersion{Level: psaapi.LevelRestricted, Version: psaapi.LatestVersion()}
		res := policy.AggregateCheckResults(eval.EvaluatePod(lv, &pod.ObjectMeta, &pod.Spec))
		if !res.Allowed {
			t.Errorf("Pod Security %q refuses the pod: %s: %s", psaapi.LevelRestricted, res.ForbiddenReason(), res.ForbiddenDetail())
		}
		// Beyond the profile, asked for explicitly on every container.
		all := append(slices.Clone(pod.Spec.InitContainers), pod.Spec.Containers...)
		for _, c := range all {
			sc := c.SecurityContext
			switch {
			case sc == nil:
				t.Errorf("%s: no securityContext", c.Name)
			case sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem:
				t.Errorf("%s: readOnlyRootFilesystem is not true", c.Name)
			case sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation:
				t.Errorf("%s: allowPrivilegeEscalation is not false", c.Name)
			case sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) > 0:
				t.Errorf("%s: capabilities: want drop [ALL] and nothing added", c.Name)
			case sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot:
				t.Errorf("%s: runAsNonRoot is not true", c.Name)
			case sc.SeccompProfile == nil || sc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault:
				t.Errorf("%s: seccompProfile is not RuntimeDefault", c.Name)
			}
		}
		if a := pod.Spec.AutomountServiceAccountToken; a == nil || *a {
			t.Error("automountServiceAccountToken is not false: vaxbot never calls the Kubernetes API")
		}
	}
}

// volume returns the pod's volume called name.
func volume(spec *corev1.PodSpec, name string) *corev1.Volume {
	for i := range spec.Volumes {
		if spec.Volumes[i].Name == name {
			return &spec.Volumes[i]
		}
	}
	return nil
}

// sources counts the volume sources set on v: a strategic merge patch that
// adds one without removing the other leaves two, which the API refuses.
func sources(t *testing.T, v *corev1.Volume) int {
	t.Helper()
	b, err := json.Marshal(v.VolumeSource)
	if err != nil {
		t.Fatal(err)
	}
	var set map[string]json.RawMessage
	if err := json.Unmarshal(b, &set); err != nil {
		t.Fatal(err)
	}
	return len(set)
}

func TestWritablePaths(t *testing.T) {
	forEachOverlay(t, func(t *testing.T, m *manifests) {
		d, c := m.deployment(t)
		spec := &d.Spec.Template.Spec
		for _, v := range spec.Volumes {
			if n := sources(t, &v); n != 1 {
				t.Errorf("volume %s has %d sources, want 1", v.Name, n)
			}
		}
		dataDir := m.settings(t)["VAXBOT_DATA_DIR"]
		if !strings.HasPrefix(dataDir, "/") {
			t.Fatalf("VAXBOT_DATA_DIR=%q: want an absolute path (the root filesystem is read-only)", dataDir)
		}
		var data *corev1.Volume
		for _, vm := range c.VolumeMounts {
			if vm.MountPath == dataDir && !vm.ReadOnly {
				data = volume(spec, vm.Name)
			}
		}
		if data == nil {
			t.Fatalf("VAXBOT_DATA_DIR %s is not a writable volume mount", dataDir)
		}
		if m.overlay == "overlays/single" {
			pvc := data.PersistentVolumeClaim
			if pvc == nil {
				t.Fatalf("single: VAXBOT_DATA_DIR is on %s, want the PersistentVolumeClaim", data.Name)
			}
			if !slices.ContainsFunc(m.pvcs, func(p *corev1.PersistentVolumeClaim) bool { return p.Name == pvc.ClaimName }) {
				t.Errorf("single: the claim %s is not in the overlay", pvc.ClaimName)
			}
		}
	})
}

// goMemLimit reads a GOMEMLIMIT value: bytes, or a number with B, KiB,
// MiB, GiB or TiB, as the Go runtime does.
func goMemLimit(s string) (int64, error) {
	units := []struct {
		suffix string
		factor int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"B", 1}}
	factor := int64(1)
	for _, u := range units {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			s, factor = n, u.factor
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("GOMEMLIMIT=%q: want a size such as 600MiB", s)
	}
	return n * factor, nil
}

func TestResourcesAndGOMEMLIMIT(t *testing.T) {
	forEachOverlay(t, func(t *testing.T, m *manifests) {
		_, c := m.deployment(t)
		req, lim := c.Resources.Requests, c.Resources.Limits
		cpu, reqMem, limMem := req[corev1.ResourceCPU], req[corev1.ResourceMemory], lim[corev1.ResourceMemory]
		if cpu.IsZero() || reqMem.IsZero() || limMem.IsZero() {
			t.Fatalf("want CPU and memory requests and a memory limit, got requests %v, limits %v", req, lim)
		}
		if reqMem.Cmp(limMem) > 0 {
			t.Errorf("memory request %s above the limit %s", reqMem.String(), limMem.String())
		}
		s, ok := m.settings(t)["GOMEMLIMIT"]
		if !ok {
			t.Fatal("no GOMEMLIMIT: serve lets the heap grow to five times a small live heap (GOGC=400), 64 MiB past a large one, unless capped")
		}
		goLimit, err := goMemLimit(s)
		if err != nil {
			t.Fatal(err)
		}
		// Under the limit with room for what Go does not count (the
		// binary's text, page cache), and high enough to be the one that
		// acts, not the OOM killer.
		if max := limMem.Value() * 90 / 100; goLimit > max {
			t.Errorf("GOMEMLIMIT %s is above 90 %% of the memory limit %s", s, limMem.String())
		}
		if min := limMem.Value() * 60 / 100; goLimit < min {
			t.Errorf("GOMEMLIMIT %s is below 60 %% of the memory limit %s: memory paid for and never used", s, limMem.String())
		}
		if _, ok := m.settings(t)["GOGC"]; ok {
			t.Error("GOGC is set: the arithmetic in deployment.yaml assumes serve's own target (raiseGCTarget)")
		}
	})
}

// duration reads one of the server's duration settings, or its default.
func duration(t *testing.T, vars map[string]string, name string, def time.Duration) time.Duration {
	t.Helper()
	s, ok := vars[name]
	if !ok {
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatalf("%s=%q: %v", name, s, err)
	}
	return d
}

func TestGracePeriodCoversTheShutdown(t *testing.T) {
	forEachOverlay(t, func(t *testing.T, m *manifests) {
		d, c := m.deployment(t)
		vars := m.settings(t)
		drain := duration(t, vars, "VAXBOT_DRAIN", defaultDrain)
		bound := duration(t, vars, "VAXBOT_SHUTDOWN_TIMEOUT", defaultShutdownTimeout)
		var preStop time.Duration
		if c.Lifecycle != nil && c.Lifecycle.PreStop != nil {
			h := c.Lifecycle.PreStop
			if h.Sleep == nil {
				t.Fatal("preStop: want a sleep action (the image has no shell)")
			}
			preStop = time.Duration(h.Sleep.Seconds) * time.Second
		}
		if preStop == 0 {
			t.Error("no preStop sleep: the pod gets SIGTERM before kube-proxy and the ingress controller stop sending to it")
		}
		if preStop > drain+bound {
			t.Errorf("preStop sleeps %v, longer than the server's whole shutdown: that is waste", preStop)
		}
		need := preStop + drain + bound + exitMargin
		gp := d.Spec.Template.Spec.TerminationGracePeriodSeconds
		if gp == nil || time.Duration(*gp)*time.Second <= need {
			t.Errorf("terminationGracePeriodSeconds %v, want above preStop %v + VAXBOT_DRAIN %v + VAXBOT_SHUTDOWN_TIMEOUT %v + %v to exit = %v",
				gp, preStop, drain, bound, exitMargin, need)
		}
	})
}

func TestAdminPortNotPublic(t *testing.T) {
	forEachOverlay(t, func(t *testing.T, m *manifests) {
		_, c := m.deployment(t)
		public, admin := ports(t, m)
		if len(m.ingresses) != 1 {
			t.Fatalf("%d Ingresses, want 1", len(m.ingresses))
		}
		ing := m.ingresses[0]
		hosts := map[string]bool{}
		for _, tls := range ing.Spec.TLS {
			if tls.SecretName == "" {
				t.Error("an Ingress TLS entry without a certificate Secret")
			}
			for _, h := range tls.Hosts {
				hosts[h] = true
			}
		}
		if ing.Spec.DefaultBackend != nil {
			t.Error("the Ingress has a default backend: every other path would reach vaxbot")
		}
		var paths []string
		for _, rule := range ing.Spec.Rules {
			if !hosts[rule.Host] {
				t.Errorf("host %q is not covered by the Ingress's TLS", rule.Host)
			}
			if rule.HTTP == nil {
				t.Fatal("an Ingress rule without paths")
			}
			for _, p := range rule.HTTP.Paths {
				paths = append(paths, p.Path)
				if p.Path != "/webhook/" && p.Path != "/voice/" {
					t.Errorf("the Ingress publishes %s: only /webhook/ and /voice/ are public", p.Path)
				}
				if !servedLiteral(t, p.Path) {
					t.Errorf("the Ingress publishes %s, which the server's source does not route", p.Path)
				}
				if p.PathType == nil || *p.PathType != "Prefix" {
					t.Errorf("%s: want pathType Prefix", p.Path)
				}
				b := p.Backend.Service
				if b == nil {
					t.Fatalf("%s: want a Service backend", p.Path)
				}
				svc := m.service(b.Name)
				if svc == nil {
					t.Fatalf("%s: the Ingress's Service %s is not in the overlay", p.Path, b.Name)
				}
				// The Service the Ingress uses has no port reaching the
				// admin listener, and the backend port reaches the public one.
				for _, sp := range svc.Spec.Ports {
					if sp.Port == admin || containerPort(c, sp.TargetPort) == admin {
						t.Errorf("Service %s (the Ingress's) has port %s reaching the admin port %d", svc.Name, sp.Name, admin)
					}
				}
				var target int32
				for _, sp := range svc.Spec.Ports {
					if (b.Port.Name != "" && sp.Name == b.Port.Name) || (b.Port.Name == "" && sp.Port == b.Port.Number) {
						target = containerPort(c, sp.TargetPort)
					}
				}
				if target != public {
					t.Errorf("%s: the Ingress's backend reaches port %d, want the public %d", p.Path, target, public)
				}
			}
		}
		if !slices.Contains(paths, "/webhook/") || !slices.Contains(paths, "/voice/") {
			t.Errorf("Ingress paths %v: want /webhook/ and /voice/", paths)
		}
		// The admin port is reached through a Service of its own, which the
		// ServiceMonitor scrapes.
		var adminSvc *corev1.Service
		for _, s := range m.services {
			for _, sp := range s.Spec.Ports {
				if containerPort(c, sp.TargetPort) == admin {
					adminSvc = s
				}
			}
		}
		if adminSvc == nil {
			t.Fatal("no Service reaches the admin port")
		}
		sm := m.serviceMonitors[0]
		if !labels.SelectorFromSet(sm.Spec.Selector.MatchLabels).Matches(labels.Set(adminSvc.Labels)) {
			t.Errorf("the ServiceMonitor does not select Service %s", adminSvc.Name)
		}
		for _, s := range m.services {
			if s != adminSvc && labels.SelectorFromSet(sm.Spec.Selector.MatchLabels).Matches(labels.Set(s.Labels)) {
				t.Errorf("the ServiceMonitor also selects Service %s", s.Name)
			}
		}
		for _, ep := range sm.Spec.Endpoints {
			if !slices.ContainsFunc(adminSvc.Spec.Ports, func(p corev1.ServicePort) bool { return p.Name == ep.Port }) {
				t.Errorf("the ServiceMonitor scrapes port %q, which Service %s does not name", ep.Port, adminSvc.Name)
			}
			if ep.Path != "/metrics" || !servedLiteral(t, ep.Path) {
				t.Errorf("the ServiceMonitor scrapes %q, want /metrics", ep.Path)
			}
		}
	})
}

// allowedDisruptions is how many pods the budget lets go out of n.
func allowedDisruptions(t *testing.T, m *manifests, n int32) int32 {
	t.Helper()
	if len(m.pdbs) != 1 {
		t.Fatalf("%d PodDisruptionBudgets, want 1", len(m.pdbs))
	}
	spec := m.pdbs[0].Spec
	switch {
	case spec.MaxUnavailable != nil:
		v, err := intstr.GetScaledValueFromIntOrPercent(spec.MaxUnavailable, int(n), false)
		if err != nil {
			t.Fatal(err)
		}
		return int32(v)
	case spec.MinAvailable != nil:
		v, err := intstr.GetScaledValueFromIntOrPercent(spec.MinAvailable, int(n), true)
		if err != nil {
			t.Fatal(err)
		}
		return n - int32(v)
	}
	t.Fatal("the PodDisruptionBudget sets neither maxUnavailable nor minAvailable")
	return 0
}

func TestBudgetAutoscalerAndRollout(t *testing.T) {
	forEachOverlay(t, func(t *testing.T, m *manifests) {
		d, c := m.deployment(t)
		podLabels := labels.Set(d.Spec.Template.Labels)
		sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
		if err != nil || !sel.Matches(podLabels) {
			t.Fatalf("the Deployment's selector does not match its pods (%v)", err)
		}
		if len(m.pdbs) == 1 {
			if sel, err := metav1.LabelSelectorAsSelector(m.pdbs[0].Spec.Selector); err != nil || !sel.Matches(podLabels) {
				t.Errorf("the PodDisruptionBudget does not select vaxbot's pods (%v)", err)
			}
		}
		switch len(m.hpas) {
		case 0: // single: one replica, in-memory sessions
			if d.Spec.Replicas == nil || *d.Spec.Replicas != 1 {
				t.Errorf("replicas %v without an autoscaler: single runs exactly 1 (sessions in memory)", d.Spec.Replicas)
			}
			if allowedDisruptions(t, m, 1) < 1 {
				t.Error("the budget allows no disruption of the one replica: every node drain would block")
			}
			// One replica on a ReadWriteOnce volume: a surge pod could
			// not mount it, so the old one stops first.
			if d.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType {
				t.Errorf("strategy %s: single's volume is ReadWriteOnce, want Recreate", d.Spec.Strategy.Type)
			}
		case 1:
			hpa := m.hpas[0]
			ref := hpa.Spec.ScaleTargetRef
			if ref.Kind != "Deployment" || ref.Name != d.Name || ref.APIVersion != "apps/v1" {
				t.Errorf("the autoscaler scales %s %s, want Deployment %s", ref.Kind, ref.Name, d.Name)
			}
			if d.Spec.Replicas != nil {
				t.Errorf("replicas %d in the Deployment: the autoscaler owns it, and an apply would reset it", *d.Spec.Replicas)
			}
			min := int32(1)
			if hpa.Spec.MinReplicas != nil {
				min = *hpa.Spec.MinReplicas
			}
			if hpa.Spec.MaxReplicas < min {
				t.Errorf("maxReplicas %d below minReplicas %d", hpa.Spec.MaxReplicas, min)
			}
			if left := min - allowedDisruptions(t, m, min); left < 2 {
				t.Errorf("at %d replicas the budget leaves %d serving during a drain, want at least 2", min, left)
			}
			if allowedDisruptions(t, m, min) < 1 {
				t.Error("the budget allows no disruption at minReplicas: node drains would block")
			}
			for _, metric := range hpa.Spec.Metrics {
				if metric.Resource != nil && metric.Resource.Name == corev1.ResourceCPU {
					if q := c.Resources.Requests[corev1.ResourceCPU]; q.IsZero() {
						t.Error("the autoscaler targets CPU utilization but the container requests no CPU")
					}
				}
			}
			if len(hpa.Spec.Metrics) == 0 {
				t.Error("the autoscaler has no metric")
			}
			ru := d.Spec.Strategy.RollingUpdate
			if d.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType || ru == nil {
				t.Fatalf("strategy %s: want RollingUpdate", d.Spec.Strategy.Type)
			}
			// Never below the replicas, so never below the budget.
			if ru.MaxUnavailable == nil || ru.MaxUnavailable.IntValue() != 0 || ru.MaxUnavailable.Type != intstr.Int {
				t.Errorf("rollingUpdate.maxUnavailable %v, want 0", ru.MaxUnavailable)
			}
			if ru.MaxSurge == nil || ru.MaxSurge.Type != intstr.Int || ru.MaxSurge.IntValue() != 1 {
				t.Errorf("rollingUpdate.maxSurge %v, want 1", ru.MaxSurge)
			}
		default:
			t.Fatalf("%d autoscalers", len(m.hpas))
		}
		spread := d.Spec.Template.Spec.TopologySpreadConstraints
		if !slices.ContainsFunc(spread, func(s corev1.TopologySpreadConstraint) bool {
			ls, err := metav1.LabelSelectorAsSelector(s.LabelSelector)
			return s.TopologyKey == "kubernetes.io/hostname" && err == nil && ls.Matches(podLabels)
		}) {
			t.Error("no topology spread of vaxbot's pods across nodes (kubernetes.io/hostname)")
		}
	})
}

// policyPorts are the TCP/UDP port numbers a rule's ports name.
func policyPorts(t *testing.T, c *corev1.Container, ps []networkingv1.NetworkPolicyPort) []int32 {
	t.Helper()
	var out []int32
	for _, p := range ps {
		if p.Port == nil {
			t.Error("a NetworkPolicy rule with a protocol and no port: it opens every port")
			continue
		}
		if p.Port.Type == intstr.String {
			out = append(out, containerPort(c, *p.Port))
		} else {
			out = append(out, p.Port.IntVal)
		}
	}
	return out
}

func TestNetworkPolicy(t *testing.T) {
	forEachOverlay(t, func(t *testing.T, m *manifests) {
		d, c := m.deployment(t)
		public, admin := ports(t, m)
		podLabels := labels.Set(d.Spec.Template.Labels)
		allowedFrom := map[int32][]string{public: {"ingress-nginx"}, admin: {"monitoring", "vaxbot-ops"}}
		reached := map[int32]bool{}
		var egress []int32
		for _, np := range m.networkPolicies {
			if retentionPolicy(m, np) {
				continue // TestRetentionJob checks it
			}
			sel, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector)
			if err != nil || !sel.Matches(podLabels) {
				t.Errorf("NetworkPolicy %s does not select vaxbot's pods", np.Name)
			}
			for _, rule := range np.Spec.Ingress {
				if len(rule.Ports) == 0 || len(rule.From) == 0 {
					t.Errorf("NetworkPolicy %s: an ingress rule without ports or sources opens too much", np.Name)
					continue
				}
				for _, port := range policyPorts(t, c, rule.Ports) {
					want, ok := allowedFrom[port]
					if !ok {
						t.Errorf("NetworkPolicy %s opens port %d, neither public nor admin", np.Name, port)
						continue
					}
					reached[port] = true
					for _, from := range rule.From {
						ns := ""
						if from.NamespaceSelector != nil {
							ns = from.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"]
						}
						if from.IPBlock != nil || !slices.Contains(want, ns) {
							t.Errorf("NetworkPolicy %s lets %+v reach port %d; only namespaces %v may", np.Name, from, port, want)
						}
					}
				}
			}
			for _, rule := range np.Spec.Egress {
				if len(rule.Ports) == 0 || len(rule.To) == 0 {
					t.Errorf("NetworkPolicy %s: an egress rule without ports or destinations opens too much", np.Name)
				}
				egress = append(egress, policyPorts(t, c, rule.Ports)...)
			}
		}
		for _, p := range []int32{public, admin} {
			if !reached[p] {
				t.Errorf("no NetworkPolicy admits traffic to port %d", p)
			}
		}
		want := []int32{53, 443} // DNS; the platforms and the record service
		if m.overlay == "overlays/scaled" {
			want = append(want, 6379, 5432) // Redis, PostgreSQL
		}
		for _, p := range want {
			if !slices.Contains(egress, p) {
				t.Errorf("no egress to port %d", p)
			}
		}
		var types []string
		for _, np := range m.networkPolicies {
			for _, pt := range np.Spec.PolicyTypes {
				types = append(types, string(pt))
			}
		}
		if !slices.Contains(types, "Ingress") || !slices.Contains(types, "Egress") {
			t.Errorf("policy types %v: want both Ingress and Egress isolated", types)
		}
	})
}
