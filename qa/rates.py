"""A rate named by its parts: 拒绝的比例, 复议被纠正的比例, 予以公开加部分公开占办结的比例,
"(予以公开+部分公开)/办结", "what share of … were refused", "proportion … granted fully or partly".

The catalogue declares each rate once (``DERIVED_SHARES`` in :mod:`index.tables.metrics`:
numerator and denominator metric keys, definition); a question that names a share word
(``RATE_WORDS``: 比例, 占比, 百分之几, share, proportion, "/" …) and the numerator of a rate asks
for that rate.  The share word is then linked (never reported as not understood); without a
rate whose parts were named, it stays unlinked and the answer says so.
"""

from __future__ import annotations

from index.tables.metrics import DERIVED_SHARES, RATE_WORDS, catalogue
from qa.metric_terms import MetricMatch
from qa.quantities import blank_all, find_cue


def _concept(key: str) -> str:
    return key.rsplit(".", 1)[0]


def rate_word(text: str, match: MetricMatch) -> str | None:
    """A share word of ``text`` outside the names the match already read (公开率 is a name)."""
    spans = {p: (text.find(p), text.find(p) + len(p)) for p in match.phrases if p in text}

    def overlapped(phrase: str) -> bool:
        start, end = spans[phrase]
        return any(o != phrase and s < end and start < e for o, (s, e) in spans.items())

    # A rate's name overlapping another row's name (拒绝公开 / 公开的比例) is no name of its own.
    rest = blank_all(text, [p for p in spans if not (overlapped(p) and find_cue(p, RATE_WORDS))])
    return find_cue(rest, RATE_WORDS)


def rate_for(keys: list[str]) -> str | None:
    """The rate whose numerator the metric ``keys`` name (every other key being a part of it),
    or None."""
    metrics = catalogue()
    plain = [k for k in keys if k in metrics and metrics[k].kind != "share"]
    best, best_hits = None, 0
    for share in DERIVED_SHARES:
        numerator = set(share.numerator)
        parts = numerator | {share.denominator}
        hits = len(numerator & set(plain))
        # Every plain key named is a part of this rate (or the table's noun: requests).
        strays = [k for k in plain if k not in parts and not k.startswith("applications.new_received")]
        if hits > best_hits and not strays:
            best, best_hits = share.key, hits
    return best


def read_rate(match: MetricMatch | None, text: str) -> MetricMatch | None:
    """``match`` read as a rate when ``text`` asks for a share of the rate's numerator."""
    if match is None or match.how == "embedding":
        return match
    word = rate_word(text, match)
    if not word:
        return match
    key = rate_for(match.keys)
    if key is None:
        return match
    return MetricMatch(keys=[key], phrases=match.phrases, how=match.how, confidence=match.confidence,
                       spans=match.spans, columns=list(dict.fromkeys(match.columns + [word])), unused=match.unused)
