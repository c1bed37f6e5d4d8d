package deploy

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// overlays are the deployments one applies; each is built and checked whole.
var overlays = []string{"overlays/single", "overlays/scaled"}

// manifests is one overlay, built and decoded.
type manifests struct {
	overlay         string
	namespaces      []*corev1.Namespace
	deployments     []*appsv1.Deployment
	services        []*corev1.Service
	configMaps      []*corev1.ConfigMap
	secrets         []*corev1.Secret
	pvcs            []*corev1.PersistentVolumeClaim
	ingresses       []*networkingv1.Ingress
	networkPolicies []*networkingv1.NetworkPolicy
	pdbs            []*policyv1.PodDisruptionBudget
	hpas            []*autoscalingv2.HorizontalPodAutoscaler
	cronJobs        []*batchv1.CronJob
	serviceMonitors []*serviceMonitor
	rules           []*prometheusRule
}

// serviceMonitor is the part of the Prometheus Operator's ServiceMonitor
// (monitoring.coreos.com/v1) that these manifests use. It is decoded
// strictly too: a field outside it is a field this test does not check,
// so it fails until the struct learns it.
type serviceMonitor struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name        string            `json:"name"`
		Namespace   string            `json:"namespace"`
		Labels      map[string]string `json:"labels"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata"`
	Spec struct {
		Selector struct {
			MatchLabels map[string]string `json:"matchLabels"`
		} `json:"selector"`
		Endpoints []struct {
			Port          string `json:"port"`
			Path          string `json:"path"`
			Interval      string `json:"interval"`
			ScrapeTimeout string `json:"scrapeTimeout"`
		} `json:"endpoints"`
	} `json:"spec"`
}

// prometheusRule is the part of monitoring.coreos.com/v1 PrometheusRule
// these manifests use (alerting rules only).
type prometheusRule struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name        string            `json:"name"`
		Namespace   string            `json:"namespace"`
		Labels      map[string]string `json:"labels"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata"`
	Spec struct {
		Groups []struct {
			Name  string `json:"name"`
			Rules []struct {
				Alert       string            `json:"alert"`
				Expr        string            `json:"expr"`
				For         string            `json:"for"`
				Labels      map[string]string `json:"labels"`
				Annotations map[string]string `json:"annotations"`
			} `json:"rules"`
		} `json:"groups"`
	} `json:"spec"`
}

// scheme knows the built-in kinds the manifests may hold.
var scheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, networkingv1.AddToScheme, policyv1.AddToScheme, autoscalingv2.AddToScheme, batchv1.AddToScheme,
	} {
		if err := add(s); err != nil {
			panic(err)
		}
	}
	return s
}()

// strictDecoder refuses unknown and duplicate fields (case-sensitively), as
// the API server's strict field validation does.
var strictDecoder = serializer.NewCodecFactory(scheme, serializer.EnableStrict).UniversalDeserializer()

// decodeStrict decodes one object's YAML into m.
func (m *manifests) decodeStrict(doc []byte) error {
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := yaml.Unmarshal(doc, &head); err != nil {
		return err
	}
	if head.APIVersion == "monitoring.coreos.com/v1" {
		js, err := yaml.YAMLToJSON(doc)
		if err != nil {
			return err
		}
		var dst any
		switch head.Kind {
		case "ServiceMonitor":
			sm := new(serviceMonitor)
			m.serviceMonitors, dst = append(m.serviceMonitors, sm), sm
		case "PrometheusRule":
			r := new(prometheusRule)
			m.rules, dst = append(m.rules, r), r
		default:
			return fmt.Errorf("%s %s: not a kind these tests know", head.APIVersion, head.Kind)
		}
		strict, err := sigsjson.UnmarshalStrict(js, dst)
		if err != nil {
			return err
		}
		if len(strict) > 0 {
			return fmt.Errorf("%s: %v", head.Kind, strict)
		}
		return nil
	}
	obj, _, err := strictDecoder.Decode(doc, nil, nil)
	if err != nil {
		return err
	}
	switch o := obj.(type) {
	case *corev1.Namespace:
		m.namespaces = append(m.namespaces, o)
	case *appsv1.Deployment:
		m.deployments = append(m.deployments, o)
	case *corev1.Service:
		m.services = append(m.services, o)
	case *corev1.ConfigMap:
		m.configMaps = append(m.configMaps, o)
	case *corev1.Secret:
		m.secrets = append(m.secrets, o)
	case *corev1.PersistentVolumeClaim:
		m.pvcs = append(m.pvcs, o)
	case *networkingv1.Ingress:
		m.ingresses = append(m.ingresses, o)
	case *networkingv1.NetworkPolicy:
		m.networkPolicies = append(m.networkPolicies, o)
	case *policyv1.PodDisruptionBudget:
		m.pdbs = append(m.pdbs, o)
	case *autoscalingv2.HorizontalPodAutoscaler:
		m.hpas = append(m.hpas, o)
	case *batchv1.CronJob:
		m.cronJobs = append(m.cronJobs, o)
	default:
		return fmt.Errorf("%T: not a kind these tests check", obj)
	}
	return nil
}

// meta is what every object of an overlay has in common.
type meta struct {
	kind, name, namespace string
	labels                map[string]string
}

// objects lists every object of the overlay.
func (m *manifests) objects() []meta {
	var out []meta
	add := func(kind string, o metav1.Object) {
		out = append(out, meta{kind, o.GetName(), o.GetNamespace(), o.GetLabels()})
	}
	for _, o := range m.namespaces {
		add("Namespace", o)
	}
	for _, o := range m.deployments {
		add("Deployment", o)
	}
	for _, o := range m.services {
		add("Service", o)
	}
	for _, o := range m.configMaps {
		add("ConfigMap", o)
	}
	for _, o := range m.secrets {
		add("Secret", o)
	}
	for _, o := range m.pvcs {
		add("PersistentVolumeClaim", o)
	}
	for _, o := range m.ingresses {
		add("Ingress", o)
	}
	for _, o := range m.networkPolicies {
		add("NetworkPolicy", o)
	}
	for _, o := range m.pdbs {
		add("PodDisruptionBudget", o)
	}
	for _, o := range m.hpas {
		add("HorizontalPodAutoscaler", o)
	}
	for _, o := range m.cronJobs {
		add("CronJob", o)
	}
	for _, o := range m.serviceMonitors {
		out = append(out, meta{"ServiceMonitor", o.Metadata.Name, o.Metadata.Namespace, o.Metadata.Labels})
	}
	for _, o := range m.rules {
		out = append(out, meta{"PrometheusRule", o.Metadata.Name, o.Metadata.Namespace, o.Metadata.Labels})
	}
	return out
}

var (
	builtMu sync.Mutex
	built   = map[string]*manifests{}
)

// build runs kustomize on the overlay, on the real filesystem, and decodes
// every object it yields strictly; it fails the test on any error. Builds
// are shared by the tests.
func build(t *testing.T, overlay string) *manifests {
	t.Helper()
	builtMu.Lock()
	defer builtMu.Unlock()
	if m, ok := built[overlay]; ok {
		return m
	}
	dir, err := filepath.Abs(overlay)
	if err != nil {
		t.Fatal(err)
	}
	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", overlay, err)
	}
	m := &manifests{overlay: overlay}
	for _, r := range resources.Resources() {
		doc, err := r.AsYAML()
		if err != nil {
			t.Fatalf("%s: %s: %v", overlay, r.CurId(), err)
		}
		if err := m.decodeStrict(doc); err != nil {
			t.Fatalf("%s: %s: %v", overlay, r.CurId(), err)
		}
	}
	built[overlay] = m
	return m
}

// forEachOverlay runs f on each overlay, built, as a subtest.
func forEachOverlay(t *testing.T, f func(t *testing.T, m *manifests)) {
	for _, o := range overlays {
		t.Run(filepath.Base(o), func(t *testing.T) { f(t, build(t, o)) })
	}
}

// deployment is the overlay's one Deployment, and its one container.
func (m *manifests) deployment(t *testing.T) (*appsv1.Deployment, *corev1.Container) {
	t.Helper()
	if len(m.deployments) != 1 {
		t.Fatalf("%d Deployments, want 1", len(m.deployments))
	}
	d := m.deployments[0]
	if len(d.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("%d containers, want vaxbot alone", len(d.Spec.Template.Spec.Containers))
	}
	return d, &d.Spec.Template.Spec.Containers[0]
}

// settings are the variables the container gets from ConfigMaps and plain
// env entries (Secrets are not in the build: they are created in the cluster).
func (m *manifests) settings(t *testing.T) map[string]string {
	t.Helper()
	_, c := m.deployment(t)
	vars := map[string]string{}
	for _, from := range c.EnvFrom {
		if from.ConfigMapRef == nil {
			continue
		}
		cm := m.configMap(from.ConfigMapRef.Name)
		if cm == nil {
			t.Fatalf("envFrom names ConfigMap %s, which the overlay does not build", from.ConfigMapRef.Name)
		}
		for k, v := range cm.Data {
			vars[from.Prefix+k] = v
		}
	}
	for _, e := range c.Env {
		if e.ValueFrom == nil {
			vars[e.Name] = e.Value
		}
	}
	return vars
}

func (m *manifests) configMap(name string) *corev1.ConfigMap {
	for _, cm := range m.configMaps {
		if cm.Name == name {
			return cm
		}
	}
	return nil
}

func (m *manifests) service(name string) *corev1.Service {
	for _, s := range m.services {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// serverSource is the server's Go source (non-test files of the main
// module, deploy left out), read once: what it serves and exports is
// checked against it.
var serverSource = sync.OnceValues(func() (string, error) {
	var b strings.Builder
	err := filepath.WalkDir("..", func(p string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if n := e.Name(); p != ".." && (n == "deploy" || n == "testdata" || strings.HasPrefix(n, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		b.Write(src)
		b.WriteByte('\n')
		return nil
	})
	return b.String(), err
})

func source(t *testing.T) string {
	t.Helper()
	src, err := serverSource()
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// servedLiteral reports whether the server's source holds s as a Go string
// literal, the way its routes are written ("/healthz", "/webhook/").
func servedLiteral(t *testing.T, s string) bool {
	return strings.Contains(source(t), `"`+s+`"`)
}

// serverVariables are the environment variables the server's source names
// as string literals ("VAXBOT_ADDR").
func serverVariables(t *testing.T) []string {
	t.Helper()
	found := regexp.MustCompile(`"(VAXBOT_[A-Z0-9_]+)"`).FindAllStringSubmatch(source(t), -1)
	var vars []string
	for _, f := range found {
		vars = append(vars, f[1])
	}
	sort.Strings(vars)
	return slices.Compact(vars)
}
