"""Older API versions read with a newer version's model.

Older Kubernetes releases served kinds in versions removed since (``policy/v1beta1`` PodDisruptionBudget until
1.25, ``batch/v1beta1`` CronJob...), which have no model here: models follow the newest release. Most had the
shape of the version that replaced them, so their objects are read with its model, and the rules that read
models (semantic validation with ``--kube-version``, lint) see them too.
"""

from __future__ import annotations

# By (apiVersion, kind): the newer apiVersion whose model reads the objects. Versions of another shape
# (networking.k8s.io/v1beta1 and extensions/v1beta1 Ingress, autoscaling/v2beta1) are left out: they have no
# model to be read with.
SAME_SHAPE: dict[tuple[str, str], str] = {
    **{(v, k): "apps/v1" for v in ("apps/v1beta1", "apps/v1beta2") for k in ("Deployment", "StatefulSet")},
    **{("apps/v1beta2", k): "apps/v1" for k in ("DaemonSet", "ReplicaSet")},
    **{("batch/v1beta1", "CronJob"): "batch/v1", ("batch/v2alpha1", "CronJob"): "batch/v1"},
    ("policy/v1beta1", "PodDisruptionBudget"): "policy/v1",
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler"): "autoscaling/v2",
    ("networking.k8s.io/v1beta1", "IngressClass"): "networking.k8s.io/v1",
    ("scheduling.k8s.io/v1beta1", "PriorityClass"): "scheduling.k8s.io/v1",
    ("scheduling.k8s.io/v1alpha1", "PriorityClass"): "scheduling.k8s.io/v1",
    **{
        (f"rbac.authorization.k8s.io/{v}", k): "rbac.authorization.k8s.io/v1"
        for v in ("v1beta1", "v1alpha1")
        for k in ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")
    },
}
