"""kustomize's build flags, checked against kubectl with the same flags on the same trees.

``--load-restrictor LoadRestrictionsNone`` lets a kustomization read files outside its root (refused by
default). ``--enable-helm`` runs ``helm`` from the PATH: Helm is not needed to test the invocation, so a
small stand-in ``helm`` (a real executable, run by kubectl and by us alike) answers ``version`` and prints,
for ``template``, what it was asked: release, chart, namespace, flags, and the values it was given.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

FAKE_HELM = textwrap.dedent(
    """\
    #!{python}
    import json, os, sys
    import yaml

    args = sys.argv[1:]
    if args[:1] == ["version"]:
        print("v3.14.2+gc309b6f")
        sys.exit(0)
    if args[:1] != ["template"]:
        print("unexpected: " + " ".join(args), file=sys.stderr)
        sys.exit(3)
    values, flags, rest = {{}}, [], []
    i = 1
    while i < len(args):
        if args[i] == "-f":
            with open(args[i + 1]) as f:
                values[os.path.basename(args[i + 1])] = yaml.safe_load(f)
            i += 2
        elif args[i] in ("--namespace", "--kube-version", "--api-versions", "--name-template"):
            flags += [args[i], args[i + 1]]
            i += 2
        else:
            rest.append(os.path.basename(args[i]) if os.sep in args[i] else args[i])
            i += 1
    doc = {{
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {{"name": "from-helm"}},
        "data": {{
            "args": " ".join(rest),
            "flags": " ".join(flags),
            "values": json.dumps(values, sort_keys=True),
            "home": str(bool(os.environ.get("HELM_CONFIG_HOME"))),
        }},
    }}
    print("---")
    print(yaml.safe_dump(doc, sort_keys=True))
    """
)

KUSTOMIZATION = """\
namespace: apps
helmCharts:
- name: demo
  releaseName: rel
  namespace: charts-ns
  includeCRDs: true
  skipTests: true
  valuesInline:
    replicas: 2
    nested:
      b: inline
  additionalValuesFiles:
  - extra-values.yaml
resources:
- cm.yaml
"""


def _tree(tmp: Path) -> Path:
    app = tmp / "app"
    (app / "charts" / "demo").mkdir(parents=True)
    (app / "kustomization.yaml").write_text(KUSTOMIZATION)
    (app / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n")
    (app / "extra-values.yaml").write_text("extra: true\n")
    (app / "charts" / "demo" / "values.yaml").write_text("replicas: 1\nnested:\n  a: chart\n  b: chart\n")
    return app


def _fake_helm(tmp: Path) -> str:
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    helm = bin_dir / "helm"
    helm.write_text(FAKE_HELM.format(python=sys.executable))
    helm.chmod(0o755)
    return str(bin_dir)


def _run(cmd: list[str], path: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PATH": path}
    return subprocess.run(cmd, capture_output=True, env=env, timeout=120, check=False)


def _ours(*args: str, path: str | None = None) -> subprocess.CompletedProcess[bytes]:
    return _run([sys.executable, "-m", "logpilot_manifests", *args], path or os.environ["PATH"])


def test_helm_charts_inflate_like_kubectl_with_a_helm_on_the_path(tmp_path: Path, kubectl: str) -> None:
    app = _tree(tmp_path)
    path = _fake_helm(tmp_path) + os.pathsep + os.environ["PATH"]
    theirs = _run([kubectl, "kustomize", "--enable-helm", str(app)], path)
    assert theirs.returncode == 0, theirs.stderr.decode()
    ours = _ours("render", str(app), "--no-validate", "--enable-helm", path=path)
    assert ours.returncode == 0, ours.stderr.decode()
    assert ours.stdout == theirs.stdout
    # the stand-in really ran: the chart's values merged under the inline ones reached it
    seen = yaml.safe_load(ours.stdout.split(b"---")[0])["data"]
    assert seen["args"] == "rel demo --include-crds --skip-tests"
    values = json.loads(seen["values"])
    assert values["demo-kustomize-values.yaml"] == {"replicas": 2, "nested": {"a": "chart", "b": "inline"}}
    assert values["extra-values.yaml"] == {"extra": True}


def test_helm_charts_refused_without_enable_helm(tmp_path: Path) -> None:
    app = _tree(tmp_path)
    ours = _ours("render", str(app), "--no-validate")
    assert ours.returncode == 2  # a build kustomize would reject: the usage/build error code
    assert b"--enable-helm" in ours.stderr and b"demo" in ours.stderr
    assert b"Traceback" not in ours.stderr


def test_helm_charts_refused_clearly_when_helm_is_not_installed(tmp_path: Path, kubectl: str) -> None:
    app = _tree(tmp_path)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    # kubectl fails too: helm is what is missing, not our support
    assert _run([kubectl, "kustomize", "--enable-helm", str(app)], str(empty)).returncode != 0
    ours = _ours("render", str(app), "--no-validate", "--enable-helm", path=str(empty))
    assert ours.returncode == 2  # a build kustomize would reject: the usage/build error code
    message = ours.stderr.decode()
    assert "no 'helm' executable on the PATH" in message and "demo" in message
    assert "Traceback" not in message


@pytest.fixture
def outside_tree(tmp_path: Path) -> Path:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  a: b\n"
    )
    (shared / "patch.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  patched: 'yes'\n"
    )
    app = tmp_path / "app"
    app.mkdir()
    (app / "kustomization.yaml").write_text(
        "resources:\n- ../shared/cm.yaml\npatches:\n- path: ../shared/patch.yaml\n"
        "configMapGenerator:\n- name: gen\n  files:\n  - ../shared/cm.yaml\n"
    )
    return app


def test_load_restrictor_none_reads_files_outside_the_root_like_kubectl(
    outside_tree: Path, kubectl: str
) -> None:
    flag = ["--load-restrictor", "LoadRestrictionsNone"]
    theirs = _run([kubectl, "kustomize", *flag, str(outside_tree)], os.environ["PATH"])
    assert theirs.returncode == 0, theirs.stderr.decode()
    ours = _ours("render", str(outside_tree), "--no-validate", *flag)
    assert ours.returncode == 0, ours.stderr.decode()
    assert ours.stdout == theirs.stdout


def test_load_restrictor_stays_root_only_by_default(outside_tree: Path, kubectl: str) -> None:
    assert _run([kubectl, "kustomize", str(outside_tree)], os.environ["PATH"]).returncode != 0
    for extra in ([], ["--load-restrictor", "LoadRestrictionsRootOnly"]):
        ours = _ours("render", str(outside_tree), "--no-validate", *extra)
        assert ours.returncode == 2  # a build kustomize would reject: the usage/build error code
        assert b"not in or below the kustomization root" in ours.stderr
        assert b"LoadRestrictionsNone" in ours.stderr
