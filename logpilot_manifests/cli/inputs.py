"""Reading what a command is pointed at, the same way for every command: an environment name, a kustomization
directory, a rendered YAML/JSON file, or ``-`` for standard input.

Every path a command shows (errors, findings, origins) is relative to the current directory, as
``paths.shown`` writes it: one rule, so a ``path:line:column`` can be opened from where the command ran.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import LoadError, ManifestError, UsageError
from ..kustomize import KUSTOMIZATION_FILES
from ..paths import STDIN_LABEL, shown, shown_origin

if TYPE_CHECKING:
    from ..explain import Tracer
    from ..kustomize.build import BuildOptions
    from ..kustomize.resource import Resource

STDIN = "-"


def project_root() -> Path:
    """The folder holding ``overlays/``: LOGPILOT_ROOT, else the current directory or one of its parents."""
    env = os.environ.get("LOGPILOT_ROOT")
    if env:
        return Path(env)
    here = Path.cwd()
    for d in (here, *here.parents):
        if (d / "overlays").is_dir():
            return d
    return here


def environments(root: Path | None = None) -> list[str]:
    """Environment names: the folders of ``overlays/`` holding a kustomization file."""
    overlays = (root or project_root()) / "overlays"
    if not overlays.is_dir():
        return []
    return sorted(p.name for p in overlays.iterdir() if has_kustomization(p))


def has_kustomization(path: Path) -> bool:
    return path.is_dir() and any((path / f).is_file() for f in KUSTOMIZATION_FILES)


def resolve_target(target: str) -> Path:
    """An environment name (folder under ``overlays/``) or a kustomization directory; else a usage error
    that names the root searched and lists its environments."""
    path = Path(target)
    if has_kustomization(path):
        return path
    root = project_root()
    if "/" not in target and os.sep not in target:
        env_dir = root / "overlays" / target
        if has_kustomization(env_dir):
            return env_dir
    if path.is_dir():
        raise UsageError(
            f"{target}: no kustomization.yaml, kustomization.yml or Kustomization in this directory"
        )
    if path.exists():
        raise UsageError(f"{target}: not a kustomization directory")
    envs = environments(root)
    overlays = root / "overlays"
    if os.environ.get("LOGPILOT_ROOT"):
        searched = f"{shown(overlays)}/ (LOGPILOT_ROOT)"
    elif overlays.is_dir():
        searched = f"{shown(overlays)}/"
    else:
        searched = "no overlays/ folder in the current directory or its parents"
    found = f"environments in {searched}: {', '.join(envs)}" if envs else f"no environments ({searched})"
    raise UsageError(
        f"{target}: not an environment nor a kustomization directory; {found}. "
        "LOGPILOT_ROOT names the folder holding overlays/."
    )


def build(
    root: Path,
    *,
    tracer: Tracer | None = None,
    origin_annotations: bool = False,
    options: BuildOptions | None = None,
) -> list[Resource]:
    """Build the kustomization in ``root`` (with kustomize's build flags in ``options``); an error's file is
    re-based to the current directory."""
    from ..kustomize.build import build_resources

    try:
        return build_resources(root, tracer=tracer, origin_annotations=origin_annotations, options=options)
    except ManifestError as exc:
        if exc.file and not os.path.isabs(exc.file):
            exc.file = shown(root.resolve() / exc.file)
        raise


def read_text(spec: str) -> tuple[str, str]:
    """The text of a file or of standard input (``-``) and its label; strict UTF-8."""
    label = STDIN_LABEL if spec == STDIN else shown(spec)
    try:
        data = sys.stdin.buffer.read() if spec == STDIN else Path(spec).read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read: {exc.strerror or exc.__class__.__name__}", file=label) from None
    try:
        return data.decode("utf-8"), label
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LoadError("not UTF-8 text", file=label, line=line) from None


def documents(text: str, label: str) -> list[Any]:
    """The documents of a rendered file, a ``kind: *List`` expanded into its items."""
    from ..kustomize.documents import load_documents

    out: list[Any] = []
    for doc in load_documents(text, label):
        items = (
            doc.get("items") if isinstance(doc, dict) and str(doc.get("kind", "")).endswith("List") else None
        )
        out.extend(items if isinstance(items, list) else [doc])
    return out


class Target(NamedTuple):
    """What one TARGET argument stands for: its label, its resources, and the root when one was built."""

    label: str
    resources: list[Resource]
    root: Path | None

    def origin(self, resource: Resource) -> str:
        return shown_origin(self.root, resource.origin) if self.root is not None else resource.origin


def is_file_target(spec: str) -> bool:
    return spec == STDIN or Path(spec).is_file()


def load_target(spec: str, *, tracer: Tracer | None = None, options: BuildOptions | None = None) -> Target:
    """The resources of an environment, a kustomization directory, a rendered YAML/JSON file or ``-``."""
    from ..kustomize.resource import Resource

    if is_file_target(spec):
        text, label = read_text(spec)
        out: list[Resource] = []
        for i, obj in enumerate(documents(text, label), start=1):
            if not isinstance(obj, dict) or not obj.get("kind") or not isinstance(obj.get("metadata"), dict):
                raise ManifestError(
                    f"document {i} is not a Kubernetes object (needs kind and metadata)", file=label
                )
            out.append(Resource(obj, origin=label))
        return Target(label, out, None)
    root = resolve_target(spec)
    return Target(spec, build(root, tracer=tracer, options=options), root)


def complete_target(incomplete: str) -> list[str]:
    """Shell completion of a TARGET: the environment names that start with what was typed."""
    try:
        return [e for e in environments() if e.startswith(incomplete)]
    except OSError:
        return []


def complete_resource(ctx: Any, incomplete: str) -> list[str]:
    """Shell completion of explain's KIND/NAME: the resources of the TARGET typed before it."""
    import contextlib
    import io

    target = (ctx.params or {}).get("target")
    if not target:
        return []
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            resources = build(resolve_target(target))
    except (ManifestError, OSError, RecursionError):
        return []
    from ..kinds import resolve_kind

    # Shells keep only words that start with what was typed: the kind stays as typed (deploy, deployments,
    # Deployment), followed by the names of the kind it stands for.
    typed, slash, name = incomplete.partition("/")
    kinds = {r.kind for r in resources}
    kind = resolve_kind(typed, kinds)
    if kind is not None:
        return sorted({f"{typed}/{r.name}" for r in resources if r.kind == kind and r.name.startswith(name)})
    if slash:
        return []
    return sorted({f"{r.kind}/{r.name}" for r in resources if r.kind.lower().startswith(typed.lower())})
