"""What every formatter is given besides the report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RenderOptions:
    colour: bool = False
    sources: Mapping[str, str] = field(default_factory=dict)  # path -> checked text, for context lines
