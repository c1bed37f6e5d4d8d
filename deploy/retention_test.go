package deploy

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/pod-security-admission/policy"
)

// purgeArgs is the retention job's command line after /vaxbot.
var purgeArgs = []string{"tickets", "purge", "--older-than", "90d"}

// retentionPolicy reports whether np is the retention job's NetworkPolicy:
// it selects the job's pods, not the server's.
func retentionPolicy(m *manifests, np *networkingv1.NetworkPolicy) bool {
	for _, cj := range m.cronJobs {
		sel, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector)
		if err == nil && sel.Matches(labels.Set(cj.Spec.JobTemplate.Spec.Template.Labels)) {
			return true
		}
	}
	return false
}

// dailySchedule matches a cron schedule that runs once a day: a minute, an
// hour, and every day.
var dailySchedule = regexp.MustCompile(`^([0-9]|[1-5][0-9]) ([0-9]|1[0-9]|2[0-3]) \* \* \*$`)

// TestRetentionJob: scaled runs "vaxbot tickets purge --older-than 90d"
// daily as a CronJob on the Deployment's image, ConfigMap and Secret,
// under the restricted profile, outside the server's Services and budget,
// reaching DNS and PostgreSQL only. single, whose SQLite claim only the
// serving pod mounts, has no CronJob: serve purges with
// VAXBOT_TICKET_RETENTION, a variable the server reads.
func TestRetentionJob(t *testing.T) {
	eval, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		t.Fatal(err)
	}
	forEachOverlay(t, func(t *testing.T, m *manifests) {
		d, server := m.deployment(t)
		if m.overlay == "overlays/single" {
			if len(m.cronJobs) != 0 {
				t.Errorf("single has %d CronJob(s): its ReadWriteOnce claim is mounted by the serving pod alone", len(m.cronJobs))
			}
			if got := m.settings(t)["VAXBOT_TICKET_RETENTION"]; got != "90d" {
				t.Errorf("single: VAXBOT_TICKET_RETENTION=%q, want 90d (serve purges, as tickets purge --older-than 90d)", got)
			}
			if !slices.Contains(serverVariables(t), "VAXBOT_TICKET_RETENTION") {
				t.Error("the server does not read VAXBOT_TICKET_RETENTION")
			}
			return
		}
		if v, ok := m.settings(t)["VAXBOT_TICKET_RETENTION"]; ok {
			t.Errorf("scaled sets VAXBOT_TICKET_RETENTION=%q: every replica would purge too; the CronJob does", v)
		}
		if len(m.cronJobs) != 1 {
			t.Fatalf("%d CronJobs, want the retention job", len(m.cronJobs))
		}
		cj := m.cronJobs[0]
		checkRetentionSchedule(t, cj)
		job := &cj.Spec.JobTemplate.Spec
		pod := &job.Template
		if len(pod.Spec.Containers) != 1 || len(pod.Spec.InitContainers) != 0 {
			t.Fatalf("%d containers, want one", len(pod.Spec.Containers))
		}
		c := &pod.Spec.Containers[0]
		if !slices.Equal(c.Command, []string{"/vaxbot"}) || !slices.Equal(c.Args, purgeArgs) {
			t.Errorf("command %q args %q, want [/vaxbot] %q (the image's entrypoint is serve)", c.Command, c.Args, purgeArgs)
		}
		if c.Image != server.Image {
			t.Errorf("image %q, the Deployment's is %q", c.Image, server.Image)
		}
		if !slices.EqualFunc(c.EnvFrom, server.EnvFrom, func(a, b corev1.EnvFromSource) bool {
			return a.Prefix == b.Prefix && (a.ConfigMapRef == nil) == (b.ConfigMapRef == nil) && (a.SecretRef == nil) == (b.SecretRef == nil) &&
				(a.ConfigMapRef == nil || a.ConfigMapRef.Name == b.ConfigMapRef.Name) && (a.SecretRef == nil || a.SecretRef.Name == b.SecretRef.Name)
		}) {
			t.Errorf("envFrom %+v: want the Deployment's ConfigMap and Secret, %+v", c.EnvFrom, server.EnvFrom)
		}
		checkRestricted(t, eval, pod)
		if c.Resources.Limits.Memory().IsZero() || c.Resources.Requests.Memory().IsZero() {
			t.Error("the retention job has no memory request and limit")
		}
		if pod.Spec.RestartPolicy != corev1.RestartPolicyNever && pod.Spec.RestartPolicy != corev1.RestartPolicyOnFailure {
			t.Errorf("restartPolicy %q", pod.Spec.RestartPolicy)
		}
		if job.ActiveDeadlineSeconds == nil || job.BackoffLimit == nil {
			t.Error("the job needs activeDeadlineSeconds and backoffLimit: a hanging database must not hold it for ever")
		}
		// Its pods are nobody's endpoints and outside the budget.
		podLabels := labels.Set(pod.Labels)
		for _, s := range m.services {
			if labels.SelectorFromSet(s.Spec.Selector).Matches(podLabels) {
				t.Errorf("Service %s selects the retention job's pods", s.Name)
			}
		}
		for _, b := range m.pdbs {
			if sel, err := metav1.LabelSelectorAsSelector(b.Spec.Selector); err == nil && sel.Matches(podLabels) {
				t.Errorf("PodDisruptionBudget %s counts the retention job's pods", b.Name)
			}
		}
		if sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector); err == nil && sel.Matches(podLabels) {
			t.Error("the Deployment's selector matches the retention job's pods")
		}
		checkRetentionPolicy(t, m, podLabels)
	})
}

func checkRetentionSchedule(t *testing.T, cj *batchv1.CronJob) {
	t.Helper()
	if !dailySchedule.MatchString(cj.Spec.Schedule) {
		t.Errorf("schedule %q: want once a day (\"M H * * *\")", cj.Spec.Schedule)
	}
	if cj.Spec.TimeZone == nil || *cj.Spec.TimeZone != "Asia/Taipei" {
		t.Error("timeZone: want Asia/Taipei, so the hour is Taiwan's")
	}
	if cj.Spec.ConcurrencyPolicy != batchv1.ForbidConcurrent {
		t.Errorf("concurrencyPolicy %q, want Forbid", cj.Spec.ConcurrencyPolicy)
	}
	if cj.Spec.StartingDeadlineSeconds == nil {
		t.Error("startingDeadlineSeconds is unset: a long outage would start a run at any hour")
	}
	// The age is one "vaxbot tickets purge" takes: days.
	if days, ok := strings.CutSuffix(purgeArgs[3], "d"); !ok {
		t.Errorf("--older-than %q: want days", purgeArgs[3])
	} else if n, err := strconv.Atoi(days); err != nil || n < 1 {
		t.Errorf("--older-than %q", purgeArgs[3])
	}
}

// checkRetentionPolicy: one NetworkPolicy isolates the job's pods, admits
// nothing to them, and lets them reach DNS and PostgreSQL only.
func checkRetentionPolicy(t *testing.T, m *manifests, podLabels labels.Set) {
	t.Helper()
	var found bool
	for _, np := range m.networkPolicies {
		sel, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector)
		if err != nil || !sel.Matches(podLabels) {
			continue
		}
		found = true
		if !slices.Contains(np.Spec.PolicyTypes, networkingv1.PolicyTypeIngress) || !slices.Contains(np.Spec.PolicyTypes, networkingv1.PolicyTypeEgress) {
			t.Errorf("NetworkPolicy %s: policy types %v, want Ingress and Egress isolated", np.Name, np.Spec.PolicyTypes)
		}
		if len(np.Spec.Ingress) > 0 {
			t.Errorf("NetworkPolicy %s admits traffic to the retention job", np.Name)
		}
		var ports []int32
		for _, rule := range np.Spec.Egress {
			if len(rule.To) == 0 {
				t.Errorf("NetworkPolicy %s: an egress rule without destinations", np.Name)
			}
			ports = append(ports, policyPorts(t, &corev1.Container{}, rule.Ports)...)
		}
		slices.Sort(ports)
		if ports = slices.Compact(ports); !slices.Equal(ports, []int32{53, 5432}) {
			t.Errorf("NetworkPolicy %s: egress to ports %v, want DNS and PostgreSQL (53, 5432)", np.Name, ports)
		}
	}
	if !found {
		t.Error("no NetworkPolicy selects the retention job's pods")
	}
}
