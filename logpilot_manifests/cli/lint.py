"""`logpilot-manifests lint TARGET`: policy checks with rule ids, severities and a one-line fix each."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import EXIT_FINDINGS, EXIT_OK
from ..findings import Finding, Location, Severity
from .common import run_guarded
from .console import ColorMode
from .inputs import complete_target
from .output import OutputFormat, error_writer
from .params import ColorOption

if TYPE_CHECKING:
    from ..lint.config import LintConfig
    from ..lint.rule import Rule

SARIF_NAME = "logpilot-manifests lint"


def _rebased(f: Finding, root: Path | None) -> Finding:
    """The finding in the file its resource came from, as a path from the current directory
    (``locate_findings`` then places it at the line that set the offending field)."""
    from ..paths import shown_origin

    origin = f.location.file if f.location else ""
    uri = shown_origin(root, origin) if root is not None and origin else origin
    return replace(f, location=Location(file=uri) if uri and Path(uri).is_file() else None)


def _print_rules(rules: list[Rule], output: OutputFormat) -> None:
    """One line per rule (id, severity, what it checks), its fix indented below; or the rules as JSON or as
    a SARIF log's reportingDescriptors."""
    from .output import findings_sarif, write_json

    if output is OutputFormat.json:
        write_json({"rules": [r.to_dict() for r in rules]})
        return
    if output is OutputFormat.sarif:
        write_json(findings_sarif([], rules, name=SARIF_NAME))
        return
    for r in rules:
        scope = " (production)" if r.production_only else ""
        sys.stdout.write(f"{r.id:<34}{r.severity:<9}{r.summary}{scope}\n{'':<43}fix: {r.fix}\n")


def _config(start: Path) -> LintConfig:
    """The project's lint configuration found from ``start`` upward, or the defaults."""
    from ..lint import INVALID_OPT_OUT, RULES
    from ..lint.config import LintConfig, find_config, load_config
    from ..paths import shown

    path = find_config(start)
    if path is None:
        return LintConfig()
    return load_config(path, {*RULES, INVALID_OPT_OUT}, shown(path))


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
            help="Apply the production rules. Default: when .logpilot-lint.yaml lists the environment as "
            "production (without one: prod, prod-*, production, production-*).",
        ),
    ] = None,
    list_rules: Annotated[bool, typer.Option("--list-rules", help="List the rules and exit.")] = False,
    color: ColorOption = ColorMode.auto,
) -> None:
    """Check TARGET against the policy rules.

    Exit codes: 0 no error finding (warnings allowed), 1 an error finding, 2 usage error or a target that
    cannot be read or built. --output json|sarif writes its document also when the command fails.

    A resource opts out of a rule with the annotation lint.logpilot.io/disable-RULE: "reason";
    .logpilot-lint.yaml (found from TARGET upward) turns rules off, overrides severities and excludes objects.

    Example: logpilot-manifests lint production --output sarif > lint.sarif
    """

    def run() -> int:
        from ..errors import UsageError
        from ..explain import Tracer
        from ..lint import all_rules, run_lint
        from ..locations import Document, Trace, built_documents, locate_findings
        from .inputs import load_target
        from .output import findings_json, findings_sarif, print_text, write_json

        if list_rules:
            _print_rules(all_rules(_config(Path.cwd())), output)
            return EXIT_OK
        if target is None:
            raise UsageError("missing TARGET (an environment, kustomization dir, rendered file or '-')")
        known = {r.id for r in all_rules()}
        unknown = sorted(set(disable or []) - known)
        if unknown:
            raise UsageError(f"unknown rule(s) {', '.join(unknown)}; rules: {', '.join(sorted(known))}")
        # Lint nearly always has findings to place: trace the one build rather than build twice.
        tracer = Tracer()
        loaded = load_target(target, tracer=tracer)
        label, root = loaded.label, loaded.root
        config = _config(root if root is not None else Path.cwd() if target == "-" else Path(target))
        rules = all_rules(config)
        found = [
            _rebased(f, root)
            for f in run_lint(
                loaded.resources,
                disabled=frozenset(disable or []),
                production=config.is_production(label) if production is None else production,
                root=root,
                config=config,
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
