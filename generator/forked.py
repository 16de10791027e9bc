"""Share work out between forked worker processes, which inherit what they work on instead of receiving copies.

Forking is used only where it is safe and pays: on systems that can fork, from a process running no other
thread (the preview server renders in-process), and for enough items to cover the cost of starting workers.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import signal
import sys
import tempfile
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, BinaryIO, Generic, NamedTuple, NoReturn, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

Item = TypeVar("Item")
Result = TypeVar("Result")

# A worker's inherited work, set once per worker process by _inherit.
_inherited: tuple[Callable[[Sequence[Any]], Any], Sequence[Any]] | None = None


def can_fork() -> bool:
    """Whether forking is possible and safe here: on a system that can, from a process running no other thread."""
    return threading.active_count() == 1 and hasattr(os, "fork")


def workers(items: int, threshold: int) -> int:
    """How many processes to share ``items`` between: 1 (stay in this process) below ``threshold``."""
    return min(os.cpu_count() or 1, 8) if items >= threshold and can_fork() else 1


def chunks(total: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` (or fewer) contiguous (start, stop) ranges covering ``range(total)``."""
    size = -(-total // parts) if total else 1
    return [(start, min(start + size, total)) for start in range(0, total, size)]


def weighted_chunks(weights: Sequence[int], parts: int) -> list[tuple[int, int]]:
    """Contiguous (start, stop) ranges covering ``range(len(weights))``, of about ``1 / parts`` of the weight each
    (``parts`` to twice as many ranges): a part of equal length could hold all the heavy items, and keep one worker
    busy after the others are done. An item heavier than a part is a part of its own; one weighing 0 counts as 1."""
    weights = [max(weight, 1) for weight in weights]
    share = -(-sum(weights) // parts)
    ranges, start, held = [], 0, 0
    for index, weight in enumerate(weights):
        if held and held + weight > share:
            ranges.append((start, index))
            start, held = index, 0
        held += weight
    if start < len(weights):
        ranges.append((start, len(weights)))
    return ranges


def _pool(count: int, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> ProcessPoolExecutor:
    """``count`` forked workers, each set up by ``initializer(*initargs)`` (inherited, not pickled)."""
    # Imported here: a build that forks no pool (a new day's) need not pay for importing them.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(
        count, mp_context=multiprocessing.get_context("fork"), initializer=initializer, initargs=initargs
    )


def mapped(function: Callable[[Sequence[Item]], list[Result]], items: Sequence[Item], threshold: int) -> list[Result]:
    """``function(part)`` for parts of ``items``, in forked workers when there are enough; the results in order."""
    count = workers(len(items), threshold)
    if count < 2:
        return function(items)
    results: list[Result] = []
    with parts_in_workers(function, items, count, chunks(len(items), count * 4)) as parts:
        for part in parts:
            results.extend(part)
    return results


def for_each_part(function: Callable[[Sequence[Item]], object], items: Sequence[Item], threshold: int) -> None:
    """``function(part)`` for parts of ``items`` covering them all, in forked workers when there are enough."""
    mapped(lambda part: [function(part)], items, threshold)  # a worker's exception is raised here


@contextmanager
def parts_in_workers(
    function: Callable[[Sequence[Item]], Result], items: Sequence[Item], count: int, parts: Sequence[tuple[int, int]]
) -> Iterator[Iterator[Result]]:
    """Start ``function(items[start:stop])`` for each (start, stop) of ``parts`` in ``count`` forked workers, which
    inherit ``function`` and ``items``; the ``with`` body goes on and iterates what this yields for the results,
    in order. Should the body fail, parts not yet started are dropped."""
    with _pool(count, _inherit, (function, items)) as executor:
        started = deque(executor.submit(_run, part) for part in parts)

        def results() -> Iterator[Result]:
            while started:  # each future let go once its result is taken, so results are not all held at once
                yield started.popleft().result()

        try:
            yield results()
        except BaseException:
            executor.shutdown(wait=False, cancel_futures=True)
            raise


@contextmanager
def in_child(function: Callable[..., Result], *args: Any, nice: int = 0) -> Iterator[Callable[[], Result]]:
    """Start ``function(*args)`` in a forked child; the ``with`` body goes on, and calls what this yields to wait
    for the result (the child's exception is raised there). Where forking is not safe it runs at that call. A
    child whose result is not asked for is stopped when the ``with`` ends.

    ``nice`` lowers the child's priority, for work that should yield the processor to this process's: on two
    cores, a child that is not waited for yet slowed the build it ran beside by a tenth.

    A plain fork and a pipe, not a pool: a pool keeps a thread in this process, and workers forked while it runs
    (to render, say) could inherit locks that thread holds."""
    pid, answer = _start_child(function, args, nice) if _may_fork() else (0, None)
    if answer is None:
        yield functools.partial(function, *args)
        return
    with _answer_of(pid, answer) as result:
        yield result


class Asking(NamedTuple, Generic[Result]):
    """A child that waits to be asked: ``ask(value)`` sends it what it needs, ``result()`` waits for its answer."""

    ask: Callable[[Any], None]
    result: Callable[[], Result]


@contextmanager
def in_child_asking(function: Callable[..., Result], *args: Any, nice: int = 0) -> Iterator[Asking[Result]]:
    """Like :func:`in_child`, for work that needs what this process works out later: the child runs
    ``function(receive, *args)``, which prepares what it can (imports, caches) and then calls ``receive()``,
    which waits until this process calls ``ask(value)``.

    The value goes through an unnamed temporary file, and 8 bytes on a pipe say how long it is: a pipe holds
    64 KB, and writing more into one would wait until the child reads. ``ask`` is called once. Where forking is
    not safe or fails, or the value cannot be written (a full disk), the work is done here, when its result is
    asked for; a child that ended before it was asked is not asked, and its result raises what ended it."""
    with contextlib.ExitStack() as stack:
        asked: list[Any] = []

        def here() -> Result:
            return function(lambda: asked[0], *args)

        spool = _spool() if _may_fork() else None
        if spool is None:
            yield Asking(asked.append, here)
            return
        stack.enter_context(spool)
        signal_read, signal_write = os.pipe()
        stack.callback(os.close, signal_write)
        try:
            receive = functools.partial(_receive, spool.fileno(), signal_read, signal_write)
            pid, answer = _start_child(function, (receive, *args), nice)
        finally:
            os.close(signal_read)
        if answer is None:
            yield Asking(asked.append, here)
            return
        in_child = stack.enter_context(_answer_of(pid, answer))

        def ask(value: Any) -> None:
            try:
                _ask(spool, signal_write, value)
            except BrokenPipeError:  # the child has ended: its result says why
                pass
            except OSError:  # no room for the value: the work is done here
                asked.append(value)

        yield Asking(ask, lambda: here() if asked else in_child())


def _spool() -> BinaryIO | None:
    try:
        return tempfile.TemporaryFile()
    except OSError:  # no temporary folder to write in: the work is done in this process
        return None


def _may_fork() -> bool:
    return can_fork() and (os.cpu_count() or 1) > 1


@contextmanager
def _answer_of(pid: int, answer: BinaryIO) -> Iterator[Callable[[], Any]]:
    """A wait for the answer of the child ``pid``, which is stopped when the ``with`` ends if not waited for."""
    reaped = False

    def result() -> Any:
        nonlocal reaped
        data = answer.read()
        os.waitpid(pid, 0)
        reaped = True
        if not data:
            raise RuntimeError(f"worker process {pid} ended without an answer")
        done, value = pickle.loads(data)
        if not done:
            raise value
        return value

    try:
        yield result
    finally:
        answer.close()
        if not reaped:  # not asked for (the body failed), or the wait was interrupted: the work is not needed
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _ask(spool: BinaryIO, signal_write: int, value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    spool.write(data)
    spool.flush()
    os.write(signal_write, len(data).to_bytes(8, "big"))


def _receive(spool: int, signal_read: int, signal_write: int) -> Any:
    """In the child: wait for the value the parent sends with ``ask``."""
    os.close(signal_write)  # or, should the parent end without asking, the wait below would never end
    header = os.read(signal_read, 8)
    if len(header) < 8:
        raise RuntimeError("the build ended before sending what this worker needs")
    with open(spool, "rb", closefd=False) as file:
        file.seek(0)
        return pickle.loads(file.read(int.from_bytes(header, "big")))


def _start_child(function: Callable[..., Any], args: tuple[Any, ...], nice: int) -> tuple[int, BinaryIO | None]:
    """Fork a child that runs ``function(*args)`` and writes what came of it into a pipe: (its process id, the
    pipe's end to read), or (0, None) when the system cannot fork now."""
    read_end, write_end = os.pipe()
    sys.stdout.flush()  # or the child could write out again what this process printed
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return 0, None
    if pid == 0:
        os.close(read_end)
        _answer(write_end, function, args, nice)
    os.close(write_end)
    return pid, os.fdopen(read_end, "rb")


def _answer(write_end: int, function: Callable[..., Any], args: tuple[Any, ...], nice: int) -> NoReturn:
    """In the child: run ``function``, send (True, its result) or (False, its exception), and end."""
    try:
        try:
            with contextlib.suppress(OSError):  # a priority that cannot be lowered is no reason to fail the work
                os.nice(nice)
            data = pickle.dumps((True, function(*args)), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as error:  # handed to the parent, which raises it
            data = _pickled_error(error)
        with os.fdopen(write_end, "wb") as out:
            out.write(data)
    finally:
        os._exit(0)


def _pickled_error(error: BaseException) -> bytes:
    """``error`` as the parent will raise it, with the child's traceback as a note; an exception that would not
    come back as itself (one that does not pickle, or whose __init__ takes other arguments) as a RuntimeError."""
    where = "".join(traceback.format_exception(error))
    error.add_note(f"in worker process {os.getpid()}:\n{where}")
    try:
        data = pickle.dumps((False, error), protocol=pickle.HIGHEST_PROTOCOL)
        pickle.loads(data)
    except Exception:
        return pickle.dumps((False, RuntimeError(f"{error!r} in worker process {os.getpid()}:\n{where}")))
    return data


def _inherit(function: Callable[[Sequence[Any]], Any], items: Sequence[Any]) -> None:
    global _inherited
    _inherited = (function, items)


def _run(chunk: tuple[int, int]) -> Any:
    assert _inherited is not None
    function, items = _inherited
    return function(items[chunk[0] : chunk[1]])
