"""Chinese word boundaries from jieba, behind a small interface.

jieba is loaded lazily, on the first hit that needs a word boundary, and only ever runs on a short
window of text around such a hit, never on the whole text.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Any


class Segmenter:
    """Word boundaries of short texts. Safe to share between threads."""

    def __init__(self, cache_size: int = 4096) -> None:
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, frozenset[int]] = OrderedDict()
        self._cache_size = cache_size

    def _load(self) -> Any:
        with self._lock:
            if self._tokenizer is None:
                import jieba  # deferred: importing and initialising jieba costs about a second

                logging.getLogger("jieba").setLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                self._tokenizer = tokenizer
        return self._tokenizer

    def boundaries(self, text: str) -> frozenset[int]:
        """The offsets in `text` where a word starts or ends (0 and len(text) included)."""
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        tokenizer = self._tokenizer or self._load()
        offsets = {0, len(text)}
        for _word, start, end in tokenizer.tokenize(text):
            offsets.add(start)
            offsets.add(end)
        result = frozenset(offsets)
        with self._lock:
            self._cache[text] = result
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return result
