"""REST requests that offer an h2c upgrade (as every JDK HttpClient does) against plain ones, same server.

Single-entry POSTs and 1,000-entry batches at the connection counts of service_ingest.py, each run twice:
plain, and with `Connection: Upgrade, HTTP2-Settings` / `Upgrade: h2c` / `HTTP2-Settings`, which the server
declines and serves as HTTP/1.1. Both sides of each ratio come from the same run, back to back.

    python bench/bench_h2c.py [--duration 8] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).parent))
import service_ingest as si  # noqa: E402  (a sibling script, not a package)

_H2C_HEADERS = """
wrk.headers["Connection"] = "Upgrade, HTTP2-Settings"; wrk.headers["Upgrade"] = "h2c"
wrk.headers["HTTP2-Settings"] = "AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA"
"""


def run(seconds: float) -> dict[str, Any]:
    results: dict[str, Any] = {"load_average": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        server = si.Server(workdir, "sqlite", None)
        base = f"http://127.0.0.1:{server.http}"
        try:
            loads = {
                "single": (f"{base}/api/logs", orjson.dumps(si.entry(1)), 64, 1),
                "batch": (
                    f"{base}/api/logs/batch",
                    orjson.dumps([si.entry(i) for i in range(1000)]),
                    8,
                    1000,
                ),
            }
            for name, (url, body, connections, per_request) in loads.items():
                for variant, lua in (("plain", ""), ("h2c", _H2C_HEADERS)):
                    figures = si.wrk(url, body, connections, seconds, workdir, lua)
                    if figures["errors"]:
                        raise RuntimeError(f"{name} {variant}: {figures['errors']:.0f} non-2xx answers")
                    results[f"{name}_{variant}_logs_per_s"] = figures["req_per_s"] * per_request
                    results[f"{name}_{variant}_p99_ms"] = figures["p99_ms"]
        finally:
            results["exit_code"] = server.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = run(args.duration)
    print(f"load average {results['load_average']:.1f}")
    for name in ("single", "batch"):
        plain, h2c = results[f"{name}_plain_logs_per_s"], results[f"{name}_h2c_logs_per_s"]
        print(
            f"REST {name:6}  plain {plain:>9,.0f} logs/s  h2c offer {h2c:>9,.0f} logs/s  "
            f"ratio {h2c / plain:.2f}  (p99 {results[f'{name}_plain_p99_ms']:.1f} / "
            f"{results[f'{name}_h2c_p99_ms']:.1f} ms)"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
