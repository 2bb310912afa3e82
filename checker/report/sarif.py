"""SARIF 2.1.0 (OASIS): one run, the rules as reportingDescriptors, columns in Unicode code points.

Validated in the tests against the official schema (tests/data/sarif-schema-2.1.0.json). GitHub code
scanning, VS Code's SARIF viewer and Azure DevOps read it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from .. import __version__
from ..engine import Rules
from ..model import Finding, Level, Report, Rule
from ..suppress import META_RULES
from .options import RenderOptions

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "note"}


def artifact_uri(path: str | None) -> str:
    """A URI reference for a path as given: relative paths stay relative (GitHub resolves them against
    the repository), absolute ones become file: URIs."""
    if not path:
        return "stdin"
    candidate = Path(path)
    if candidate.is_absolute():
        return candidate.as_uri()
    return quote(candidate.as_posix(), safe="/")


def _descriptor(rule: Rule) -> dict[str, Any]:
    help_text = f"{rule.message}\n依据: {rule.notice.title} — {rule.clause}"
    if rule.suggestions:
        help_text += "\n建议: " + " / ".join(rule.suggestions)
    return {
        "id": rule.id,
        "name": rule.id.replace("-", ""),
        "shortDescription": {"text": rule.message},
        "fullDescription": {"text": rule.rationale or rule.message},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": SARIF_LEVELS[rule.level]},
        "properties": {
            "category": rule.category.value,
            "notice": {"id": rule.notice.id, "title": rule.notice.title, "source": rule.notice.source},
            "clause": rule.clause,
            "tags": [rule.category.value, rule.notice.id],
        },
    }


def _region(finding: Finding) -> dict[str, Any]:
    return {
        "startLine": finding.line,
        "startColumn": finding.column,
        "endLine": finding.end_line,
        "endColumn": finding.end_column + 1,  # SARIF: the column after the last character
        "charOffset": finding.start,
        "charLength": finding.end - finding.start,
        "snippet": {"text": finding.match},
    }


def _result(finding: Finding, index: dict[str, int], fixes: dict[str, str]) -> dict[str, Any]:
    location = {"artifactLocation": {"uri": artifact_uri(finding.path)}, "region": _region(finding)}
    properties: dict[str, Any] = {
        "category": finding.category.value,
        "notice": {"id": finding.notice.id, "title": finding.notice.title, "source": finding.notice.source},
        "clause": finding.clause,
        "suggestions": list(finding.suggestions),
    }
    for key in ("cue_start", "cue_end", "paragraph"):
        if getattr(finding, key) is not None:
            properties[key] = getattr(finding, key)
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": SARIF_LEVELS[finding.level],
        "message": {"text": f"{finding.message}: {finding.match}"},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {"livelintMatch/v1": f"{finding.rule}:{finding.match}"},
        "properties": properties,
    }
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    if finding.rule in fixes:
        result["fixes"] = [
            {
                "description": {"text": f"替换为“{fixes[finding.rule]}”"},
                "artifactChanges": [
                    {
                        "artifactLocation": {"uri": artifact_uri(finding.path)},
                        "replacements": [{"deletedRegion": _region(finding), "insertedContent": {"text": fixes[finding.rule]}}],
                    }
                ],
            }
        ]
    return result


def sarif_log(report: Report, rules: Rules) -> dict[str, Any]:
    used_meta = {f.rule for f in report.findings}
    descriptors = list(rules.selected) + [rule for rule in META_RULES if rule.id in used_meta]
    known = {rule.id for rule in descriptors}
    descriptors += [r for r in rules.ruleset.rules if r.id in used_meta and r.id not in known]
    index = {rule.id: position for position, rule in enumerate(descriptors)}
    fixes = {rule.id: rule.fix for rule in descriptors if rule.fix}
    notifications = [
        {
            "level": "error",
            "message": {"text": error.message},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(error.path)}}}],
        }
        for error in report.errors
    ]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "livelint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_descriptor(rule) for rule in descriptors],
                    }
                },
                "invocations": [{"executionSuccessful": not report.errors, "toolExecutionNotifications": notifications}],
                "columnKind": "unicodeCodePoints",
                "results": [_result(finding, index, fixes) for finding in report.findings],
            }
        ],
    }


def render(report: Report, rules: Rules, stream: TextIO, options: RenderOptions) -> None:
    json.dump(sarif_log(report, rules), stream, ensure_ascii=False, indent=2)
    stream.write("\n")
