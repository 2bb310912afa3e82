"""YAML text to PyYAML nodes, within limits: what checker.loading reads rulesets with.

Only nodes are built, never Python objects, so no tag can run code. Composing stops past `max_depth`
levels of nesting or `max_nodes` nodes written in the text. An alias counts as the nodes it stands
for, because a reader of the nodes reads it as often as it is referenced: one that would take the text
past `max_nodes` once written out becomes null, and `compose` reports the line of the first such alias,
so that the rest of the text can still be read and its other problems reported.
"""

from __future__ import annotations

import yaml
from yaml.composer import Composer

try:  # libyaml's parser, when PyYAML has it: ten times faster than the pure-Python one
    from yaml.cyaml import CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    CParser = None


class OverLimit(yaml.MarkedYAMLError):
    """Past `max_nodes` nodes or `max_depth` levels: composing stopped at `problem_mark`."""


class _LimitedComposer(Composer):
    def _start_limits(self, max_nodes: int, max_depth: int) -> None:
        self.max_nodes, self.max_depth = max_nodes, max_depth
        self.nodes = self.depth = 0  # nodes written in the text, open collections
        self.expanded = 0  # nodes with every alias written out
        self.sizes: dict[str, int] = {}  # nodes behind each anchor, written out
        self.bomb: int | None = None  # line of the first alias refused

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) and event.anchor in self.anchors:
            self.get_event()
            size = self.sizes.get(event.anchor, 1)  # an alias inside its own anchor: one node
            if self.expanded + size > self.max_nodes:
                self.bomb = self.bomb or event.start_mark.line + 1
                return yaml.ScalarNode("tag:yaml.org,2002:null", "", event.start_mark, event.end_mark)
            self.expanded += size
            return self.anchors[event.anchor]  # type: ignore[no-any-return]
        before = self.expanded
        self.nodes += 1
        self.expanded += 1
        if self.nodes > self.max_nodes:
            raise OverLimit(problem=f"more than {self.max_nodes:,} YAML nodes in one file: split it", problem_mark=event.start_mark)
        self.depth += 1
        if self.depth > self.max_depth:
            raise OverLimit(problem=f"lists and mappings nested deeper than {self.max_depth} levels", problem_mark=event.start_mark)
        try:
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self.sizes[anchor] = self.expanded - before
        return node  # type: ignore[no-any-return]


if CParser is not None:

    class _Loader(_LimitedComposer, CParser, yaml.resolver.Resolver):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            yaml.resolver.Resolver.__init__(self)

else:  # pragma: no cover - PyYAML built without libyaml

    class _Loader(_LimitedComposer, yaml.SafeLoader):  # type: ignore[no-redef]
        pass


def compose(text: str, *, max_nodes: int, max_depth: int) -> tuple[yaml.Node | None, int | None]:
    """The node tree of a one-document YAML text, and the line of the first alias refused (or None).

    Raises OverLimit past the limits, or another yaml.YAMLError for text that is not YAML.
    """
    loader = _Loader(text)
    loader._start_limits(max_nodes, max_depth)
    try:
        return loader.get_single_node(), loader.bomb
    finally:
        loader.dispose()
