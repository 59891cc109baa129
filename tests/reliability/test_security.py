"""Security of the generator: no file outside a kustomization's root is read (also through symlinks), while
bases outside it are allowed as kustomize allows them; remote resources are refused without touching the
network; no Secret value appears in an error message. Where kubectl is installed, each load-restriction
case is checked against `kubectl kustomize` too."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from tests.tools import require_kubectl

from .conftest import DEPLOYMENT, write_tree
from .harness import invoke, judge

MARKER = "outside-file-content-7f3a"
SECRET = "S3cr3t-Valu3-x9q"
SECRET_B64 = base64.b64encode(SECRET.encode()).decode()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """``root/`` to build, beside ``outside/`` holding files, a base and a component, and symlinks into it."""
    outside = tmp_path / "outside"
    cm = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: outside\ndata:\n  v: {MARKER}\n"
    write_tree(
        outside,
        {
            "x.yaml": cm,
            "e.env": f"TOKEN={MARKER}\n",
            "base/kustomization.yaml": "resources: [x.yaml]\n",
            "base/x.yaml": cm,
            "comp/kustomization.yaml": (
                "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonLabels: {from: comp}\n"
            ),
        },
    )
    root = write_tree(tmp_path / "root", {"in.yaml": DEPLOYMENT.replace("name: web", "name: inside")})
    (root / "link.yaml").symlink_to("../outside/x.yaml")
    (root / "linkdir").symlink_to("../outside")
    (root / "linkbase").symlink_to("../outside/base")
    return root


def _kubectl_ok(root: Path) -> tuple[bool, str]:
    proc = subprocess.run(
        [require_kubectl(), "kustomize", str(root)], capture_output=True, text=True, timeout=120
    )
    return proc.returncode == 0, proc.stdout if proc.returncode == 0 else proc.stderr


# Files (not kustomization directories) outside the root, named every way a kustomization can name a file.
OUTSIDE_FILES = {
    "resource ../": "resources: [../outside/x.yaml]\n",
    "resource absolute": "resources: [{outside}/x.yaml]\n",
    "resource symlinked file": "resources: [link.yaml]\n",
    "resource in symlinked dir": "resources: [linkdir/x.yaml]\n",
    "patch path ../": "resources: [in.yaml]\npatches:\n- path: ../outside/x.yaml\n",
    "patch path symlink": "resources: [in.yaml]\npatches:\n- path: link.yaml\n",
    "patchesStrategicMerge ../": "resources: [in.yaml]\npatchesStrategicMerge: [../outside/x.yaml]\n",
    "patchesJson6902 ../": (
        "resources: [in.yaml]\npatchesJson6902:\n- path: ../outside/x.yaml\n"
        "  target: {group: apps, version: v1, kind: Deployment, name: inside}\n"
    ),
    "configMapGenerator file ../": "configMapGenerator:\n- name: g\n  files: [../outside/x.yaml]\n",
    "configMapGenerator key=file symlink": "configMapGenerator:\n- name: g\n  files: [k=link.yaml]\n",
    "secretGenerator env ../": "secretGenerator:\n- name: g\n  envs: [../outside/e.env]\n",
    "secretGenerator env in symlinked dir": "secretGenerator:\n- name: g\n  envs: [linkdir/e.env]\n",
    "secretGenerator file absolute": "secretGenerator:\n- name: g\n  files: [{outside}/e.env]\n",
    "replacements path ../": "resources: [in.yaml]\nreplacements:\n- path: ../outside/x.yaml\n",
    "base reads its parent's file": "resources: [sub]\n",
    "absolute base directory": "resources: [{outside}/base]\n",
}


@pytest.mark.parametrize("case", list(OUTSIDE_FILES))
def test_files_outside_the_root_are_refused(tree: Path, case: str) -> None:
    outside = tree.parent / "outside"
    if case == "base reads its parent's file":
        write_tree(tree / "sub", {"kustomization.yaml": "resources: [../in.yaml]\n"})
    (tree / "kustomization.yaml").write_text(
        OUTSIDE_FILES[case].replace("{outside}", str(outside)), encoding="utf-8"
    )
    out = invoke(["render", "--no-validate", str(tree)])
    judge("security: files outside the root", out, allowed=(2,))
    assert any(word in out.stderr for word in ("security", "absolute", "relative path")), out.stderr
    assert MARKER not in out.text
    ok, text = _kubectl_ok(tree)
    assert not ok, f"kubectl accepted what we refuse:\n{text}"


def test_a_symlinked_kustomization_file_pointing_outside_is_refused(tree: Path) -> None:
    (tree.parent / "outside" / "k.yaml").write_text("resources: [../root/in.yaml]\n", encoding="utf-8")
    (tree / "kustomization.yaml").symlink_to("../outside/k.yaml")
    out = invoke(["render", "--no-validate", str(tree)])
    judge("security: files outside the root", out, allowed=(2,))
    assert "security" in out.stderr


# Directories with their own kustomization are bases: kustomize allows them anywhere (each has its own root).
OUTSIDE_BASES = {
    "base ../": "resources: [../outside/base]\n",
    "symlinked base": "resources: [linkbase]\n",
    "base in symlinked dir": "resources: [linkdir/base]\n",
    "component ../": "resources: [in.yaml]\ncomponents: [../outside/comp]\n",
}


@pytest.mark.parametrize("case", list(OUTSIDE_BASES))
def test_bases_outside_the_root_are_allowed_as_in_kustomize(tree: Path, case: str) -> None:
    (tree / "kustomization.yaml").write_text(OUTSIDE_BASES[case], encoding="utf-8")
    out = invoke(["render", "--no-validate", str(tree)])
    judge("security: bases outside the root (allowed)", out, allowed=(0,))
    ok, text = _kubectl_ok(tree)
    assert ok, text
    assert out.stdout == text


def test_an_absolute_file_inside_the_root_is_refused_though_kubectl_accepts_it(tree: Path) -> None:
    """Deliberately stricter than kustomize: an absolute path ties the tree to one machine."""
    (tree / "kustomization.yaml").write_text(f"resources: [{tree / 'in.yaml'}]\n", encoding="utf-8")
    out = invoke(["render", "--no-validate", str(tree)])
    judge("security: files outside the root", out, allowed=(2,))
    assert "absolute paths are not allowed" in out.stderr


REMOTE = (
    "https://raw.githubusercontent.com/org/repo/main/deploy.yaml",
    "http://example.com/deploy.yaml",
    "github.com/org/repo//deploy?ref=v1.2.3",
    "github.com/org/repo/deploy",
    "gitlab.com/org/repo//base?ref=main",
    "git@github.com:org/repo.git//deploy",
    "git::https://example.com/org/repo.git//base?ref=v1",
    "ssh://git@example.com/org/repo.git",
    "https://example.com/org/repo.git",
    "example.com/org/repo//base?ref=main",
    "file:///etc/passwd",
)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Record (and stop) any attempt to resolve a name, open a connection or start a program such as git."""
    attempts: list[str] = []

    def refuse(what: str) -> Callable[..., NoReturn]:
        def call(*args: object, **kwargs: object) -> NoReturn:
            attempts.append(f"{what}{args!r}")
            raise OSError(f"network access attempted: {what}")

        return call

    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(subprocess, "Popen", refuse("Popen"))
    monkeypatch.setattr(os, "system", refuse("system"))
    yield attempts


FIELDS = {
    "resources": "resources: [{url}]",
    "components": "components: [{url}]",
    "patches": "resources: [in.yaml]\npatches:\n- path: {url}",
    "generator": "configMapGenerator:\n- name: g\n  files: [{url}]",
}
# In a generator's file source, "key=path" splits at '=' as kustomize splits it, so URLs with '=' are
# key/path pairs there, not remote files.
REMOTE_CASES = [(f, u) for f in FIELDS for u in REMOTE if not (f == "generator" and "=" in u)]


@pytest.mark.parametrize(("field", "url"), REMOTE_CASES)
def test_remote_resources_are_refused_without_network(
    tree: Path, no_network: list[str], url: str, field: str
) -> None:
    (tree / "kustomization.yaml").write_text(FIELDS[field].format(url=url) + "\n", encoding="utf-8")
    out = invoke(["render", "--no-validate", str(tree)])
    judge("security: remote resources", out, allowed=(2,))
    assert "remote resource" in out.stderr and "not supported" in out.stderr, out.stderr
    assert no_network == []


# Inputs whose errors could quote a Secret value: the value must never be printed.
SECRET_LEAKS: dict[str, dict[str, str | bytes]] = {
    "secretGenerator literal without '='": {
        "kustomization.yaml": f"secretGenerator:\n- name: s\n  literals: [{SECRET}]\n",
    },
    "secretGenerator literal with an empty key": {
        "kustomization.yaml": f"secretGenerator:\n- name: s\n  literals: ['={SECRET}']\n",
    },
    "secretGenerator env file repeats a key": {
        "kustomization.yaml": "secretGenerator:\n- name: s\n  envs: [e.env]\n",
        "e.env": f"TOKEN={SECRET}\nTOKEN={SECRET}2\n",
    },
    "secretGenerator env file not UTF-8": {
        "kustomization.yaml": "secretGenerator:\n- name: s\n  envs: [e.env]\n",
        "e.env": f"TOKEN={SECRET}\n".encode() + b"\xff\n",
    },
    "secretGenerator file source with two '='": {
        "kustomization.yaml": f"secretGenerator:\n- name: s\n  literals: ['a={SECRET}']\n  files: ['k=v=w']\n",
    },
    "JSON patch test fails on a Secret": {
        "kustomization.yaml": (
            "resources: [s.yaml]\npatches:\n- target: {kind: Secret}\n"
            "  patch: '[{op: test, path: /data/token, value: other}]'\n"
        ),
    },
    "JSON patch test fails on a Secret's stringData": {
        "kustomization.yaml": (
            "resources: [s.yaml]\npatches:\n- target: {kind: Secret}\n"
            "  patch: '[{op: test, path: /stringData/password, value: other}]'\n"
        ),
    },
    "replacement from a Secret out of bounds": {
        "kustomization.yaml": (
            "resources: [s.yaml, deploy.yaml]\nreplacements:\n"
            "- source: {kind: Secret, fieldPath: stringData.password, options: {delimiter: '/', index: 7}}\n"
            "  targets: [{select: {kind: Deployment}, fieldPaths: [metadata.name]}]\n"
        ),
    },
    "strategic merge patch of a Secret with a wrong type": {
        "kustomization.yaml": (
            "resources: [s.yaml]\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: Secret\n"
            "    metadata: {name: s}\n    stringData: [oops]\n"
        ),
    },
    "Secret manifest with a YAML syntax error": {
        "kustomization.yaml": "resources: [bad.yaml]\n",
        "bad.yaml": f'apiVersion: v1\nkind: Secret\nmetadata: {{name: s}}\nstringData:\n  p: "{SECRET}\n  q: [\n',
    },
    "Secret manifest with a tab in its data": {
        "kustomization.yaml": "resources: [bad.yaml]\n",
        "bad.yaml": f"apiVersion: v1\nkind: Secret\nmetadata: {{name: s}}\nstringData:\n\tp: {SECRET}\n",
    },
    "Secret manifest with a duplicate key": {
        "kustomization.yaml": "resources: [bad.yaml]\n",
        "bad.yaml": f"apiVersion: v1\nkind: Secret\nmetadata: {{name: s}}\nstringData:\n  p: {SECRET}\n  p: {SECRET}\n",
    },
    "Secret whose data is a list": {
        "kustomization.yaml": "resources: [bad.yaml]\n",
        "bad.yaml": f"apiVersion: v1\nkind: Secret\nmetadata: {{name: s}}\ndata: [{SECRET_B64}]\nstringData: {SECRET}\n",
    },
    "Secret with a value that is not base64": {
        "kustomization.yaml": "resources: [bad.yaml]\n",
        "bad.yaml": f"apiVersion: v1\nkind: Secret\nmetadata: {{name: s}}\ndata: {{p: '{SECRET}!'}}\ntype: 5\n",
    },
    "Secret in a List with a bad item": {
        "kustomization.yaml": "resources: [bad.yaml]\n",
        "bad.yaml": (
            f"apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata: {{name: s}}\n"
            f"  stringData: {{p: {SECRET}}}\n- 5\n"
        ),
    },
}
# Found leaking in the YAML reader and writer (logpilot_manifests/yaml/), now fixed.
YAMLIO_LEAKS: dict[str, dict[str, str | bytes]] = {
    "Secret value with a wrong explicit tag": {
        "kustomization.yaml": "resources: [bad.yaml]\n",
        "bad.yaml": f"apiVersion: v1\nkind: Secret\nmetadata: {{name: s}}\nstringData:\n  p: !!int {SECRET}\n",
    },
    "Secret value with a control character kustomize cannot write": {
        "kustomization.yaml": "resources: [bad.yaml]\n",
        "bad.yaml": f'apiVersion: v1\nkind: Secret\nmetadata: {{name: s}}\nstringData:\n  p: "{SECRET}\\x7f"\n',
    },
}

SECRET_MANIFEST = (
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n"
    f"data:\n  token: {SECRET_B64}\nstringData:\n  password: {SECRET}/a/b\n"
)


def _assert_no_secret(case: str, files: dict[str, str | bytes], tree: Path) -> None:
    root = write_tree(tree, {"s.yaml": SECRET_MANIFEST, **files})
    runs = [["render", "--no-validate", str(root)], ["render", str(root)]]
    if "bad.yaml" in files:
        bad = str(root / "bad.yaml")
        runs += [["validate", bad], ["lint", bad], ["diff", bad, str(root / "s.yaml")]]
    failed = 0
    for args in runs:
        out = invoke(args)
        judge("security: no Secret value in error messages", out)
        failed += out.exit_code != 0
        # a successful render prints the Secret itself, as it must; error messages never do
        shown = out.stderr if out.exit_code == 0 else out.text
        for value in (SECRET, SECRET_B64):
            assert value not in shown, f"{case}: {' '.join(args)} printed a Secret value:\n{out.text}"
    assert failed, f"{case}: no command failed, so no error message was checked"


@pytest.mark.parametrize("case", list(SECRET_LEAKS))
def test_error_messages_never_show_secret_values(tmp_path: Path, case: str) -> None:
    _assert_no_secret(case, SECRET_LEAKS[case], tmp_path / "k")


@pytest.mark.parametrize("case", list(YAMLIO_LEAKS))
def test_yaml_reader_and_writer_errors_never_show_secret_values(tmp_path: Path, case: str) -> None:
    _assert_no_secret(case, YAMLIO_LEAKS[case], tmp_path / "k")


def test_diff_masks_the_data_of_a_malformed_secret(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "k", {"s.yaml": SECRET_MANIFEST, **SECRET_LEAKS["Secret whose data is a list"]}
    )
    out = invoke(["diff", str(root / "bad.yaml"), str(root / "s.yaml")])
    judge("security: no Secret value in error messages", out)
    assert SECRET not in out.text and SECRET_B64 not in out.text, out.text
