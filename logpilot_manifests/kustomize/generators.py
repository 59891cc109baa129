"""configMapGenerator and secretGenerator: the objects they make, how behaviours combine across bases,
and the content-hash name suffix kustomize gives generated names."""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from ..errors import BuildError
from .kfile import View
from .resource import GeneratorMeta, Resource

_HASH_LETTERS = str.maketrans("013ae", "ghkmt")

ReadFile = Callable[[str], tuple[bytes, str]]  # relative path -> (content, display path)


def go_json(value: Any) -> str:
    """JSON as Go's encoding/json writes it: sorted keys, no spaces, HTML-safe escapes."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _encode_hash(payload: str) -> str:
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:10].translate(_HASH_LETTERS)


def name_hash(obj: dict[str, Any]) -> str:
    """The 10-character suffix kustomize derives from a generated object's content.

    kustomize encodes kind, data (and binaryData; for Secrets type and stringData) as JSON. Its lookup of
    the name uses a path that never matches, so the name always enters the hash as an empty string.
    """
    kind = obj.get("kind")

    def field(key: str) -> Any:
        v = obj.get(key)
        return "" if v is None else v

    if kind == "ConfigMap":
        m: dict[str, Any] = {"kind": "ConfigMap", "name": "", "data": field("data")}
        if isinstance(obj.get("binaryData"), dict):
            m["binaryData"] = obj["binaryData"]
    elif kind == "Secret":
        m = {"kind": "Secret", "type": field("type"), "name": "", "data": field("data")}
        if isinstance(obj.get("stringData"), dict):
            m["stringData"] = obj["stringData"]
    else:
        m = obj
    return _encode_hash(go_json(m))


def b64_lines(raw: bytes) -> str:
    """Base64 as kustomize writes generated data: one line when short, else 70-character lines each
    ending in a newline."""
    enc = base64.b64encode(raw).decode("ascii")
    if len(enc) < 70:
        return enc
    return "".join(enc[i : i + 70] + "\n" for i in range(0, len(enc), 70))


def _parse_literal(source: str, gen: str) -> tuple[str, str]:
    if source.startswith("=") or "=" not in source:
        raise BuildError(f"{gen}: invalid literal source '{source}', expected key=value")
    key, value = source.split("=", 1)
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return key, value


def _parse_file_source(source: str, gen: str) -> tuple[str, str]:
    n = source.count("=")
    if n == 0:
        return posixpath.basename(source), source
    if n == 1 and source.startswith("="):
        raise BuildError(f"{gen}: missing key name for file path in source '{source}'")
    if n == 1 and source.endswith("="):
        raise BuildError(f"{gen}: missing file path for key name in source '{source}'")
    if n > 1:
        raise BuildError(f"{gen}: source '{source}' key name or file path contains '='")
    key, path = source.split("=")
    return key, path


def _env_pairs(content: bytes, display: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    text = content.decode("utf-8", errors="strict") if content else ""
    if text.startswith("\ufeff"):
        text = text[1:]
    for raw in text.splitlines():
        line = raw.lstrip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        pairs.append((key, value))
    return pairs


def _kv_pairs(args: View, read: ReadFile, gen: str) -> list[tuple[str, bytes | str]]:
    """Key/value pairs in kustomize's order: env files, then literals, then files."""
    out: list[tuple[str, bytes | str]] = []
    for path in args.envs:
        content, display = read(path)
        try:
            out.extend(_env_pairs(content, display))
        except UnicodeDecodeError:
            raise BuildError("env file is not valid UTF-8", file=display) from None
    for lit in args.literals:
        out.append(_parse_literal(lit, gen))
    for src in args.files:
        key, path = _parse_file_source(src, gen)
        content, _ = read(path)
        out.append((key, content))
    seen: set[str] = set()
    for key, _ in out:
        if key in seen:
            raise BuildError(f"{gen}: {args.name} illegally repeats the key '{key}'")
        seen.add(key)
    return out


class Options(NamedTuple):
    labels: dict[str, str] | None = None
    annotations: dict[str, str] | None = None
    disable_hash: bool = False
    immutable: bool = False


def _merged(mine: dict[str, str] | None, global_: Mapping[str, str] | None) -> dict[str, str] | None:
    """``mine``, then the keys of ``global_`` it lacks."""
    if global_ is None:
        return mine
    if mine is None:
        return dict(global_)
    return {**mine, **{k: v for k, v in global_.items() if k not in mine}}


def merge_options(local: View | None, global_: View | None) -> Options:
    """Per-generator options win over the kustomization's generatorOptions, key by key."""
    opts = Options()
    if local is not None:
        opts = Options(
            dict(local.labels) if local.labels is not None else None,
            dict(local.annotations) if local.annotations is not None else None,
            local.disableNameSuffixHash,
            local.immutable,
        )
    if global_ is None:
        return opts
    return Options(
        _merged(opts.labels, global_.labels),
        _merged(opts.annotations, global_.annotations),
        opts.disable_hash or global_.disableNameSuffixHash,
        opts.immutable or global_.immutable,
    )


def make_generated(kind: str, args: View, global_opts: View | None, read: ReadFile, origin: str) -> Resource:
    """One ConfigMap or Secret from its generator arguments."""
    gen = f"{'configMapGenerator' if kind == 'ConfigMap' else 'secretGenerator'} '{args.name}'"
    if not args.name:
        raise BuildError(f"a {kind.lower()} generator must have a name", file=origin)
    metadata: dict[str, Any] = {"name": args.name}
    if args.namespace:
        metadata["namespace"] = args.namespace
    obj: dict[str, Any] = {"apiVersion": "v1", "kind": kind, "metadata": metadata}
    try:
        pairs = _kv_pairs(args, read, gen)
    except BuildError as exc:
        exc.file = exc.file or origin
        raise
    if kind == "Secret":
        obj["type"] = args.type or "Opaque"
        data = {}
        for key, value in pairs:
            raw = value if isinstance(value, bytes) else value.encode("utf-8")
            data[key] = b64_lines(raw)
        obj["data"] = data  # kustomize writes (and hashes) a Secret's data even when it is empty
    else:
        data_s: dict[str, str] = {}
        binary: dict[str, str] = {}
        for key, value in pairs:
            if isinstance(value, bytes):
                try:
                    data_s[key] = value.decode("utf-8")
                except UnicodeDecodeError:
                    binary[key] = b64_lines(value)
            else:
                data_s[key] = value
        if data_s:
            obj["data"] = data_s
        if binary:
            obj["binaryData"] = binary
    opts = merge_options(args.options, global_opts)
    if opts.labels:
        metadata["labels"] = dict(opts.labels)
    if opts.annotations:
        metadata["annotations"] = dict(opts.annotations)
    if opts.immutable:
        obj["immutable"] = True
    # kustomize knows merge and replace; any other value (add, Merge, ...) means unspecified, which creates
    behavior = args.behavior if args.behavior in ("merge", "replace") else "create"
    meta = GeneratorMeta(
        behavior=behavior,
        hash_suffix=not opts.disable_hash,
        literal_keys=tuple(_parse_literal(literal, gen)[0] for literal in args.literals),
    )
    return Resource(obj=obj, origin=origin, generator=meta)


def merge_generated(new: Resource, old: Resource) -> None:
    """Apply behaviour merge/replace of ``new`` onto the existing ``old`` (``new`` takes ``old``'s place).

    Both keep the old object's name, namespace and rename history; labels and annotations are merged
    (new wins); with merge, data and binaryData are merged too (new wins). The result gets a hash suffix
    only if both the old and the new generator want one.
    """
    assert new.generator is not None
    nmd, omd = new.metadata, old.metadata
    for key in ("labels", "annotations"):
        merged = {**(omd.get(key) or {}), **(nmd.get(key) or {})}
        if merged:
            nmd[key] = merged
        else:
            nmd.pop(key, None)
    nmd["name"] = old.name
    if old.namespace:
        nmd["namespace"] = old.namespace
    else:
        nmd.pop("namespace", None)
    if new.generator.behavior == "merge":
        for key in ("data", "binaryData"):
            merged = {**(old.obj.get(key) or {}), **(new.obj.get(key) or {})}
            if merged:
                new.obj[key] = merged
        new.origin = old.origin
        kept = old.generator.literal_keys if old.generator is not None else ()
        new.generator.literal_keys = tuple(dict.fromkeys((*kept, *new.generator.literal_keys)))
    # kustomize keeps the old object's build marks and drops the hash mark unless the new generator has it
    # too: the name gets a hash suffix only when both generators ask for one.
    new.generator.hash_suffix = (
        new.generator.hash_suffix and old.generator is not None and old.generator.hash_suffix
    )
    new.prev_ids = list(old.prev_ids)
    new.prefixes = list(old.prefixes)
    new.suffixes = list(old.suffixes)
