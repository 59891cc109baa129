"""The Kubernetes definitions are decoded one at a time, on first use: the result must be what decoding the
whole file gives, for every definition and every resource type."""

from __future__ import annotations

import json

from logpilot_manifests.schema import openapi


def test_lazy_definitions_equal_the_whole_file_decoded() -> None:
    data, version = openapi._newest_definitions()
    scanned = openapi._scan_definitions(data)
    assert scanned is not None
    lazy, gvks = scanned
    whole = json.loads(data)
    definitions = whole.get("$defs") or whole.get("definitions")
    assert list(lazy) == list(definitions)
    assert all(lazy[name] == definitions[name] for name in definitions)
    assert openapi._Index(lazy, version, gvks).by_type == openapi._Index(definitions, version).by_type


def test_a_file_not_laid_out_one_key_per_line_is_decoded_whole() -> None:
    data, _ = openapi._newest_definitions()
    compact = json.dumps(json.loads(data), separators=(",", ":")).encode()
    assert openapi._scan_definitions(compact) is None


def test_a_definition_decoded_on_first_use_is_kept() -> None:
    data, _ = openapi._newest_definitions()
    scanned = openapi._scan_definitions(data)
    assert scanned is not None
    lazy, _ = scanned
    first = lazy["io.k8s.api.apps.v1.Deployment"]
    assert first is lazy["io.k8s.api.apps.v1.Deployment"]
    assert first["x-kubernetes-group-version-kind"] == [
        {"group": "apps", "kind": "Deployment", "version": "v1"}
    ]
