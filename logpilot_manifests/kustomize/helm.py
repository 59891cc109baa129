"""``helmCharts``: inflate a chart by running ``helm template``, the way kustomize's
HelmChartInflationGenerator does (same arguments, same HELM_*_HOME environment, same values handling).

Only reached with ``--enable-helm``; without a ``helm`` binary the build stops with a clear message.
Charts missing from the chart home are pulled with ``helm pull`` when a repo is given (that needs network).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import BuildError, KustomizationError
from .documents import load_documents
from .loader import Loader

DEFAULT_CHART_HOME = "charts"
_MERGE_OPTIONS = ("merge", "override", "replace")
_VERSION = re.compile(r"v?\d+(\.\d+)+")


class HelmChart(NamedTuple):
    """One chart to inflate (kustomize's ``types.HelmChart`` with the ``helmGlobals`` folded in)."""

    name: str
    version: str = ""
    repo: str = ""
    release_name: str = ""
    namespace: str = ""
    additional_values_files: tuple[str, ...] = ()
    values_file: str = ""
    values_inline: Mapping[str, Any] | None = None
    values_merge: str = ""
    include_crds: bool = False
    skip_hooks: bool = False
    api_versions: tuple[str, ...] = ()
    kube_version: str = ""
    name_template: str = ""
    skip_tests: bool = False
    debug: bool = False
    chart_home: str = ""
    config_home: str = ""


def _chart(raw: Any, globals_: Mapping[str, Any], where: str) -> HelmChart:
    if not isinstance(raw, Mapping):
        raise KustomizationError("helmCharts: each chart must be a mapping", file=where)

    def text(key: str, data: Mapping[str, Any] = raw) -> str:
        value = data.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise KustomizationError(f"helmCharts: '{key}' must be a string, not {value!r}", file=where)
        return value

    def texts(key: str) -> tuple[str, ...]:
        value = raw.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise KustomizationError(f"helmCharts: '{key}' must be a list of strings", file=where)
        return tuple(value)

    def flag(key: str) -> bool:
        value = raw.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise KustomizationError(f"helmCharts: '{key}' must be true or false, not {value!r}", file=where)
        return value

    inline = raw.get("valuesInline")
    if inline is not None and not isinstance(inline, Mapping):
        raise KustomizationError("helmCharts: 'valuesInline' must be a mapping", file=where)
    return HelmChart(
        name=text("name"),
        version=text("version"),
        repo=text("repo"),
        release_name=text("releaseName"),
        namespace=text("namespace"),
        additional_values_files=texts("additionalValuesFiles"),
        values_file=text("valuesFile"),
        values_inline=inline,
        values_merge=text("valuesMerge"),
        include_crds=flag("includeCRDs"),
        skip_hooks=flag("skipHooks"),
        api_versions=texts("apiVersions"),
        kube_version=text("kubeVersion"),
        name_template=text("nameTemplate"),
        skip_tests=flag("skipTests"),
        debug=flag("debug"),
        chart_home=text("chartHome", globals_) or text("chartHome"),
        config_home=text("configHome", globals_) or text("configHome"),
    )


def charts_of(charts: Any, globals_: Any, legacy: Any, where: str) -> list[HelmChart]:
    """The charts of a kustomization: ``helmCharts`` with ``helmGlobals``, then the deprecated
    ``helmChartInflationGenerator`` entries translated as kustomize translates them."""
    g: dict[str, Any] = dict(globals_) if isinstance(globals_, Mapping) else {}
    raws = list(charts or [])
    for old in legacy or []:
        if not isinstance(old, Mapping):
            raise KustomizationError("helmChartInflationGenerator: each entry must be a mapping", file=where)
        if not globals_:
            if old.get("helmHome"):
                g["configHome"] = old["helmHome"]
            if old.get("chartHome"):
                g["chartHome"] = old["chartHome"]
        raws.append(
            {
                "name": old.get("chartName"),
                "version": old.get("chartVersion"),
                "repo": old.get("chartRepoUrl"),
                "valuesFile": old.get("values"),
                "valuesInline": old.get("valuesLocal"),
                "valuesMerge": old.get("valuesMerge"),
                "releaseName": old.get("releaseName"),
            }
        )
    return [_chart(raw, g, where) for raw in raws]


def chart_of_document(doc: Mapping[str, Any], shown: str) -> HelmChart:
    """A ``HelmChartInflationGenerator`` document of ``generators:`` (globals and chart fields inline)."""
    return _chart(doc, doc, shown)


def _merge_values(dest: Any, src: Any) -> Any:
    """kyaml's merge of two values trees: maps merge key by key (a null in ``src`` deletes), anything else
    is taken from ``src``."""
    if isinstance(dest, dict) and isinstance(src, dict):
        out = dict(dest)
        for key, value in src.items():
            if value is None:
                out.pop(key, None)
            elif key in out:
                out[key] = _merge_values(out[key], value)
            else:
                out[key] = value
        return out
    return src


class _Run:
    def __init__(self, chart: HelmChart, ldr: Loader, command: str, where: str, tmp: Path) -> None:
        self.chart, self.ldr, self.command, self.where, self.tmp = chart, ldr, command, where, tmp
        self.config_home = chart.config_home or str(tmp / "helm")

    def helm(self, args: list[str]) -> str:
        env = {
            "HELM_CONFIG_HOME": self.config_home,
            "HELM_CACHE_HOME": f"{self.config_home}/.cache",
            "HELM_DATA_HOME": f"{self.config_home}/.data",
        }
        try:
            done = subprocess.run(
                [self.command, *args],
                capture_output=True,
                env={**os.environ, **env},
                check=False,
            )
        except OSError as exc:
            raise BuildError(
                f"unable to run '{self.command} {' '.join(args)}' (is '{self.command}' installed?): {exc.strerror}",
                file=self.where,
            ) from None
        if done.returncode != 0:
            stderr = done.stderr.decode("utf-8", "replace").strip()
            raise BuildError(
                f"unable to run '{self.command} {' '.join(args)}' (exit code {done.returncode}): {stderr}",
                file=self.where,
            )
        return done.stdout.decode("utf-8", "replace")

    def abs_chart_home(self) -> Path:
        home = Path(self.chart.chart_home or DEFAULT_CHART_HOME)
        if not home.is_absolute():
            home = self.ldr.root / home
        if self.chart.version and self.chart.repo:
            return home / f"{self.chart.name}-{self.chart.version}"
        return home

    def read(self, path: Path) -> bytes:
        """A file through the kustomization's loader, so the load restrictor applies as in kustomize."""
        return self.ldr.read_bytes(os.path.relpath(path, self.ldr.root))[0]

    def check_version(self) -> None:
        out = self.helm(["version", "-c", "--short"])
        m = _VERSION.search(out)
        if m is None:
            raise BuildError(f"cannot find version string in {out.strip()!r}", file=self.where)
        version = m.group(0).lstrip("v")
        if version.split(".")[0] != "3":
            raise BuildError(f"helm charts need Helm 3, but '{self.command}' is v{version}", file=self.where)

    def values_file(self) -> str:
        chart = self.chart
        source = (
            Path(chart.values_file)
            if chart.values_file
            else self.abs_chart_home() / chart.name / "values.yaml"
        )
        if not source.is_absolute():
            source = self.ldr.root / source
        merge = chart.values_merge or "override"
        if chart.values_inline:
            inline = dict(chart.values_inline)
            if merge in ("merge", "override"):
                docs = load_documents(self.read(source).decode("utf-8"), str(source))
                from_chart = docs[0] if docs and isinstance(docs[0], dict) else {}
                inline = (
                    _merge_values(inline, from_chart)
                    if merge == "merge"
                    else _merge_values(from_chart, inline)
                )
            import yaml

            content = yaml.safe_dump(inline, sort_keys=True).encode("utf-8")
        else:
            content = self.read(source)
        path = self.tmp / f"{chart.name}-kustomize-values.yaml"
        path.write_bytes(content)
        return str(path)

    def template_args(self, values: str) -> list[str]:
        c = self.chart
        args = ["template", c.release_name] if c.release_name else ["template", "--generate-name"]
        if c.name:
            args.append(str(self.abs_chart_home() / c.name))
        if c.namespace:
            args += ["--namespace", c.namespace]
        if c.name_template:
            args += ["--name-template", c.name_template]
        args += ["-f", values]
        for extra in c.additional_values_files:
            args += ["-f", str(self.ldr.root / extra)]
        for api in c.api_versions:
            args += ["--api-versions", api]
        if c.kube_version:
            args += ["--kube-version", c.kube_version]
        if c.include_crds:
            args.append("--include-crds")
        if c.skip_tests:
            args.append("--skip-tests")
        if c.skip_hooks:
            args.append("--no-hooks")
        if c.debug:
            args.append("--debug")
        return args

    def pull_args(self) -> list[str]:
        c = self.chart
        args = ["pull", "--untar", "--untardir", str(self.abs_chart_home())]
        if c.repo.startswith("oci://"):
            args.append(c.repo.rstrip("/") + "/" + c.name)
        else:
            args += ["--repo", c.repo, c.name]
        if c.version:
            args += ["--version", c.version]
        return args


def inflate(chart: HelmChart, ldr: Loader, command: str, where: str) -> tuple[list[Any], str]:
    """The objects ``helm template`` prints for ``chart``, and a name for where they came from."""
    if not chart.name:
        raise KustomizationError("helmCharts: chart name cannot be empty", file=where)
    if chart.values_merge and chart.values_merge not in _MERGE_OPTIONS:
        raise KustomizationError(
            f"helmCharts: valuesMerge must be one of {', '.join(_MERGE_OPTIONS)}", file=where
        )
    if shutil.which(command) is None:
        raise KustomizationError(
            f"helm chart '{chart.name}' needs Helm, but there is no '{command}' executable on the PATH: install "
            "Helm 3 to render this kustomization",
            file=where,
        )
    for extra in chart.additional_values_files:
        ldr.read_bytes(extra)
    with tempfile.TemporaryDirectory(prefix="kustomize-helm-") as tmp:
        run = _Run(chart, ldr, command, where, Path(tmp))
        run.check_version()
        local = run.abs_chart_home() / chart.name
        if not local.is_dir():
            if not chart.repo:
                raise BuildError(f"no repo specified for pull, no chart found at '{local}'", file=where)
            run.helm(run.pull_args())
        out = run.helm(run.template_args(run.values_file()))
    shown = f"helm chart '{chart.name}'"
    return [d for d in load_documents(out, shown) if d is not None], shown
