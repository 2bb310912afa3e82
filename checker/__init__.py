"""livelint: checks Chinese livestream scripts and listings against Kuaishou notices and the law.

    from checker import load_rules, check_text
    rules = load_rules()
    for finding in check_text("家人们,全网最低价!", rules).findings:
        print(finding.rule, finding.match, finding.notice.title)
"""

from .batch import FieldFinding, RecordResult, Verdict, check_records
from .engine import Rules, SelectionError, check_text, load_rules, select_rules
from .files import check_file, check_paths, combine, iter_checked, iter_paths
from .loading import RulesetError, bundled_ruleset_dir, load_ruleset
from .model import (
    Boundary,
    Category,
    Example,
    FileError,
    Finding,
    Kind,
    Level,
    Notice,
    Report,
    Rule,
    Ruleset,
)
from .segment import Segmenter
from .stream import check_large_file, check_stream

__version__ = "0.1.0"

__all__ = [
    "Boundary",
    "Category",
    "Example",
    "FieldFinding",
    "FileError",
    "Finding",
    "Kind",
    "Level",
    "Notice",
    "RecordResult",
    "Report",
    "Rule",
    "Rules",
    "Ruleset",
    "RulesetError",
    "Segmenter",
    "SelectionError",
    "Verdict",
    "__version__",
    "bundled_ruleset_dir",
    "check_file",
    "check_large_file",
    "check_paths",
    "check_records",
    "check_stream",
    "check_text",
    "combine",
    "iter_checked",
    "iter_paths",
    "load_rules",
    "load_ruleset",
    "select_rules",
]
