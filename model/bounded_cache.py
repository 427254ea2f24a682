"""A cache bounded by the bytes it holds, not by its number of entries.

A count bound says nothing about memory when entries are as long as what a client sends (one
20,000-character note's tokens take ~4 MB), so every cache on the request path is bounded by an
estimate of its entries' bytes instead.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ByteBoundedCache(Generic[K, V]):
    """A mapping that forgets old entries so that the entries held never exceed `max_bytes`.

    Two generations: new entries go to the young one; once its bytes would pass half the budget
    it becomes the old one and the previous old one is dropped. A hit in the old generation
    moves the entry back to the young one, so entries in use survive (close to least recently
    used) while a hit in the young one costs one dict lookup. `size_of(key, value)` estimates
    an entry's bytes (or `put` is told them); an entry larger than half the budget is not kept.
    """

    def __init__(self, max_bytes: int, size_of: Callable[[K, V], int] | None = None):
        if max_bytes < 0:
            raise ValueError("max_bytes must be 0 or more")
        self.max_bytes = max_bytes
        self._size_of = size_of
        # key -> value, and key -> its estimated bytes, per generation. Values sit alone in their
        # dict so that `young_get` can hand hot loops the dict's own lookup.
        self._young: dict[K, V] = {}
        self._old: dict[K, V] = {}
        self._young_sizes: dict[K, int] = {}
        self._old_sizes: dict[K, int] = {}
        self._young_bytes = 0
        self._old_bytes = 0
        self._lock = threading.Lock()

    def get(self, key: K, default: V | None = None) -> V | None:
        value = self._young.get(key)
        if value is not None:
            return value
        with self._lock:
            if key not in self._old:
                return default
            value, size = self._old.pop(key), self._old_sizes.pop(key)
            self._old_bytes -= size
            self._add(key, value, size)
        return value

    def young_get(self) -> Callable[[K], V | None]:
        """The young generation's own lookup, for a loop of many gets (a dict's `get` costs a
        fraction of a method call). It may miss what `get` would find, so on None call `get`;
        it never finds what is not cached, because values are never replaced under a key."""
        return self._young.get

    def put(self, key: K, value: V, size: int | None = None) -> None:
        """Keep `value` under `key`; `size` (its estimated bytes) when the caller knows it already."""
        if size is None:
            if self._size_of is None:
                raise TypeError("this cache needs each entry's size")
            size = self._size_of(key, value)
        with self._lock:
            if key not in self._young:
                self._add(key, value, size)

    def _add(self, key: K, value: V, size: int) -> None:
        half = self.max_bytes // 2
        if size > half:
            return
        if self._young_bytes + size > half:
            self._old, self._old_sizes, self._old_bytes = self._young, self._young_sizes, self._young_bytes
            self._young, self._young_sizes, self._young_bytes = {}, {}, 0
        self._young[key] = value
        self._young_sizes[key] = size
        self._young_bytes += size

    def clear(self) -> None:
        with self._lock:
            self._young, self._old, self._young_sizes, self._old_sizes = {}, {}, {}, {}
            self._young_bytes = self._old_bytes = 0

    @property
    def bytes(self) -> int:
        """The estimated bytes of the entries held (at most `max_bytes`)."""
        return self._young_bytes + self._old_bytes

    def __len__(self) -> int:
        return len(self._young) + len(self._old)
