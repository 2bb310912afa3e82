"""The example script's whole JSON report against a reviewed golden file.

After a deliberate rule change, regenerate with `python3 tests/test_golden.py` and review the diff.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = "examples/live-script.txt"
GOLDEN = ROOT / "tests" / "golden" / "live-script.json"


def current_report() -> dict:  # type: ignore[type-arg]
    from checker.cli import app

    result = CliRunner().invoke(app, ["check", str(ROOT / EXAMPLE), "--format", "json"])
    document = json.loads(result.stdout)
    for finding in document["findings"]:
        finding["path"] = EXAMPLE
    document["tool"]["version"] = "*"
    return document


def test_example_script_report_matches_the_golden_file() -> None:
    assert current_report() == json.loads(GOLDEN.read_text(encoding="utf-8"))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    GOLDEN.write_text(json.dumps(current_report(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}")
