"""Forked workers: work done in other processes, results and failures brought back, nothing done twice."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import forked


def _pid_and_sum(*numbers: int) -> tuple[int, int]:
    return os.getpid(), sum(numbers)


def _fails(message: str) -> None:
    raise ValueError(message)


class _UnpicklableError(Exception):
    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("cannot pickle this")


def _fails_unpicklably() -> None:
    raise _UnpicklableError("lost in transit")


def test_a_child_works_while_the_caller_goes_on_and_hands_back_its_result() -> None:
    with forked.in_child(_pid_and_sum, 1, 2, 3) as result:
        pid, total = result()
    assert total == 6 and pid != os.getpid()


def test_a_childs_exception_is_raised_where_the_result_is_asked_for() -> None:
    with forked.in_child(_fails, "bad input") as result, pytest.raises(ValueError, match="bad input"):
        result()
    with forked.in_child(_fails_unpicklably) as result, pytest.raises(RuntimeError, match="lost in transit"):
        result()


class _TwoArgumentError(Exception):
    def __init__(self, what: str, where: str) -> None:
        super().__init__(f"{what} at {where}")


def _fails_with_two_arguments() -> None:
    raise _TwoArgumentError("broken", "line 3")


def _sleeps(pid_file: Path) -> None:
    pid_file.write_text(str(os.getpid()))
    time.sleep(30)


def test_an_exception_that_cannot_be_rebuilt_still_says_what_happened() -> None:
    with forked.in_child(_fails_with_two_arguments) as result, pytest.raises(RuntimeError) as raised:
        result()
    assert "broken at line 3" in str(raised.value) and "_fails_with_two_arguments" in str(raised.value)


def test_a_child_whose_result_is_not_needed_is_stopped_at_once(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    started = time.monotonic()
    with pytest.raises(KeyError), forked.in_child(_sleeps, pid_file):
        while not pid_file.exists():
            time.sleep(0.01)
        raise KeyError("the build failed meanwhile")
    assert time.monotonic() - started < 5
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)  # gone, and reaped


def test_with_another_thread_running_the_work_is_done_in_this_process() -> None:
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        with forked.in_child(_pid_and_sum, 4) as result:
            assert result() == (os.getpid(), 4)
    finally:
        release.set()
        thread.join()


def test_two_children_at_once_hand_back_large_results_in_any_order() -> None:
    """A build runs two children (related papers, the search index) at once; each answer is larger than a pipe
    holds, and the second is asked for first."""
    with forked.in_child(bytes, 3_000_000) as first, forked.in_child(lambda n: "x" * n, 2_000_000) as second:
        assert second() == "x" * 2_000_000
        assert first() == bytes(3_000_000)
    assert forked.mapped(lambda part: [n * 2 for n in part], list(range(5000)), 10) == [n * 2 for n in range(5000)]


def _prepares_then_receives(receive: Callable[[], bytes], marker: Path, delay: float) -> tuple[int, int]:
    marker.write_text("prepared")
    time.sleep(delay)  # its own preparation (numpy's import) is still going on when the question is sent
    return os.getpid(), len(receive())


def test_a_child_can_prepare_before_it_is_asked_and_a_large_question_does_not_wait_for_it(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    with forked.in_child_asking(_prepares_then_receives, marker, 1.0) as (ask, result):
        while not marker.exists():
            time.sleep(0.01)
        started = time.monotonic()
        ask(bytes(5_000_000))  # far more than a pipe holds
        assert time.monotonic() - started < 0.5, "asking waited for the child to read"
        pid, size = result()
    assert size == 5_000_000 and pid != os.getpid()


def test_a_child_never_asked_is_stopped_and_one_that_fails_raises_here(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(KeyError), forked.in_child_asking(_prepares_then_receives, tmp_path / "m", 0.0):
        while not (tmp_path / "m").exists():
            time.sleep(0.01)
        raise KeyError("the build failed before asking")
    assert time.monotonic() - started < 5
    with forked.in_child_asking(lambda receive: _fails(receive())) as (ask, result):
        ask("bad question")
        with pytest.raises(ValueError, match="bad question"):
            result()


def test_where_forking_is_not_safe_the_asked_work_is_done_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked, "can_fork", lambda: False)
    with forked.in_child_asking(_prepares_then_receives, tmp_path / "m", 0.0) as (ask, result):
        ask(b"abc")
        assert result() == (os.getpid(), 3)


def test_a_child_can_yield_the_processor_to_this_process() -> None:
    with forked.in_child(os.nice, 0, nice=5) as background, forked.in_child(os.nice, 0) as foreground:
        assert background() == min(os.nice(0) + 5, 19) and foreground() == os.nice(0)  # 19: the lowest there is
    with forked.in_child_asking(lambda receive: os.nice(receive()), nice=3) as (ask, result):
        ask(0)
        assert result() == min(os.nice(0) + 3, 19)


def _fails_before_asking(receive: Callable[[], object]) -> None:
    import numpy_is_not_installed_here  # type: ignore[import-not-found]  # noqa: F401


def test_a_child_that_ended_before_it_was_asked_raises_its_own_error() -> None:
    with forked.in_child_asking(_fails_before_asking) as (ask, result):
        time.sleep(0.5)  # it has ended by now
        ask(bytes(1_000_000))
        with pytest.raises(ModuleNotFoundError, match="numpy_is_not_installed_here"):
            result()


def test_a_question_that_cannot_be_written_is_answered_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(forked, "_ask", full_disk)
    with forked.in_child_asking(_prepares_then_receives, tmp_path / "m", 0.0) as (ask, result):
        ask(b"abcde")
        assert result() == (os.getpid(), 5)


def test_with_nowhere_to_write_the_question_the_asked_work_is_done_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_room() -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(forked.tempfile, "TemporaryFile", no_room)
    with forked.in_child_asking(_prepares_then_receives, tmp_path / "m", 0.0) as (ask, result):
        ask(b"abcd")
        assert result() == (os.getpid(), 4)


def test_weighted_parts_cover_every_item_in_order_and_share_the_weight() -> None:
    weights = [1] * 40 + [30, 30, 30] + [1] * 20 + [200]
    parts = forked.weighted_chunks(weights, 8)
    assert [i for start, stop in parts for i in range(start, stop)] == list(range(len(weights)))
    assert all(start < stop for start, stop in parts)
    share = sum(weights) / 8
    heavy = [sum(weights[start:stop]) for start, stop in parts if stop - start > 1]
    assert max(heavy) <= share + 1  # only a single item may weigh more than a share
    assert (len(weights) - 1, len(weights)) in parts  # the heaviest item is a part of its own
    assert forked.weighted_chunks([], 4) == []
    assert forked.weighted_chunks([5], 4) == [(0, 1)]
    assert forked.weighted_chunks([0] * 12, 4) == [(0, 3), (3, 6), (6, 9), (9, 12)]
