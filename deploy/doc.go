// Package deploy holds vaxbot's container image and Kubernetes manifests:
// a kustomize base, the overlays single (one replica, SQLite on a volume)
// and scaled (replicas sharing Redis and PostgreSQL), and the monitoring
// component (ServiceMonitor, PrometheusRule, Grafana dashboard).
//
// It is a module of its own so that the product's go.mod does not carry the
// Kubernetes and kustomize modules its tests use. The tests build every
// overlay with the kustomize API, decode each object strictly into the
// Kubernetes API types and check what a cluster would only show at run
// time: probes on served paths, the restricted security profile, memory
// limits against GOMEMLIMIT, the shutdown against the grace period, the
// admin port kept out of the Ingress, and alerts on metrics the server
// exports. Run them with: cd deploy && go test ./...
package deploy
