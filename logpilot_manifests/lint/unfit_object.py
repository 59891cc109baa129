"""Objects the rules could not read because they do not fit their kind's schema."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import LintContext
from .rule import ERROR, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for resource, problem in ctx.unfit:
        yield RULE.finding(resource, "", f"not linted: {problem}")


RULE = Rule(
    id="unfit-object",
    severity=ERROR,
    summary="An object does not fit its kind's schema, so the rules could not read it",
    description=(
        "Rules read objects through typed models of their kind (Kubernetes' own schema, or the CRD's), so a "
        "value of the wrong type (a port written as text, a list where a map belongs) leaves the object "
        "unread: the API server would reject it anyway. This rule runs last and names every object another "
        "rule could not read, with the field and the type expected; `validate` explains it in full."
    ),
    fix="correct the field's type as the message says (run validate for every schema problem)",
    kinds=("*",),
    tags=("reliability",),
    precision="very-high",
    check=check,
)
