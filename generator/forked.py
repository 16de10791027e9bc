"""Share work out between forked worker processes, which inherit what they work on instead of receiving copies.

Forking is used only where it is safe and pays: on systems that can fork, from a process running no other
thread (the preview server renders in-process), and for enough items to cover the cost of starting workers.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

Item = TypeVar("Item")

# A worker's inherited work, set once per worker process by _inherit.
_inherited: tuple[Callable[[Sequence[Any]], None], Sequence[Any]] | None = None


def workers(items: int, threshold: int) -> int:
    """How many processes to share ``items`` between: 1 (stay in this process) below ``threshold``."""
    if items < threshold or threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(os.cpu_count() or 1, 8)


def chunks(total: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` (or fewer) contiguous (start, stop) ranges covering ``range(total)``."""
    size = -(-total // parts) if total else 1
    return [(start, min(start + size, total)) for start in range(0, total, size)]


def pool(count: int, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> ProcessPoolExecutor:
    """``count`` forked workers, each set up by ``initializer(*initargs)`` (inherited, not pickled)."""
    return ProcessPoolExecutor(
        count, mp_context=multiprocessing.get_context("fork"), initializer=initializer, initargs=initargs
    )


def for_each_part(function: Callable[[Sequence[Item]], None], items: Sequence[Item], threshold: int) -> None:
    """``function(part)`` for parts of ``items`` covering them all, in forked workers when there are enough."""
    count = workers(len(items), threshold)
    if count < 2:
        function(items)
        return
    with pool(count, _inherit, (function, items)) as executor:
        for _ in executor.map(_run, chunks(len(items), count * 4)):
            pass  # map re-raises a worker's exception here


def _inherit(function: Callable[[Sequence[Any]], None], items: Sequence[Any]) -> None:
    global _inherited
    _inherited = (function, items)


def _run(chunk: tuple[int, int]) -> None:
    assert _inherited is not None
    function, items = _inherited
    function(items[chunk[0] : chunk[1]])
