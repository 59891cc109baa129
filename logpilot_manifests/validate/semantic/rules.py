"""The tables of the semantic rules: how each kind's objects are named, which rules check them, and which
model reads the objects of an older API version.

Rules are named ``module.function`` and imported when the first object of their kind is met, so a run pays
only for the API groups it validates.
"""

from __future__ import annotations

from .names import (
    NameCheck,
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_label_name,
    is_dns1123_subdomain,
    is_path_segment_name,
)

# How each kind's objects must be named (``metadata.name``), after each kind's ``Validate<Kind>Name``.
NAME_FORMATS: dict[tuple[str, str], NameCheck] = {
    ("", "Namespace"): is_dns1123_label,
    ("", "Service"): is_dns1035_label,
    ("apps", "StatefulSet"): is_dns1123_label_name,
    **{
        k: is_dns1123_subdomain
        for k in (
            ("", "Pod"), ("", "PodTemplate"), ("", "ReplicationController"), ("", "ConfigMap"), ("", "Secret"),
            ("", "ServiceAccount"), ("", "PersistentVolumeClaim"), ("", "PersistentVolume"), ("", "LimitRange"),
            ("", "ResourceQuota"), ("", "Endpoints"), ("", "Node"), ("apps", "Deployment"), ("apps", "DaemonSet"),
            ("apps", "ReplicaSet"), ("batch", "Job"), ("batch", "CronJob"),
            ("networking.k8s.io", "Ingress"), ("networking.k8s.io", "IngressClass"),
            ("networking.k8s.io", "NetworkPolicy"), ("autoscaling", "HorizontalPodAutoscaler"),
            ("policy", "PodDisruptionBudget"), ("scheduling.k8s.io", "PriorityClass"),
            ("storage.k8s.io", "StorageClass"), ("coordination.k8s.io", "Lease"),
            ("discovery.k8s.io", "EndpointSlice"),
        )
    },
    **{
        ("rbac.authorization.k8s.io", k): is_path_segment_name
        for k in ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")
    },
}  # fmt: skip

# The rules of each kind, by the model they read (its apiVersion and kind).
RULES: dict[tuple[str, str], str] = {
    ("apps/v1", "Deployment"): "apps.deployment",
    ("apps/v1", "ReplicaSet"): "apps.replica_set",
    ("apps/v1", "DaemonSet"): "apps.daemon_set",
    ("apps/v1", "StatefulSet"): "apps.stateful_set",
    ("batch/v1", "Job"): "batch.job",
    ("batch/v1", "CronJob"): "batch.cron_job",
    ("v1", "Pod"): "core.pod",
    ("v1", "PodTemplate"): "core.pod_template",
    ("v1", "ReplicationController"): "core.replication_controller",
    ("v1", "Service"): "core.service",
    ("v1", "ConfigMap"): "core.config_map",
    ("v1", "Secret"): "core.secret",
    ("v1", "Namespace"): "core.namespace",
    ("v1", "PersistentVolumeClaim"): "core.persistent_volume_claim",
    ("v1", "ServiceAccount"): "core.service_account",
    ("v1", "LimitRange"): "core.limit_range",
    ("v1", "ResourceQuota"): "core.resource_quota",
    ("networking.k8s.io/v1", "Ingress"): "networking.ingress",
    ("networking.k8s.io/v1", "IngressClass"): "networking.ingress_class",
    ("networking.k8s.io/v1", "NetworkPolicy"): "networking.network_policy",
    ("autoscaling/v1", "HorizontalPodAutoscaler"): "autoscaling.horizontal_pod_autoscaler_v1",
    ("autoscaling/v2", "HorizontalPodAutoscaler"): "autoscaling.horizontal_pod_autoscaler_v2",
    ("policy/v1", "PodDisruptionBudget"): "policy.pod_disruption_budget",
    ("scheduling.k8s.io/v1", "PriorityClass"): "scheduling.priority_class",
    ("rbac.authorization.k8s.io/v1", "Role"): "rbac.role",
    ("rbac.authorization.k8s.io/v1", "ClusterRole"): "rbac.cluster_role",
    ("rbac.authorization.k8s.io/v1", "RoleBinding"): "rbac.role_binding",
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"): "rbac.cluster_role_binding",
    ("apiextensions.k8s.io/v1", "CustomResourceDefinition"): "apiextensions.custom_resource_definition",
}
