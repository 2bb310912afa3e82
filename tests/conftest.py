from __future__ import annotations

from pathlib import Path

import pytest

from checker import Rules, load_rules

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def rules() -> Rules:
    """Every bundled rule, compiled once for the session (a Rules object is immutable)."""
    return load_rules()
