"""`logpilot-manifests lint TARGET`: policy checks with rule ids, severities and a one-line fix each."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import EXIT_FINDINGS, EXIT_OK
from ..findings import Finding, Location, ResourceRef, Severity
from .common import run_guarded
from .console import ColorMode, ColorOption
from .inputs import complete_target
from .output import OutputFormat, error_writer

if TYPE_CHECKING:
    from ..lint import Rule

SARIF_NAME = "logpilot-manifests lint"


def _is_production(label: str) -> bool:
    """Production rules apply to environments named production* or prod* (e.g. production-blue)."""
    name = Path(label.rstrip("/")).name.lower()
    return name.startswith("prod")


def as_finding(f: Any, root: Path | None) -> Finding:
    """A lint finding as the shared finding type, in the file its resource came from (``locate_findings``
    then places it at the line that set the offending field)."""
    from ..locations import shown_origin

    if isinstance(f, Finding):
        return f
    uri = shown_origin(root, f.origin) if root is not None else f.origin
    return Finding(
        rule=f.rule,
        severity=Severity(f.severity),
        resource=ResourceRef(kind=f.kind, name=f.name, namespace=f.namespace, source_name=f.source_name),
        path=f.path,
        message=f.message,
        fix=f.fix,
        location=Location(file=uri) if uri and Path(uri).is_file() else None,
    )


def _print_rules(rules: list[Rule]) -> None:
    """One line per rule (id, severity, what it checks), its fix indented below."""
    for r in rules:
        sys.stdout.write(f"{r.id:<28}{r.severity:<9}{r.summary}\n{'':<37}fix: {r.fix}\n")


def lint(
    target: Annotated[
        str | None,
        typer.Argument(
            metavar="TARGET",
            help="Environment, kustomization dir, rendered YAML/JSON file, or '-' for stdin.",
            autocompletion=complete_target,
        ),
    ] = None,
    disable: Annotated[
        list[str] | None, typer.Option("--disable", "-d", help="Skip this rule (repeatable).", metavar="RULE")
    ] = None,
    output: Annotated[OutputFormat, typer.Option("--output", help="text, json, or sarif (SARIF 2.1.0).")] = (
        OutputFormat.text
    ),
    production: Annotated[
        bool | None,
        typer.Option(
            "--production/--no-production",
            help="Apply the production rules (digest-pinned images). Default: when the target is named prod*.",
        ),
    ] = None,
    list_rules: Annotated[bool, typer.Option("--list-rules", help="List the rules and exit.")] = False,
    color: ColorOption = ColorMode.auto,
) -> None:
    """Check TARGET against the policy rules.

    Exit codes: 0 no error finding (warnings allowed), 1 an error finding, 2 usage error or a target that
    cannot be read or built. --output json|sarif writes its document also when the command fails.

    A resource opts out of a rule with the annotation lint.logpilot.io/disable-RULE: "reason".

    Example: logpilot-manifests lint production --output sarif > lint.sarif
    """

    def run() -> int:
        from ..errors import UsageError
        from ..lint import all_rules, run_lint
        from .inputs import load_target
        from .output import findings_json, findings_sarif, print_text, write_json

        rules = all_rules()
        if list_rules:
            _print_rules(rules)
            return EXIT_OK
        if target is None:
            raise UsageError("missing TARGET (an environment, kustomization dir, rendered file or '-')")
        known = {r.id for r in rules}
        unknown = sorted(set(disable or []) - known)
        if unknown:
            raise UsageError(f"unknown rule(s) {', '.join(unknown)}; rules: {', '.join(sorted(known))}")
        from ..explain import Tracer
        from ..locations import Document, Trace, built_documents, locate_findings

        # Lint nearly always has findings to place: trace the one build rather than build twice.
        tracer = Tracer()
        loaded = load_target(target, tracer=tracer)
        label, root = loaded.label, loaded.root
        found = [
            as_finding(f, root)
            for f in run_lint(
                loaded.resources,
                disabled=frozenset(disable or []),
                production=_is_production(label) if production is None else production,
                root=root,
            )
        ]
        if root is not None:
            docs = built_documents(root, loaded.resources)
            findings = locate_findings(found, docs, {root: Trace(tracer, loaded.resources)})
        else:
            findings = locate_findings(found, [Document(r.obj, label) for r in loaded.resources])
        errors = sum(f.severity is Severity.ERROR for f in findings)
        if output is OutputFormat.json:
            write_json(findings_json(findings, command="lint", target=label))
        elif output is OutputFormat.sarif:
            write_json(findings_sarif(findings, rules, name=SARIF_NAME))
        else:
            summary = f"{label}: {errors} error(s), {len(findings) - errors} warning(s)"
            print_text(findings, summary, stderr=False, color=color)
        return EXIT_FINDINGS if errors else EXIT_OK

    def all_rules() -> list[Rule]:
        from ..lint import all_rules as rules

        return rules()

    raise typer.Exit(
        run_guarded(run, error_writer(output, command="lint", sarif_name=SARIF_NAME, rules=all_rules))
    )
