"""One self-contained HTML page: every checked text with each hit highlighted by level, and a side panel
that shows the rule, notice, clause, message and suggestions of the hit under the pointer (or clicked,
or focused with Tab). No network assets: styles and the small script are inline; without the script
each highlight still has a tooltip."""

from __future__ import annotations

import re
from html import escape
from typing import TextIO

from .. import __version__
from ..engine import Rules
from ..model import FileError, Finding, Level, Report
from .options import RenderOptions

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_ORDER = (Level.ERROR, Level.WARNING, Level.INFO)

STYLE = """
:root { --error: #d92d20; --error-bg: #fee4e2; --warning: #b54708; --warning-bg: #fef0c7;
        --info: #026aa2; --info-bg: #e0f2fe; --line: #98a2b3; --border: #eaecf0; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.6 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; color: #101828; background: #f9fafb; }
header { padding: 12px 20px; background: #fff; border-bottom: 1px solid var(--border); display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; }
header h1 { font-size: 18px; margin: 0; }
.count { padding: 1px 8px; border-radius: 10px; font-weight: 600; }
.count.error, .badge.error { color: var(--error); background: var(--error-bg); }
.count.warning, .badge.warning { color: var(--warning); background: var(--warning-bg); }
.count.info, .badge.info { color: var(--info); background: var(--info-bg); }
.layout { display: grid; grid-template-columns: minmax(0, 1fr) 380px; gap: 16px; padding: 16px 20px; align-items: start; }
section.file { background: #fff; border: 1px solid var(--border); border-radius: 8px; margin-bottom: 16px; overflow: hidden; }
section.file h2 { font-size: 14px; margin: 0; padding: 8px 12px; background: #f2f4f7; border-bottom: 1px solid var(--border); font-family: ui-monospace, monospace; }
section.file p.problem { margin: 0; padding: 8px 12px; color: var(--error); }
.source { margin: 0; padding: 8px 0; font-family: ui-monospace, "Noto Sans Mono CJK SC", monospace; font-size: 13px; }
.tx { white-space: pre-wrap; word-break: break-all; }
.line { display: grid; grid-template-columns: 4em minmax(0, 1fr); }
.line:hover { background: #f9fafb; }
.ln { color: var(--line); text-align: right; padding-right: 12px; user-select: none; }
mark { cursor: pointer; border-radius: 2px; padding: 0 1px; }
mark.error { background: var(--error-bg); box-shadow: inset 0 -2px var(--error); }
mark.warning { background: var(--warning-bg); box-shadow: inset 0 -2px var(--warning); }
mark.info { background: var(--info-bg); box-shadow: inset 0 -2px var(--info); }
mark.active, mark:focus { outline: 2px solid #101828; outline-offset: 1px; }
aside { position: sticky; top: 16px; max-height: calc(100vh - 32px); overflow: auto; background: #fff; border: 1px solid var(--border); border-radius: 8px; padding: 12px; }
aside h2 { font-size: 14px; margin: 0 0 8px; }
#detail .hint { color: #667085; }
.finding { border-left: 4px solid var(--border); padding: 6px 10px; margin: 0 0 10px; background: #fcfcfd; }
.finding.error { border-color: var(--error); } .finding.warning { border-color: var(--warning); } .finding.info { border-color: var(--info); }
.finding .rule { font-weight: 700; font-family: ui-monospace, monospace; }
.badge { font-size: 12px; padding: 0 6px; border-radius: 8px; margin-left: 4px; }
.finding dl { margin: 4px 0 0; display: grid; grid-template-columns: 3.5em 1fr; gap: 2px 6px; }
.finding dt { color: #667085; } .finding dd { margin: 0; }
#all { padding-left: 0; list-style: none; }
aside h3 { font-size: 13px; margin: 16px 0 8px; color: #475467; }
@media (max-width: 900px) { .layout { grid-template-columns: 1fr; } aside { position: static; max-height: none; } }
"""

SCRIPT = """
(function () {
  var detail = document.getElementById('detail');
  var active = [];
  function show(mark) {
    active.forEach(function (m) { m.classList.remove('active'); });
    active = [mark]; mark.classList.add('active');
    detail.innerHTML = '';
    mark.getAttribute('data-f').split(' ').forEach(function (id) {
      var item = document.getElementById('f' + id);
      if (item) { var copy = item.cloneNode(true); copy.removeAttribute('id'); detail.appendChild(copy); }
    });
  }
  document.querySelectorAll('mark[data-f]').forEach(function (mark) {
    mark.addEventListener('mouseenter', function () { show(mark); });
    mark.addEventListener('focus', function () { show(mark); });
    mark.addEventListener('click', function () { show(mark); });
  });
})();
"""


def _worst(findings: list[Finding]) -> Level:
    return max((f.level for f in findings), key=lambda level: level.rank)


def _tooltip(findings: list[Finding]) -> str:
    return "\n".join(f"{f.rule} {f.level.value}: {f.message}" for f in findings)


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line's content, line breaks excluded."""
    spans = []
    for match in _LINE.finditer(text):
        if match.start() == len(text) and spans:
            break
        spans.append((match.start(), match.start() + len(match.group().rstrip("\r\n"))))
    return spans


def highlighted(text: str, findings: list[tuple[int, Finding]]) -> str:
    """The text as numbered lines, each hit wrapped in <mark class=LEVEL data-f="ids">."""
    cuts = sorted({0, len(text)} | {min(max(f.start, 0), len(text)) for _i, f in findings} | {min(f.end, len(text)) for _i, f in findings})
    out = []
    for number, (line_start, line_end) in enumerate(_lines(text), 1):
        points = [line_start] + [c for c in cuts if line_start < c < line_end] + [line_end]
        parts = []
        for start, end in zip(points, points[1:]):
            if start == end:
                continue
            piece = escape(text[start:end])
            covering = [(i, f) for i, f in findings if f.start <= start and end <= f.end]
            if covering:
                ids = " ".join(str(i) for i, _f in covering)
                level = _worst([f for _i, f in covering]).value
                title = escape(_tooltip([f for _i, f in covering]))
                parts.append(f'<mark class="{level}" data-f="{ids}" tabindex="0" title="{title}">{piece}</mark>')
            else:
                parts.append(piece)
        out.append(f'<div class="line" id="L{number}"><span class="ln">{number}</span><span class="tx">{"".join(parts)}</span></div>')
    return "\n".join(out)


def _finding_item(index: int, finding: Finding) -> str:
    where = f"{finding.path or '<text>'}:{finding.line}:{finding.column}"
    if finding.cue_start is not None:
        where += f" [{finding.cue_start} → {finding.cue_end}]"
    if finding.paragraph is not None:
        where += f" [paragraph {finding.paragraph}]"
    rows = [
        ("原文", f"<q>{escape(finding.match)}</q>"),
        ("问题", escape(finding.message)),
        ("依据", f"{escape(finding.notice.title)}<br><small>{escape(finding.notice.id)} · {escape(finding.notice.source)}</small>"),
        ("条款", escape(finding.clause)),
    ]
    if finding.suggestions:
        rows.append(("建议", " / ".join(escape(s) for s in finding.suggestions)))
    rows.append(("位置", escape(where)))
    body = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    return (
        f'<li class="finding {finding.level.value}" id="f{index}" data-rule="{escape(finding.rule)}">'
        f'<span class="rule">{escape(finding.rule)}</span><span class="badge {finding.level.value}">{finding.level.value}</span>'
        f'<span class="badge">{escape(finding.category.value)}</span><dl>{body}</dl></li>'
    )


def _counts(findings: list[Finding] | tuple[Finding, ...]) -> str:
    counts = {level: 0 for level in Level}
    for finding in findings:
        counts[finding.level] += 1
    return " ".join(f'<span class="count {level.value}">{counts[level]} {level.value}</span>' for level in _ORDER)


def render_page(report: Report, sources: dict[str, str]) -> str:
    numbered = list(enumerate(report.findings))
    by_path: dict[str, list[tuple[int, Finding]]] = {}
    for index, finding in numbered:
        by_path.setdefault(finding.path or "<text>", []).append((index, finding))
    errors: dict[str, FileError] = {error.path: error for error in report.errors}
    sections = []
    for path in sorted(set(sources) | set(by_path) | set(errors)):
        items = by_path.get(path, [])
        head = f'<h2>{escape(path)} {_counts([f for _i, f in items])}</h2>'
        if path in errors:
            body = f'<p class="problem">{escape(errors[path].message)}</p>'
        elif path in sources:
            body = f'<div class="source">{highlighted(sources[path], items)}</div>'
        else:
            body = '<p class="problem">(text not available)</p>'
        sections.append(f'<section class="file" data-path="{escape(path)}">{head}{body}</section>')
    all_items = "\n".join(_finding_item(index, finding) for index, finding in numbered)
    hint = "把鼠标移到高亮处(或点击、Tab 聚焦)查看规则、依据和建议。" if report.findings else "没有发现问题。"
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="livelint {escape(__version__)}">
<title>livelint report: {len(report.findings)} finding(s) in {report.files} file(s)</title>
<style>{STYLE}</style>
</head>
<body>
<header><h1>livelint</h1><span>{report.files} file(s) checked, {len(report.findings)} finding(s)</span>{_counts(report.findings)}</header>
<div class="layout">
<main>
{"".join(sections) or '<p>No input.</p>'}
</main>
<aside>
<h2>Details</h2>
<div id="detail"><p class="hint">{hint}</p></div>
<h3>All findings</h3>
<ol id="all">
{all_items}
</ol>
</aside>
</div>
<script>{SCRIPT}</script>
</body>
</html>
"""


def render(report: Report, rules: Rules, stream: TextIO, options: RenderOptions) -> None:
    stream.write(render_page(report, dict(options.sources)))
