"""Pausing Python's cyclic garbage collector while a build makes and keeps millions of small objects."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collection inside the block. A build keeps nearly everything it makes until it ends, and makes
    few cycles; the collector would scan the growing heap again and again (a tenth of a cold build) to free
    almost nothing. Reference counting still frees everything else; a collection may run after the block."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
