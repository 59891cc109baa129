"""Arguments of `logpilot-server`: start the server (no arguments), `import DIR`, `--help`, `--version`.

Settings never come from arguments (LOGPILOT_CONFIG and LOGPILOT_* variables, as in a container), so
argument parsing stays this small; it runs before anything heavy is imported.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from . import __version__

_DESCRIPTION = """\
LogPilot server: collects logs over REST (port 8080) and gRPC (port 50051), serves them to consumers with
Kafka-style offsets; health, info and Prometheus metrics on the management port (8081).

Settings come from application.yml (its path in LOGPILOT_CONFIG) and LOGPILOT_* environment variables,
e.g. LOGPILOT_API_KEY, LOGPILOT_PROTOCOL=all|rest|grpc, LOGPILOT_STORAGE_TYPE=sqlite|postgres,
LOGPILOT_SQLITE_PATH, LOGPILOT_POSTGRES_DSN. The original LogPilot's application.yml and variables are
read too. The README's Configuration section lists every setting.
"""

_EPILOG = """\
examples:
  LOGPILOT_API_KEY=secret logpilot-server
  LOGPILOT_SQLITE_PATH=/data/logpilot.db logpilot-server import /data/logs

exit codes: 0 stopped cleanly or imported, 1 start-up or import failed, 2 invalid settings or arguments
"""


@dataclass(frozen=True)
class Command:
    """What to run: the server, or an import of the original's file storage."""

    name: str  # "serve" | "import"
    directory: str = ""
    timezone: str = "UTC"


def parse_arguments(argv: list[str]) -> Command:
    """Parses argv; `--help`, `--version` and usage errors print and exit here (0, 0, 2)."""
    parser = argparse.ArgumentParser(
        prog="logpilot-server",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-V", "--version", action="version", version=f"logpilot-server {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    importer = commands.add_parser(
        "import",
        help="copy the original LogPilot's file storage (DIR/<channel>.log, DIR/.offsets) into the configured store",
        description="Copies the original LogPilot's file storage into the configured store (SQLite or "
        "PostgreSQL), keeping each channel's order and every consumer's offset. Safe to run again.",
    )
    importer.add_argument("directory", metavar="DIR", help="the original's logpilot.storage.directory")
    importer.add_argument(
        "--timezone",
        default="UTC",
        help="time zone the original server ran in: its timestamps carry none (default UTC)",
    )
    args = parser.parse_args(argv)
    if args.command == "import":
        return Command("import", args.directory, args.timezone)
    return Command("serve")
