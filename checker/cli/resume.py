"""Interrupted batch runs that can be continued: the report in progress and its checkpoint.

While `livelint batch -o REPORT` runs, the report is written to a hidden `.REPORT.part` beside it,
and after each checked chunk a checkpoint `.REPORT.resume.json` records how far the report is
complete: its size in bytes, where to continue in which input, the summary so far, and a key of
everything that decides the report's content (the inputs' paths, sizes and modification times, the
options and the compiled rules). On success the part is renamed onto REPORT and the checkpoint
removed. After Ctrl-C, a crash or a dead worker both stay, and `--resume` continues: the part is cut
back to the checkpoint's size (a chunk written after the last checkpoint is written again) and
checking starts at the checkpoint's position, so the final report equals an uninterrupted run's.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .app import atomic_file

FORMAT = 1  # bump when the checkpoint's layout changes


@dataclass(frozen=True)
class Checkpoint:
    """How far a report is complete."""

    key: str
    size: int  # bytes of the part that are complete
    table: int  # index of the input to continue with
    point: Any  # where in that input: [offset, line] for a block-read table, else a row count
    summary: dict[str, Any]
    shown: int  # bad rows already printed


def run_key(**decisive: Any) -> str:
    """A hash of everything that decides a report's content."""
    return hashlib.sha256(json.dumps(decisive, sort_keys=True, default=str).encode()).hexdigest()


def input_identity(path: Path) -> list[Any]:
    """An input as the key sees it: a changed file never resumes an old run."""
    stat = path.stat()
    return [str(path.resolve()), stat.st_size, stat.st_mtime_ns]


class Partial:
    """The part and checkpoint files of one report."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.part = output.with_name(f".{output.name}.part")
        self.checkpoint = output.with_name(f".{output.name}.resume.json")

    def load(self) -> Checkpoint | None:
        """The saved checkpoint, or None when there is none (or it is unreadable: start over)."""
        try:
            data = json.loads(self.checkpoint.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT or not self.part.is_file():
                return None
            return Checkpoint(data["key"], int(data["size"]), int(data["table"]), data["point"], data["summary"], int(data["shown"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def save(self, checkpoint: Checkpoint) -> None:
        """Write the checkpoint atomically (a temporary file renamed into place)."""
        with atomic_file(self.checkpoint) as handle:
            json.dump({"format": FORMAT, **checkpoint.__dict__}, handle, ensure_ascii=False)

    def finish(self) -> None:
        """The report is complete: move it into place and forget the checkpoint."""
        os.replace(self.part, self.output)
        self.checkpoint.unlink(missing_ok=True)

    def discard(self) -> None:
        self.part.unlink(missing_ok=True)
        self.checkpoint.unlink(missing_ok=True)
