from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from checker import Rules, load_rules

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

# Property and fuzz tests (test_properties.py, test_fuzz_inputs.py, test_hostile_*.py): a bounded number of
# examples each and no per-example deadline (the first example pays for loading jieba). CI runs the
# "ci" profile (picked when $CI is set): derandomized and without an example database, so a run is
# reproducible. HYPOTHESIS_PROFILE=fuzz runs 50 times as many examples, for a longer hunt on a laptop.
_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
settings.register_profile("dev", max_examples=100, **_COMMON)
settings.register_profile("ci", max_examples=100, derandomize=True, database=None, print_blob=True, **_COMMON)
settings.register_profile("fuzz", max_examples=5000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(scope="session")
def rules() -> Rules:
    """Every bundled rule, compiled once for the session (a Rules object is immutable)."""
    return load_rules()
