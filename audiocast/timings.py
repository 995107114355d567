"""Seconds spent per stage of making an episode, summed by stage name.

The pipeline and the episode stage both time their steps into one dict, which an EpisodeResult
carries back to the CLI and to benchmarks/episode_stages.py.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    """Add the time spent in the block to TIMINGS[STAGE] (a stage may be timed in parts)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start
