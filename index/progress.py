"""What a long step says on the terminal: a line naming the step, or a labelled progress bar.

The library prints nothing unless its caller asks for progress (``progress=True``); then every
step of an ingest says what it does in plain English on stderr ("Computing vectors for 14,408
passages"), and every bar carries such a label: never a bare ``Batches 0/232``.  The CLI is
English throughout, so these words are too.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from tqdm import tqdm


def count(n: int, one: str, many: str | None = None) -> str:
    """``n`` with its thousands separated and the noun in the right number: "14,408 passages"."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def step(text: str, enabled: bool = True) -> None:
    """Say on stderr what is being done now (a bar in progress is redrawn below the line)."""
    if enabled:
        tqdm.write(text, file=sys.stderr)


def bar(total: int, label: str, unit: str, enabled: bool = True) -> tqdm:
    """A progress bar on stderr that names what it counts (``label``) and in what (``unit``)."""
    return tqdm(total=total, desc=label, unit=f" {unit}", file=sys.stderr, disable=not enabled or not total,
                dynamic_ncols=True)


@contextmanager
def timed_step(text: str, enabled: bool = True) -> Iterator[None]:
    """:func:`step` before the work and "… done (2.4 s)" after it, for steps without a count."""
    import time

    started = time.perf_counter()
    step(f"{text} …", enabled)
    yield
    step(f"  done ({time.perf_counter() - started:.1f} s)", enabled)
