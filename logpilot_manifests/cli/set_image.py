"""`logpilot-manifests set-image ENV NAME=REF...`: what `kustomize edit set image` does, for release pipelines.

The entry is edited where the environment's build takes it from (its own kustomization, or a component of
the overlays such as ``overlays/production/settings`` that several environments share), with a round-trip
YAML editor so comments and layout stay as written. The build is checked afterwards; if it fails, the file is
put back as it was.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import EXIT_OK, ManifestError, UsageError
from ..kustomize import KUSTOMIZATION_FILES
from ..paths import shown
from .common import run_guarded, write_text_atomic
from .inputs import complete_target

_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_VERSION_LABEL = "app.kubernetes.io/version"


@dataclass(frozen=True)
class ImageRef:
    """What to set for the image ``name``: a new name (or empty), a tag, a digest; None leaves it as is."""

    name: str
    new_name: str
    tag: str | None
    digest: str | None


def parse_image_arg(arg: str) -> ImageRef:
    """``NAME=NEWNAME[:TAG][@DIGEST]``, ``NAME:TAG`` (drops a digest: it belonged to the old tag) or
    ``NAME@DIGEST`` (pins the current tag's digest), as `kustomize edit set image` reads them."""
    from ..kustomize.filters.images import split_image

    if "=" in arg:
        name, _, ref = arg.partition("=")
        new_name, tag, digest = split_image(ref)
        result = ImageRef(name, "" if new_name == name else new_name, tag or None, digest or None)
        if result.tag is None and result.digest is None:
            result = ImageRef(name, result.new_name, None, None)
        elif result.digest is None:
            result = ImageRef(name, result.new_name, result.tag, "")
    else:
        name, tag, digest = split_image(arg)
        if not tag and not digest:
            raise UsageError(f"'{arg}': give NAME=REF, NAME:TAG or NAME@DIGEST")
        result = ImageRef(name, "", tag or None, digest or ("" if tag else None))
    if not result.name or "=" in result.name:
        raise UsageError(f"'{arg}': no image name before '='")
    if result.tag and not _TAG.fullmatch(result.tag):
        raise UsageError(f"'{arg}': '{result.tag}' is not a valid image tag")
    if result.digest and not _DIGEST.fullmatch(result.digest):
        raise UsageError(f"'{arg}': the digest must be sha256: and 64 hex digits, not '{result.digest}'")
    return result


def _kustomization_file(directory: Path) -> Path | None:
    found = [directory / n for n in KUSTOMIZATION_FILES if (directory / n).is_file()]
    return found[0] if len(found) == 1 else None


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _load(path: Path) -> Any:
    try:
        return _yaml().load(path.read_text(encoding="utf-8"))
    except Exception as exc:  # ruamel's errors have no common base worth naming
        raise ManifestError(f"cannot edit: {exc}".splitlines()[0], file=shown(path)) from None


def _tree(root: Path, overlays: Path) -> list[Path]:
    """The kustomization files of ``root`` and of the bases and components it lists that live under
    ``overlays`` (an environment's own settings; ``base/`` is shared by every environment and left alone)."""
    out: list[Path] = []
    todo = [root.resolve()]
    seen: set[Path] = set()
    while todo:
        directory = todo.pop(0)
        if directory in seen:
            continue
        seen.add(directory)
        kfile = _kustomization_file(directory)
        if kfile is None:
            continue
        out.append(kfile)
        data = _load(kfile)
        if not isinstance(data, dict):
            continue
        for key in ("resources", "components", "bases"):
            for entry in data.get(key) or []:
                sub = (directory / str(entry)).resolve()
                if sub.is_dir() and overlays.resolve() in sub.parents:
                    todo.append(sub)
    return out


def _entry(data: Any, name: str) -> Any:
    images = data.get("images") if isinstance(data, dict) else None
    for item in images or []:
        if isinstance(item, dict) and item.get("name") == name:
            return item
    return None


def _same_style(old: Any, new: str) -> Any:
    """``new`` quoted as the value it replaces was (``"0.1.0"`` stays double-quoted)."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    if isinstance(old, DoubleQuotedScalarString):
        return DoubleQuotedScalarString(new)
    if isinstance(old, SingleQuotedScalarString):
        return SingleQuotedScalarString(new)
    return new


def _apply(item: Any, ref: ImageRef) -> str | None:
    """Update one ``images`` entry; returns the tag it had, for the version label."""
    old_tag = item.get("newTag")
    if ref.new_name:
        item["newName"] = ref.new_name
    elif "newName" in item and ref.tag is not None:
        del item["newName"]
    if ref.tag is not None:
        item["newTag"] = _same_style(old_tag, ref.tag) if ref.tag else ref.tag
        if not ref.tag:
            del item["newTag"]
    if ref.digest is not None:
        if ref.digest:
            item["digest"] = ref.digest
        elif "digest" in item:
            del item["digest"]
    return None if old_tag is None else str(old_tag)


def _follow_version_label(data: Any, old_tag: str | None, new_tag: str | None) -> bool:
    """Move ``app.kubernetes.io/version`` along with the tag when it spelled the old tag."""
    if not old_tag or not new_tag or old_tag == new_tag:
        return False
    moved = False
    for block in data.get("labels") or []:
        pairs = block.get("pairs") if isinstance(block, dict) else None
        if isinstance(pairs, dict) and str(pairs.get(_VERSION_LABEL)) == old_tag:
            pairs[_VERSION_LABEL] = _same_style(pairs[_VERSION_LABEL], new_tag)
            moved = True
    return moved


def set_image(
    env: Annotated[
        str,
        typer.Argument(
            metavar="ENV", help="Environment name or kustomization dir.", autocompletion=complete_target
        ),
    ],
    images: Annotated[
        list[str],
        typer.Argument(
            metavar="NAME=REF...",
            help="NAME=NEWNAME:TAG@sha256:DIGEST, NAME:TAG or NAME@sha256:DIGEST (NAME as the base writes it).",
            show_default=False,
        ),
    ],
) -> None:
    """Set the tag and digest (or name) of an image in an environment, like `kustomize edit set image`.

    The entry is changed where the environment takes it from, keeping comments and layout; when it moves
    the tag, the app.kubernetes.io/version label that spelled the old tag moves with it. The build is
    checked afterwards and the file restored if it fails.

    Exit codes: 0 updated, 2 usage error (bad reference, unknown environment) or a build that fails after
    the edit (nothing is changed).

    Example: logpilot-manifests set-image production ghcr.io/logpilot/logpilot=ghcr.io/logpilot/logpilot:0.1.0
    """

    def run() -> int:
        from .inputs import build, project_root, resolve_target

        refs = [parse_image_arg(a) for a in images]
        root = resolve_target(env)
        files = _tree(root, project_root() / "overlays")
        own = files[0]
        originals: dict[Path, str] = {}
        edited: dict[Path, Any] = {}
        for ref in refs:
            holders = [f for f in files if _entry(edited.get(f) or _load(f), ref.name) is not None]
            if len(holders) > 1:
                where = ", ".join(shown(f) for f in holders)
                raise UsageError(f"image '{ref.name}' is set in several files of {env}: {where}")
            target = holders[0] if holders else own
            data = edited.get(target) or _load(target)
            originals.setdefault(target, target.read_text(encoding="utf-8"))
            item = _entry(data, ref.name)
            if item is None:
                from ruamel.yaml.comments import CommentedMap, CommentedSeq

                if data.get("images") is None:
                    data["images"] = CommentedSeq()
                item = CommentedMap(name=ref.name)
                data["images"].append(item)
            old_tag = _apply(item, ref)
            label = _follow_version_label(data, old_tag, ref.tag)
            edited[target] = data
            what = ", ".join(
                p
                for p in (
                    f"name {ref.new_name}" if ref.new_name else "",
                    f"tag {ref.tag}" if ref.tag else "",
                    f"digest {ref.digest}" if ref.digest else "",
                    f"{_VERSION_LABEL} {ref.tag}" if label else "",
                )
                if p
            )
            print(f"{shown(target)}: {ref.name}: {what or 'unchanged'}", file=sys.stderr)
        import io

        for path, data in edited.items():
            buf = io.StringIO()
            _yaml().dump(data, buf)
            write_text_atomic(path, buf.getvalue())
        try:
            build(root)
        except ManifestError as exc:
            for path, text in originals.items():
                write_text_atomic(path, text)
            raise ManifestError(f"the build fails after the edit, which was undone: {exc}") from None
        return EXIT_OK

    raise typer.Exit(run_guarded(run))
