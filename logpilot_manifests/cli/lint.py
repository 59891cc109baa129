"""`logpilot-manifests lint TARGET`: policy checks with rule ids, severities and a one-line fix each."""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import EXIT_FAILURE, EXIT_OK, run_guarded

if TYPE_CHECKING:
    from ..findings import Finding
    from ..lint.config import LintConfig
    from ..lint.rule import Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"error": "error", "warning": "warning"}


class LintOutput(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"


def _artifact(origin: str, root: Path | None) -> str:
    """The finding's file as a path relative to the current directory (what CI annotations expect)."""
    if not origin or origin.startswith("("):
        return origin
    path = (root / origin) if root is not None and not Path(origin).is_absolute() else Path(origin)
    try:
        return Path(os.path.relpath(path.resolve(), Path.cwd())).as_posix()
    except ValueError:
        return path.as_posix()


def _location(f: Finding, root: Path | None) -> tuple[str, int | None]:
    """The file a finding's resource came from (relative to the current directory) and the closest line."""
    from ..errors import UsageError
    from ..explain import KUSTOMIZATION_FILES, locate, locate_in_kustomization, parse_field

    ref = f.resource
    uri = _artifact(f.location.file if f.location else "", root)
    if not uri or uri.startswith("("):
        return uri, None
    if Path(uri).name in KUSTOMIZATION_FILES:  # a generated object: point at its generator entry
        generator = "secretGenerator" if ref.kind == "Secret" else "configMapGenerator"
        return uri, locate_in_kustomization(Path(uri), generator, ref.source_name or ref.name)
    try:
        segs = parse_field(f.path)
    except UsageError:
        segs = []
    name = ref.source_name or ref.name
    return uri, locate(Path(uri), ref.kind, name, segs) or locate(Path(uri), ref.kind, name, None)


def to_json(findings: list[Finding], label: str, root: Path | None) -> dict[str, Any]:
    return {
        "target": label,
        "errors": sum(f.severity == "error" for f in findings),
        "warnings": sum(f.severity == "warning" for f in findings),
        "findings": [
            {
                "rule": f.rule,
                "severity": str(f.severity),
                "kind": f.resource.kind,
                "namespace": f.resource.namespace,
                "name": f.resource.name,
                "path": f.path,
                "message": f.message,
                "fix": f.fix,
                "file": uri,
                "line": line,
            }
            for f in findings
            for uri, line in [_location(f, root)]
        ],
    }


def to_sarif(findings: list[Finding], rules: list[Rule], root: Path | None) -> dict[str, Any]:
    """A SARIF 2.1.0 log: one run, the rules as the driver's reportingDescriptors, one result per finding."""
    from .. import __version__

    index = {r.id: i for i, r in enumerate(rules)}
    results = []
    for f in findings:
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f"{f.resource.label}: {f.message} (fix: {f.fix})"},
            "locations": [],
        }
        location: dict[str, Any] = {
            "logicalLocations": [
                {
                    "name": f.resource.name,
                    "fullyQualifiedName": f"{f.resource.label}#{f.path}",
                    "kind": "object",
                }
            ]
        }
        uri, line = _location(f, root)
        if uri and not uri.startswith("("):
            physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
            if line is not None:
                physical["region"] = {"startLine": line}
            location["physicalLocation"] = physical
        result["locations"].append(location)
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "logpilot-manifests lint",
                        "version": __version__,
                        "rules": [_sarif_rule(r) for r in rules],
                    }
                },
                "results": results,
            }
        ],
    }


def _print_text(findings: list[Finding], label: str, root: Path | None) -> None:
    from rich.text import Text

    from .diff import make_console

    console = make_console()
    for f in findings:
        line = Text()
        line.append(f"{f.severity:<7}", style="bold red" if f.severity == "error" else "bold yellow")
        line.append(f" {f.rule:<26} ", style="bold")
        line.append(f"{f.resource.label} ")
        line.append(f"{f.path}", style="dim")
        line.append(f"\n        {f.message}\n        fix: {f.fix}")
        uri, lineno = _location(f, root)
        if uri:
            line.append(f"\n        from: {uri}" + (f":{lineno}" if lineno else ""), style="dim")
        console.print(line)
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    console.print(Text(f"{label}: {errors} error(s), {warnings} warning(s)"))


def _sarif_rule(r: Rule) -> dict[str, Any]:
    """A SARIF reportingDescriptor with what code-scanning UIs show: descriptions, help, severity, tags."""
    return {
        "id": r.id,
        "name": "".join(part.capitalize() for part in r.id.split("-")),
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.description},
        "help": {
            "text": f"{r.description}\n\nFix: {r.fix}",
            "markdown": f"{r.description}\n\n**Fix:** {r.fix}",
        },
        "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]},
        "properties": {
            "security-severity": r.security_severity,
            "precision": r.precision,
            "problem.severity": "error" if r.severity == "error" else "warning",
            "tags": list(r.tags),
            "kinds": list(r.kinds),
        },
    }


def _print_rules(rules: list[Rule], output: LintOutput) -> None:
    """One line per rule (id, severity, what it checks), its fix indented below; or JSON / SARIF rules."""
    if output is LintOutput.json:
        sys.stdout.write(json.dumps({"rules": [r.to_dict() for r in rules]}, indent=2) + "\n")
        return
    if output is LintOutput.sarif:
        sys.stdout.write(json.dumps(to_sarif([], rules, None), indent=2) + "\n")
        return
    for r in rules:
        scope = " (production)" if r.production_only else ""
        sys.stdout.write(f"{r.id:<34}{r.severity:<9}{r.summary}{scope}\n{'':<43}fix: {r.fix}\n")


def _config(start: Path) -> LintConfig:
    """The project's lint configuration found from ``start`` upward, or the defaults."""
    from ..lint import INVALID_OPT_OUT, RULES
    from ..lint.config import LintConfig, find_config, load_config

    path = find_config(start)
    if path is None:
        return LintConfig()
    return load_config(path, {*RULES, INVALID_OPT_OUT}, _artifact(str(path), None))


def lint(
    target: Annotated[
        str | None,
        typer.Argument(
            metavar="TARGET",
            help="Environment, kustomization dir, rendered YAML/JSON file, or '-' for stdin.",
        ),
    ] = None,
    disable: Annotated[
        list[str] | None, typer.Option("--disable", "-d", help="Skip this rule (repeatable).", metavar="RULE")
    ] = None,
    output: Annotated[LintOutput, typer.Option("--output", help="text, json, or sarif (SARIF 2.1.0).")] = (
        LintOutput.text
    ),
    production: Annotated[
        bool | None,
        typer.Option(
            "--production/--no-production",
            help="Apply the production rules. Default: when .logpilot-lint.yaml lists the environment as "
            "production (without one: prod, prod-*, production, production-*).",
        ),
    ] = None,
    list_rules: Annotated[bool, typer.Option("--list-rules", help="List the rules and exit.")] = False,
) -> None:
    """Check TARGET against the policy rules; exit 1 when any error-severity rule fails.

    A resource opts out of a rule with the annotation lint.logpilot.io/disable-RULE: "reason"; the project's
    .logpilot-lint.yaml (found from TARGET upward) turns rules off, overrides severities and excludes objects.

    Example: logpilot-manifests lint production --output sarif > lint.sarif
    """

    def run() -> int:
        from ..errors import UsageError
        from ..lint import all_rules, run_lint
        from .diff import load_target

        if list_rules:
            _print_rules(all_rules(_config(Path.cwd())), output)
            return EXIT_OK
        if target is None:
            raise UsageError("missing TARGET (an environment, kustomization dir, rendered file or '-')")
        known = {r.id for r in all_rules()}
        unknown = sorted(set(disable or []) - known)
        if unknown:
            raise UsageError(f"unknown rule(s) {', '.join(unknown)}; rules: {', '.join(sorted(known))}")
        label, resources, root = load_target(target)
        config = _config(root if root is not None else Path.cwd() if target == "-" else Path(target))
        rules = all_rules(config)
        findings = run_lint(
            resources,
            disabled=frozenset(disable or []),
            production=config.is_production(label) if production is None else production,
            root=root,
            config=config,
        )
        if output is LintOutput.json:
            sys.stdout.write(json.dumps(to_json(findings, label, root), indent=2) + "\n")
        elif output is LintOutput.sarif:
            sys.stdout.write(json.dumps(to_sarif(findings, rules, root), indent=2) + "\n")
        else:
            _print_text(findings, label, root)
        sys.stdout.flush()
        return EXIT_FAILURE if any(f.severity == "error" for f in findings) else EXIT_OK

    raise typer.Exit(run_guarded(run))
