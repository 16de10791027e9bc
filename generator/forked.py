"""Share work out between forked worker processes, which inherit what they work on instead of receiving copies.

Forking is used only where it is safe and pays: on systems that can fork, from a process running no other
thread (the preview server renders in-process), and for enough items to cover the cost of starting workers.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import pickle
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, cast

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

Item = TypeVar("Item")
Result = TypeVar("Result")

# A worker's inherited work, set once per worker process by _inherit.
_inherited: tuple[Callable[[Sequence[Any]], None], Sequence[Any]] | None = None


def can_fork() -> bool:
    """Whether forking is possible and safe here: on a system that can, from a process running no other thread."""
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


def workers(items: int, threshold: int) -> int:
    """How many processes to share ``items`` between: 1 (stay in this process) below ``threshold``."""
    return min(os.cpu_count() or 1, 8) if items >= threshold and can_fork() else 1


def chunks(total: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` (or fewer) contiguous (start, stop) ranges covering ``range(total)``."""
    size = -(-total // parts) if total else 1
    return [(start, min(start + size, total)) for start in range(0, total, size)]


def pool(count: int, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> ProcessPoolExecutor:
    """``count`` forked workers, each set up by ``initializer(*initargs)`` (inherited, not pickled)."""
    # Imported here: a build that forks no pool (a new day's) need not pay for importing it.
    from concurrent.futures import ProcessPoolExecutor

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


@contextmanager
def in_child(function: Callable[..., Result], *args: Any) -> Iterator[Callable[[], Result]]:
    """Start ``function(*args)`` in a forked child; the ``with`` body goes on, and calls what this yields to wait
    for the result (the child's exception is raised there). Where forking is not safe it runs at that call.

    A plain fork and a pipe, not a pool: a pool keeps a thread in this process, and workers forked while it runs
    (to render, say) could inherit locks that thread holds."""
    if not can_fork() or (os.cpu_count() or 1) < 2:
        yield functools.partial(function, *args)
        return
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        os.close(read_end)
        _answer(write_end, function, args)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as answer:

        def result() -> Result:
            data = answer.read()
            os.waitpid(pid, 0)
            if not data:
                raise RuntimeError(f"worker process {pid} ended without an answer")
            done, value = pickle.loads(data)
            if not done:
                raise value
            return cast(Result, value)

        try:
            yield result
        finally:
            if not answer.closed:
                answer.close()  # the child, if still writing, gets a broken pipe and ends
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, 0)


def _answer(write_end: int, function: Callable[..., Any], args: tuple[Any, ...]) -> NoReturn:
    try:
        try:
            outcome: tuple[bool, Any] = (True, function(*args))
        except BaseException as error:  # handed to the parent, which raises it
            outcome = (False, error)
        try:
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # an answer that does not pickle: its text still gets through
            data = pickle.dumps((False, RuntimeError(f"{outcome[1]!r} (not sent back: {error})")))
        with os.fdopen(write_end, "wb") as out:
            out.write(data)
    finally:
        os._exit(0)


def _inherit(function: Callable[[Sequence[Any]], None], items: Sequence[Any]) -> None:
    global _inherited
    _inherited = (function, items)


def _run(chunk: tuple[int, int]) -> None:
    assert _inherited is not None
    function, items = _inherited
    function(items[chunk[0] : chunk[1]])
