"""The output layer of every command that reports findings or fails: a text listing, a JSON report, or a
SARIF 2.1.0 log, written from the shared :class:`~logpilot_manifests.findings.Finding`, and the same three
forms for an error that stopped the command (so ``--output json|sarif`` always yields a well-formed
document on stdout, whatever happened).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import ManifestError
from ..severity import Severity

if TYPE_CHECKING:
    from ..findings import Finding, Location

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
# Paths in a SARIF log are relative to this base, which stands for the directory the command ran in.
URI_BASE = "%SRCROOT%"
TOOL = "logpilot-manifests"


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"


class RuleInfo(Protocol):
    """What the SARIF log says about a rule (lint's rules have it; validation's checks get a plain one)."""

    @property
    def id(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def fix(self) -> str: ...


def count(findings: Iterable[Finding]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = warnings = 0
    for f in findings:
        if f.severity is Severity.ERROR:
            errors += 1
        else:
            warnings += 1
    return errors, warnings


# --- text ---------------------------------------------------------------------------------------------


def print_text(findings: Sequence[Finding], summary: str, *, stderr: bool, color: Any = None) -> None:
    """One block per finding, headed ``path:line:column: severity rule`` as compilers print theirs, so
    editors and CI logs link to the place; then the resource, field, message and fix; then ``summary``."""
    from rich.text import Text

    from .console import ColorMode, make_console

    console = make_console(stderr=stderr, color=color or ColorMode.auto)
    for f in findings:
        line = Text()
        if f.source:
            line.append(f"{f.source}: ", style="bold")
        line.append(str(f.severity), style="bold red" if f.severity is Severity.ERROR else "bold yellow")
        line.append(f" {f.rule}", style="bold")
        line.append(f"  {f.resource.label}")
        if f.path:
            line.append(f" {f.path}", style="dim")
        line.append(f"\n    {f.message}")
        if f.fix:
            line.append(f"\n    fix: {f.fix}")
        console.print(line)
    console.print(Text(summary))


def print_error(exc: ManifestError) -> None:
    """The one ``error:`` line on stderr, whatever the output format."""
    print(f"error: {exc}", file=sys.stderr)


# --- JSON ---------------------------------------------------------------------------------------------


def findings_json(findings: Sequence[Finding], *, command: str, **extra: Any) -> dict[str, Any]:
    errors, warnings = count(findings)
    return {
        "command": command,
        **extra,
        "errors": errors,
        "warnings": warnings,
        "findings": [f.to_dict() for f in findings],
    }


def error_json(exc: ManifestError, *, command: str, **extra: Any) -> dict[str, Any]:
    """The report of a command that could not do its job: ``error`` instead of findings."""
    return {"command": command, **extra, "error": exc.to_dict(), "exitCode": exc.exit_code}


# --- SARIF --------------------------------------------------------------------------------------------


def _physical(loc: Location) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": loc.file, "uriBaseId": URI_BASE}}
    if loc.line is not None:
        region: dict[str, Any] = {"startLine": loc.line}
        if loc.column is not None:
            region["startColumn"] = loc.column
        physical["region"] = region
    return physical


def _base_ids() -> dict[str, Any]:
    return {URI_BASE: {"uri": Path.cwd().resolve().as_uri() + "/"}}


def _descriptor(r: RuleInfo) -> dict[str, Any]:
    """A SARIF reportingDescriptor; a rule that carries a description, a security severity, a precision and
    tags (lint's) gets what code-scanning UIs show for them."""
    out: dict[str, Any] = {
        "id": r.id,
        "name": r.id,
        "shortDescription": {"text": r.summary},
        "help": {"text": f"Fix: {r.fix}" if r.fix else r.summary},
        "defaultConfiguration": {"level": str(r.severity)},
    }
    description = getattr(r, "description", "")
    if description:
        out["name"] = "".join(part.capitalize() for part in r.id.split("-"))
        out["fullDescription"] = {"text": description}
        out["help"] = {
            "text": f"{description}\n\nFix: {r.fix}",
            "markdown": f"{description}\n\n**Fix:** {r.fix}",
        }
        out["properties"] = {
            "security-severity": getattr(r, "security_severity", ""),
            "precision": getattr(r, "precision", ""),
            "problem.severity": str(r.severity),
            "tags": list(getattr(r, "tags", ())),
            "kinds": list(getattr(r, "kinds", ())),
        }
    return out


def _run(
    name: str, rules: Sequence[RuleInfo], results: list[dict[str, Any]], invocation: dict[str, Any]
) -> dict[str, Any]:
    from .. import __version__

    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": name,
                        "version": __version__,
                        "rules": [_descriptor(r) for r in rules],
                    }
                },
                "originalUriBaseIds": _base_ids(),
                "invocations": [invocation],
                "results": results,
            }
        ],
    }


def findings_sarif(findings: Sequence[Finding], rules: Sequence[RuleInfo], *, name: str) -> dict[str, Any]:
    """A SARIF 2.1.0 log: one run, the rules as reportingDescriptors, one result per finding."""
    index = {r.id: i for i, r in enumerate(rules)}
    results = []
    for f in findings:
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "level": str(f.severity),
            "message": {"text": f"{f.resource.label}: {f.message}" + (f" (fix: {f.fix})" if f.fix else "")},
        }
        if f.rule in index:
            result["ruleIndex"] = index[f.rule]
        location: dict[str, Any] = {
            "logicalLocations": [
                {
                    "name": f.resource.name,
                    "fullyQualifiedName": f"{f.resource.label}#{f.path}" if f.path else f.resource.label,
                    "kind": "object",
                }
            ]
        }
        if f.location is not None and f.location.file:
            location["physicalLocation"] = _physical(f.location)
        result["locations"] = [location]
        results.append(result)
    return _run(name, rules, results, {"executionSuccessful": True})


def error_sarif(exc: ManifestError, *, name: str, rules: Sequence[RuleInfo] = ()) -> dict[str, Any]:
    """A SARIF log for a run that failed before judging anything: no results, the error as a tool execution
    notification, ``executionSuccessful: false``."""
    from ..findings import Location

    notification: dict[str, Any] = {"level": "error", "message": {"text": str(exc)}}
    if exc.file:
        notification["locations"] = [
            {"physicalLocation": _physical(Location(file=exc.file, line=exc.line, column=exc.column))}
        ]
    invocation = {
        "executionSuccessful": False,
        "exitCode": exc.exit_code,
        "toolExecutionNotifications": [notification],
    }
    return _run(name, rules, [], invocation)


# --- writing ------------------------------------------------------------------------------------------


def write_json(doc: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def error_writer(
    fmt: OutputFormat | str,
    *,
    command: str,
    sarif_name: str = TOOL,
    rules: Callable[[], Sequence[RuleInfo]] = tuple,
) -> Callable[[ManifestError], None] | None:
    """What ``run_guarded`` calls with the error when ``fmt`` is a document format: write its document."""
    if fmt == OutputFormat.json:
        return lambda exc: write_json(error_json(exc, command=command))
    if fmt == OutputFormat.sarif:
        return lambda exc: write_json(error_sarif(exc, name=sarif_name, rules=rules()))
    return None
