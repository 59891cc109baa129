"""Typed models over large builds: decoding 10,000 objects into their models, against the 0.3 s target.

The objects are LogPilot's rendered production overlay (Deployments with full pod templates, Services,
HPAs, PDBs, network policies, Gateway API routes, monitoring objects) repeated to 1,000, 10,000 and 20,000.
Reported, best of --repeat: the decoding alone (``typed_or_none`` per object, the cost a command pays when
it reads every object typed), beside reading the same objects' container images through plain dicts, the
cheapest walk a rule could do without models (so the ratio says what typing costs over touching each object).

    .venv/bin/python bench/bench_models.py [--repeat 5] [--json FILE]
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from logpilot_manifests import build  # noqa: E402
from logpilot_manifests.models import typed_or_none  # noqa: E402

TARGET_SECONDS = 0.3
SIZES = (1_000, 10_000, 20_000)


def corpus(size: int) -> list[dict[str, Any]]:
    """``size`` objects: deep copies of the production overlay's objects (no sharing between copies)."""
    templates = build(REPO / "overlays" / "production")
    return [copy.deepcopy(templates[i % len(templates)]) for i in range(size)]


def _dict_images(objs: list[dict[str, Any]]) -> int:
    found = 0
    for obj in objs:
        template = (obj.get("spec") or {}).get("template") if isinstance(obj.get("spec"), dict) else None
        if isinstance(template, dict):
            for c in (template.get("spec") or {}).get("containers") or []:
                found += bool(c.get("image"))
    return found


def _best(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    typed_or_none(build(REPO / "overlays" / "production")[0])  # import the model modules once
    rows = []
    for size in SIZES:
        objs = corpus(size)
        for obj in objs[:40]:
            typed_or_none(obj)
        typed = _best(lambda objs=objs: [typed_or_none(o) for o in objs], args.repeat)
        plain = _best(lambda objs=objs: _dict_images(objs), args.repeat)
        rows.append({"objects": size, "typed_s": typed, "dict_walk_s": plain, "ratio": typed / plain})
        print(
            f"{size:>6} objects: typed models {typed:.3f} s ({typed / size * 1e6:.1f} us/object), "
            f"dict walk {plain:.3f} s, typed/dict {typed / plain:.1f}x"
        )
    at_10k = next(r for r in rows if r["objects"] == 10_000)["typed_s"]
    verdict = "PASS" if at_10k <= TARGET_SECONDS else "MISS"
    print(
        f"10,000 objects typed in {at_10k:.3f} s: {verdict} (target {TARGET_SECONDS} s, {at_10k / TARGET_SECONDS:.2f}x of it)"
    )
    if args.json:
        args.json.write_text(
            json.dumps({"rows": rows, "target_s": TARGET_SECONDS}, indent=2), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
