"""Named points where a test may have the process kill itself (SIGKILL), to prove that a
crash there leaves nothing half-done behind.

Test-only.  The CLI arms one point from the environment variable ``GONGKAI_CRASH_AT``
(:data:`ENV`, read in ``gongkai/cli.py``, never by the library); nothing is armed otherwise,
and :func:`reached` then costs a comparison.  The kill is real: ``os.kill(os.getpid(), SIGKILL)``,
no cleanup, no ``finally`` blocks, exactly what an out-of-memory kill or a power cut leaves.
"""

from __future__ import annotations

import os
import signal

ENV = "GONGKAI_CRASH_AT"

# Every point, in the order an ingest passes them.
POINTS = (
    "store_batch_written",  # a batch is written inside its store transaction, not yet committed
    "store_batch_committed",  # the batch is committed (in the write-ahead log), not yet checkpointed
    "after_store_checkpoint",  # the batch is in the store file, its connection closed; the sources list,
    # the other batches and the passage index not yet
    "after_sources_list",  # the sources list written beside the store; the index not yet synced
    "mid_embedding",  # the passage index sync has embedded some passages, not all
    "cache_keys_pending",  # vectors appended to the embedding cache, their keys not yet committed
    "segment_written",  # the sync's new passage segment is in place; no generation names it yet
    "before_generation_files",  # segments (new and merged) written; the new generation not yet begun
    "staging_index",  # the new index generation is half written into its staging folder
    "before_index_switch",  # the generation folder is complete, ``current`` not yet switched to it
    "after_index_switch",  # ``current`` points at the new generation; old generations not yet removed
)

_armed: str | None = None


class UnknownCrashPoint(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"{ENV}={name!r} names no crash point; known: {', '.join(POINTS)}")


def arm(name: str | None) -> None:
    """Kill this process when it reaches ``name`` (None or "" disarms)."""
    global _armed
    if name and name not in POINTS:
        raise UnknownCrashPoint(name)
    _armed = name or None


def reached(name: str) -> None:
    """Mark that the process is at point ``name``; killed here if that point is armed."""
    assert name in POINTS, name
    if _armed == name:
        os.kill(os.getpid(), signal.SIGKILL)
