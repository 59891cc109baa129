"""LogPilot's deployment as a typed view: what the deployment guide names, read from any environment's build.

    from logpilot_manifests import LogPilotDeployment
    lp = LogPilotDeployment.load("production")
    rest = lp.workload("rest")
    rest.ports                 # {'http': 8080, 'management': 8081}
    rest.container.readinessProbe.httpGet.path
    rest.settings.http.port    # the service's own settings model, from the ConfigMap it mounts

The three workloads are found by their ``app.kubernetes.io/component`` label (``all``, ``rest``, ``grpc``),
so renamed copies (blue/green suffixes) and an Argo Rollout (canary) are found too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ManifestError
from ..models.crds import argoproj_io_v1alpha1 as argo
from ..models.crds import gateway_networking_k8s_io_v1 as gateway
from ..models.crds import monitoring_coreos_com_v1 as monitoring
from ..models.k8s import apps_v1, autoscaling_v2, core_v1, networking_v1, policy_v1
from .appconfig import APPLICATION_CONFIG_KEYS
from .build import TypedBuild, load

if TYPE_CHECKING:
    from logpilot_server.config import Settings

COMPONENT_LABEL = "app.kubernetes.io/component"
ROLES = ("all", "rest", "grpc")


def _labels(meta: Any) -> dict[str, str]:
    return dict(meta.labels or {}) if meta is not None else {}


@dataclass(frozen=True)
class LogPilotConfig:
    """A ConfigMap holding LogPilot's ``application.yml``, with the service's typed settings."""

    config_map: core_v1.ConfigMap
    key: str

    @property
    def name(self) -> str:
        meta = self.config_map.metadata
        return (meta.name if meta else None) or ""

    @property
    def text(self) -> str:
        return (self.config_map.data or {})[self.key]

    @cached_property
    def settings(self) -> Settings:
        """The service's settings model for this file (needs the service package installed)."""
        try:
            from logpilot_server.config import application_settings
        except ModuleNotFoundError:
            raise ManifestError(
                "reading LogPilot's settings needs the service package: install logpilot with [service]"
            ) from None
        return application_settings(self.text)


@dataclass(frozen=True)
class Workload:
    """One of LogPilot's workloads (a Deployment, or a Rollout in progressive delivery)."""

    role: str
    object: apps_v1.Deployment | argo.Rollout
    configs: tuple[LogPilotConfig, ...]

    @property
    def name(self) -> str:
        meta = self.object.metadata
        return (meta.name if meta else None) or ""

    @property
    def kind(self) -> str:
        return self.object.KIND

    @property
    def pod(self) -> core_v1.PodSpec:
        template = self.object.spec.template
        if template is None or template.spec is None:
            raise ManifestError(f"{self.kind} {self.name} has no pod template")
        return template.spec

    @property
    def container(self) -> core_v1.Container:
        """The LogPilot container: the one named like the workload's role or ``logpilot``, else the first."""
        containers = self.pod.containers
        for c in containers:
            if c.name in ("logpilot", f"logpilot-{self.role}", self.name):
                return c
        return containers[0]

    @property
    def ports(self) -> dict[str, int]:
        """Named container ports of the LogPilot container."""
        return {p.name: p.containerPort for p in self.container.ports or [] if p.name}

    @property
    def resources(self) -> core_v1.ResourceRequirements | None:
        return self.container.resources

    @property
    def probes(self) -> dict[str, core_v1.Probe]:
        c = self.container
        found = {"startup": c.startupProbe, "liveness": c.livenessProbe, "readiness": c.readinessProbe}
        return {k: v for k, v in found.items() if v is not None}

    @property
    def settings(self) -> Settings:
        """The service settings of the application.yml this workload mounts."""
        if not self.configs:
            raise ManifestError(f"{self.kind} {self.name} mounts no ConfigMap with an application.yml")
        return self.configs[0].settings


@dataclass(frozen=True)
class LogPilotDeployment:
    """LogPilot's objects in one build, by what they are for."""

    build: TypedBuild

    @classmethod
    def load(cls, target: str | Path) -> LogPilotDeployment:
        """Build ``target`` (an environment name or a kustomization directory) and view it."""
        return cls(load(target))

    @cached_property
    def namespaces(self) -> list[core_v1.Namespace]:
        return self.build.of(core_v1.Namespace)

    @cached_property
    def configs(self) -> list[LogPilotConfig]:
        """The ConfigMaps carrying an application.yml."""
        return [
            LogPilotConfig(cm, key)
            for cm in self.config_maps
            for key in APPLICATION_CONFIG_KEYS
            if key in (cm.data or {})
        ]

    @cached_property
    def config_maps(self) -> list[core_v1.ConfigMap]:
        return self.build.of(core_v1.ConfigMap)

    @cached_property
    def workloads(self) -> list[Workload]:
        """The workloads labelled with one of LogPilot's roles, Deployments then Rollouts. A Rollout that
        runs a Deployment's pods (``workloadRef``) is in :attr:`rollouts` only: its pods are that
        Deployment's."""
        by_name = {c.name: c for c in self.configs}
        out: list[Workload] = []
        objects: list[apps_v1.Deployment | argo.Rollout] = [
            *self.build.of(apps_v1.Deployment),
            *self.rollouts,
        ]
        for obj in objects:
            role = _labels(obj.metadata).get(COMPONENT_LABEL)
            template = obj.spec.template
            if role not in ROLES or template is None or template.spec is None:
                continue
            volumes = template.spec.volumes or []
            mounted = tuple(
                by_name[v.configMap.name]
                for v in volumes
                if v.configMap is not None and v.configMap.name in by_name
            )
            out.append(Workload(role, obj, mounted))
        return out

    def workload(self, role: str) -> Workload:
        """The Deployment (else Rollout) of ``role`` (``all``, ``rest`` or ``grpc``)."""
        found = [w for w in self.workloads if w.role == role]
        if not found:
            raise KeyError(f"no LogPilot workload with role {role!r}; roles here: {self.roles}")
        return next((w for w in found if w.kind == "Deployment"), found[0])

    @property
    def roles(self) -> list[str]:
        return sorted({w.role for w in self.workloads})

    @cached_property
    def rollouts(self) -> list[argo.Rollout]:
        return self.build.of(argo.Rollout)

    @cached_property
    def services(self) -> list[core_v1.Service]:
        return self.build.of(core_v1.Service)

    @cached_property
    def ingresses(self) -> list[networking_v1.Ingress]:
        return self.build.of(networking_v1.Ingress)

    @cached_property
    def gateways(self) -> list[gateway.Gateway]:
        return self.build.of(gateway.Gateway)

    @cached_property
    def http_routes(self) -> list[gateway.HTTPRoute]:
        return self.build.of(gateway.HTTPRoute)

    @cached_property
    def grpc_routes(self) -> list[gateway.GRPCRoute]:
        return self.build.of(gateway.GRPCRoute)

    @cached_property
    def service_monitors(self) -> list[monitoring.ServiceMonitor]:
        return self.build.of(monitoring.ServiceMonitor)

    @cached_property
    def prometheus_rules(self) -> list[monitoring.PrometheusRule]:
        return self.build.of(monitoring.PrometheusRule)

    @cached_property
    def autoscalers(self) -> list[autoscaling_v2.HorizontalPodAutoscaler]:
        return self.build.of(autoscaling_v2.HorizontalPodAutoscaler)

    @cached_property
    def disruption_budgets(self) -> list[policy_v1.PodDisruptionBudget]:
        return self.build.of(policy_v1.PodDisruptionBudget)

    @cached_property
    def network_policies(self) -> list[networking_v1.NetworkPolicy]:
        return self.build.of(networking_v1.NetworkPolicy)
