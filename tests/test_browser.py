"""The web page in a real browser: Debian's chromium, driven headless by Playwright, against `livelint serve`.

.ci/run installs chromium (apt) and playwright (the test extra), so this runs in CI; on a machine
without /usr/bin/chromium it is skipped with that reason. Playwright never downloads a browser here.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from checker import Finding, Rules, check_text, load_rules
from test_server import EXAMPLE, PRICE_NOTICE, start_server, stop_server, write_fix_rules

CHROMIUM = os.environ.get("LIVELINT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).is_file():
    pytest.skip(f"no chromium browser at {CHROMIUM} (apt-get install chromium; .ci/run does)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Chromium logs every 4xx answer; the tests that cause one check what the page shows instead.
CLIENT_ERROR = re.compile(r"Failed to load resource: the server responded with a status of 4\d\d")
# Astral characters first: the server counts code points, JavaScript counts UTF-16 units.
SCRIPT = "🔥🔥 家人们冲!\n" + EXAMPLE
SRT = (
    "1\n00:00:01,000 --> 00:00:03,000\n家人们晚上好\n\n"
    "2\n00:00:04,000 --> 00:00:06,500\n有问题的加我微信私聊下单\n"
)


@pytest.fixture(scope="module")
def fix_rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_fix_rules(tmp_path_factory.mktemp("browser") / "rules")


@pytest.fixture(scope="module")
def served(fix_rules: Path) -> Iterator[str]:
    process, url = start_server("--rules", str(fix_rules))
    try:
        yield url
    finally:
        stop_server(process)


@pytest.fixture(scope="module")
def expected_rules(fix_rules: Path) -> Rules:
    return load_rules([fix_rules])


@pytest.fixture
def page(served: str, tmp_path: Path) -> Iterator[Any]:
    problems: list[str] = []
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path / "profile",  # a fresh, empty profile (--user-data-dir)
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            permissions=["clipboard-read", "clipboard-write"],
        )
        try:
            tab = context.new_page()
            tab.set_default_timeout(20_000)
            tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            tab.on("console", lambda message: problems.append(message.text) if message.type == "error" and not CLIENT_ERROR.match(message.text) else None)
            tab.on("request", lambda request: None if request.url.startswith(served) else problems.append(request.url))
            tab.goto(served + "/")
            yield tab
        finally:
            context.close()
    assert problems == []  # no script errors, no request anywhere but the server


def marks(page: Any) -> list[dict[str, Any]]:
    return page.eval_on_selector_all(
        "#result-text mark.hit",
        """marks => marks.map(m => ({start: Number(m.dataset.start), end: Number(m.dataset.end),
            level: m.dataset.level, rules: m.dataset.rules.split(','), text: m.textContent,
            cls: m.className}))""",
    )


def highlighted(found: list[dict[str, Any]], finding: Finding) -> tuple[int, int, str] | None:
    """The span the marks carrying `finding`'s rule cover around its start, and their text."""
    pieces = sorted((m["start"], m["end"], m["text"]) for m in found if finding.rule in m["rules"] and finding.start <= m["start"] < finding.end)
    if not pieces or pieces[0][0] != finding.start:
        return None
    for (_, end, _), (start, _, _) in zip(pieces, pieces[1:]):
        if end != start:
            return None
    return pieces[0][0], pieces[-1][1], "".join(text for _, _, text in pieces)


def test_pasted_script_highlights_every_finding_and_the_panel_names_the_notice(page: Any, expected_rules: Rules) -> None:
    expected = check_text(SCRIPT, expected_rules).findings
    assert {"PRC-001", "TFX-001", "OFF-001", "KCK-001"} <= {f.rule for f in expected}
    page.fill("#script", SCRIPT)
    page.click("#check-btn")
    page.wait_for_selector("#result-text mark.hit")
    assert page.text_content("#status") == f"发现 {len(expected)} 处问题"
    found = marks(page)
    for finding in expected:
        assert highlighted(found, finding) == (finding.start, finding.end, finding.match), finding.rule
    rank = {"info": 0, "warning": 1, "error": 2}
    levels = {f.rule: f.level.value for f in expected}
    for mark in found:
        assert mark["level"] == max((levels[r] for r in mark["rules"]), key=rank.__getitem__)
        assert f"lv-{mark['level']}" in mark["cls"]
    assert page.text_content("#result-text") == SCRIPT

    # Click the first hit: 全网最低价, where the price notice and the test notice overlap.
    page.click("#result-text mark.hit[data-rules*='PRC-001']")
    detail = page.locator("#detail-body")
    prc = detail.locator(".finding[data-rule='PRC-001']")
    assert PRICE_NOTICE in prc.text_content()
    rule = expected_rules.ruleset.rule("PRC-001")
    assert rule is not None and rule.clause in prc.text_content() and rule.message in prc.text_content()
    assert all(s in prc.text_content() for s in rule.suggestions)
    assert "直播间活动价" in detail.locator(".finding[data-rule='TFX-001'] .fix").text_content()
    assert page.locator("#result-text mark.selected").count() >= 1

    # Another hit: the panel follows.
    page.click("#result-text mark.hit[data-rules='KCK-001']")
    kick = expected_rules.ruleset.rule("KCK-001")
    assert kick is not None and kick.notice.title in page.text_content("#detail-body")
    assert PRICE_NOTICE not in page.text_content("#detail-body")

    # Counts by category.
    rows = page.eval_on_selector_all(
        "#category-counts tr[data-category]", "rows => rows.map(r => [r.dataset.category, Number(r.cells[2].textContent)])"
    )
    counts: dict[str, int] = {}
    for finding in expected:
        counts[finding.category.value] = counts.get(finding.category.value, 0) + 1
    assert dict(rows) == counts
    assert "违规价格营销" in page.text_content("#category-counts")


def apply_fixes(text: str, findings: tuple[Finding, ...], rules: Rules) -> tuple[str, int]:
    """Each finding's safe replacement, earliest first, never two that overlap (what the page does)."""
    fixes = {rule.id: rule.fix for rule in rules.ruleset.rules}
    chosen: list[Finding] = []
    for finding in sorted((f for f in findings if fixes.get(f.rule)), key=lambda f: (f.start, -f.end)):
        if not chosen or finding.start >= chosen[-1].end:
            chosen.append(finding)
    for finding in reversed(chosen):
        text = text[: finding.start] + str(fixes[finding.rule]) + text[finding.end :]
    return text, len(chosen)


def test_copy_applies_the_safe_suggestions(page: Any, expected_rules: Rules) -> None:
    fixed, count = apply_fixes(SCRIPT, check_text(SCRIPT, expected_rules).findings, expected_rules)
    assert count >= 2 and "全网最低价" not in fixed  # PRC-001 (bundled) and TFX-001 (the test rule) both offer one
    page.fill("#script", SCRIPT)
    page.click("#check-btn")
    page.wait_for_selector("#result-text mark.hit")
    page.click("#copy-fixed")
    page.wait_for_selector("#fix-status:not(:empty)")  # (no wait_for_function: the page's CSP forbids eval)
    assert page.input_value("#fixed-text") == fixed
    assert page.text_content("#fix-status").startswith(f"已替换 {count} 处")
    assert page.evaluate("navigator.clipboard.readText()") == fixed


def test_uploaded_subtitles_show_cue_times(page: Any, tmp_path: Path) -> None:
    page.set_input_files("#file-input", files=[{"name": "live.srt", "mimeType": "application/x-subrip", "buffer": SRT.encode()}])
    page.wait_for_selector("#result-text mark.hit[data-rules='OFF-001']")
    assert page.text_content("#result-name") == "live.srt"
    assert page.input_value("#script") == SRT
    page.click("#result-text mark.hit[data-rules='OFF-001']")
    detail = page.text_content("#detail-body")
    assert "加我微信私聊" in detail and "00:00:04.000 → 00:00:06.500" in detail
    assert [m["text"] for m in marks(page)] == ["加我微信私聊"]  # cue numbers and timings are not checked


def test_errors_are_shown_not_thrown(page: Any) -> None:
    page.click("#check-btn")
    assert page.text_content("#status") == "请先粘贴或上传脚本"
    page.fill("#script", "全网最低价")
    page.click("summary")
    page.fill("#opt-select", "NOPE-1")
    page.click("#check-btn")
    page.wait_for_selector("#status.error")
    assert "NOPE-1" in page.text_content("#status")

