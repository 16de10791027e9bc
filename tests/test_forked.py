"""Forked workers: work done in other processes, results and failures brought back, nothing done twice."""

from __future__ import annotations

import os
import threading

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


def test_a_result_never_asked_for_leaves_no_process_behind() -> None:
    with forked.in_child(_pid_and_sum, 1) as _:
        pass
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child left to reap


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
