"""Checks across years: one agency's reports set against each other, and a report against its peers.

Each check is declared once in :data:`CHECKS` (its id, its name in both languages, what it
looks for, and the function that computes it), with its thresholds in :data:`SETTINGS`:

* ``carry_over`` — a report's 结转下年度继续办理 (table 三, total column) against the 上年结转政府信息
  公开申请数量 of the same agency's report of the next year: the requests carried into the next year
  must be the ones the next report says it carried over.
* ``jump`` — a figure of :data:`JUMP_FIGURES` that grows or shrinks more than ``jump_ratio``
  times from one year to the next, when the larger of the two is at least the figure's minimum
  base (so 1 → 6 is not news, 20 → 180 is).
* ``peer_zero`` — a figure of :data:`PEER_FIGURES` reported as 0 where the median of the
  agency's peers (the reports of the same year and level, in the same province when it has at
  least ``min_peers`` of them, else across the corpus) is at least ``peer_median``.

Every finding carries both reports (year N and year N+1, or the report and its peers) with the
cells compared, and a plain sentence in Chinese and English (:func:`message`).  The checks read
the wide ``metrics`` table of the store; an absent cell is never taken as 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from index.tables.metrics import catalogue
from index.tables.summary import Scope, scope_where


@dataclass(frozen=True)
class Settings:
    """The thresholds of the checks, declared once (the page and the chat state them)."""

    jump_ratio: float = 5.0
    peer_median: float = 100.0
    min_peers: int = 5


SETTINGS = Settings()


@dataclass(frozen=True)
class Figure:
    """A figure a check reads: its metric key (:mod:`index.tables.metrics`), plain names, and the
    smallest value the larger of two years must reach for a jump to count."""

    key: str
    zh: str
    en: str
    min_base: float = 0.0

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    @property
    def sql(self) -> str:
        return catalogue()[self.key].sql

    @property
    def cells(self) -> str:
        """The template cells the figure is read from, ``table.row.column`` joined by "+"."""
        return "+".join(".".join(cell) for cell in catalogue()[self.key].cells)


CARRIED_FORWARD = Figure("applications.carried_forward.total", "结转下年度继续办理", "carried forward to the next year")
CARRIED_OVER = Figure("applications.carried_over.total", "上年结转", "carried over from the year before")
REQUESTS = Figure("applications.new_received.total", "本年新收申请", "requests received", min_base=100)
REVIEWS = Figure("review_litigation.review.total", "行政复议", "administrative reconsiderations", min_base=10)
LAWSUITS = Figure("review_litigation.litigation.total", "行政诉讼", "lawsuits", min_base=10)
# Table totals auditors watch from year to year; the minimum base keeps small counts out
# (a county's lawsuits going 1 → 6 is ordinary; 2 → 12 is worth a look).  Requests: an office
# receiving under 100 a year swings several times over when one applicant files a batch; on the
# demo corpus a base of 50 flags 90 pairs of 57 agencies, 100 flags 33 of 24 (see the notes).
JUMP_FIGURES = (REQUESTS, REVIEWS, LAWSUITS)
# Figures that peers of one level report by the hundred (reconsiderations and lawsuits never
# reach a median of 100, so only requests are declared).
PEER_FIGURES = (REQUESTS,)
FIGURES = {f.key: f for f in (CARRIED_FORWARD, CARRIED_OVER, *JUMP_FIGURES, *PEER_FIGURES)}

FINDING_COLUMNS = (
    "check", "agency", "figure", "year", "value", "report_id", "source", "cell",
    "next_year", "next_value", "next_report_id", "next_source", "next_cell",
    "peers", "peer_median", "peer_scope", "peer_report_id", "peer_source", "province", "level")


# ---------------------------------------------------------------------------
# The reports and their figures
# ---------------------------------------------------------------------------


def _figures(con: duckdb.DuckDBPyConnection, figures: Iterable[Figure]) -> pd.DataFrame:
    """One row per report: its agency, year, region, level, source and each figure (NaN when absent)."""
    wanted = list(dict.fromkeys(figures))
    columns = ", ".join(f"{f.sql} AS \"{f.key}\"" for f in wanted)
    return con.execute(
        f"SELECT m.report_id, m.agency, m.year, m.province, m.level, r.source, {columns} "
        "FROM metrics m JOIN reports r USING (report_id) ORDER BY m.agency, m.year, m.report_id").df()


def _pairs(frame: pd.DataFrame) -> pd.DataFrame:
    """Each report beside each report of the same agency a year later (columns ``*_next``)."""
    following = frame.assign(year=frame["year"] - 1)
    return frame.merge(following, on="agency", suffixes=("", "_next")).query("year == year_next") \
        .assign(year_next=lambda f: f["year_next"] + 1)


def _finding(check: str, figure: Figure, row: pd.Series, **more: Any) -> dict[str, Any]:
    found = {"check": check, "agency": row["agency"], "figure": figure.key, "year": int(row["year"]),
             "value": float(row[figure.key]), "report_id": row["report_id"], "source": row["source"],
             "cell": figure.cells, "province": row["province"], "level": row["level"]}
    found.update(more)
    return found


def carry_over(con: duckdb.DuckDBPyConnection, settings: Settings = SETTINGS) -> list[dict[str, Any]]:
    """Reports whose 结转下年度继续办理 differs from the next year's 上年结转 of the same agency."""
    frame = _figures(con, (CARRIED_FORWARD, CARRIED_OVER))
    pairs = _pairs(frame)
    found = []
    for _, row in pairs.iterrows():
        before, after = row[CARRIED_FORWARD.key], row[CARRIED_OVER.key + "_next"]
        if pd.isna(before) or pd.isna(after) or float(before) == float(after):
            continue
        found.append(_finding("carry_over", CARRIED_FORWARD, row, next_year=int(row["year_next"]),
                              next_value=float(after), next_report_id=row["report_id_next"],
                              next_source=row["source_next"], next_figure=CARRIED_OVER.key,
                              next_cell=CARRIED_OVER.cells))
    return found


def carry_over_pairs(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every pair the carry-over check compares (agency, year, both figures, ``ok``), matches included."""
    frame = _figures(con, (CARRIED_FORWARD, CARRIED_OVER))
    pairs = _pairs(frame)
    out = pd.DataFrame({"agency": pairs["agency"], "year": pairs["year"], "next_year": pairs["year_next"],
                        "carried_forward": pairs[CARRIED_FORWARD.key],
                        "next_carried_over": pairs[CARRIED_OVER.key + "_next"],
                        "report_id": pairs["report_id"], "next_report_id": pairs["report_id_next"]})
    known = out["carried_forward"].notna() & out["next_carried_over"].notna()
    return out[known].assign(ok=lambda f: f["carried_forward"] == f["next_carried_over"]).reset_index(drop=True)


def is_jump(before: float, after: float, figure: Figure, settings: Settings = SETTINGS) -> bool:
    """More than ``jump_ratio`` times up or down, the larger value at least the figure's minimum base
    (a figure going from 0 counts as from 1: 0 → 60 is a jump of 60 times)."""
    low, high = sorted((before, after))
    return high >= figure.min_base and high > settings.jump_ratio * max(low, 1.0)


def jumps(con: duckdb.DuckDBPyConnection, settings: Settings = SETTINGS,
          figures: Iterable[Figure] = JUMP_FIGURES) -> list[dict[str, Any]]:
    """A figure of ``figures`` moving more than ``jump_ratio`` times between an agency's consecutive years."""
    wanted = list(figures)
    pairs = _pairs(_figures(con, wanted))
    found = []
    for _, row in pairs.iterrows():
        for figure in wanted:
            before, after = row[figure.key], row[figure.key + "_next"]
            if pd.isna(before) or pd.isna(after) or not is_jump(float(before), float(after), figure, settings):
                continue
            found.append(_finding("jump", figure, row, next_year=int(row["year_next"]), next_value=float(after),
                                  next_report_id=row["report_id_next"], next_source=row["source_next"],
                                  next_figure=figure.key, next_cell=figure.cells))
    return found


def peer_zeros(con: duckdb.DuckDBPyConnection, settings: Settings = SETTINGS,
               figures: Iterable[Figure] = PEER_FIGURES) -> list[dict[str, Any]]:
    """A figure reported as 0 where the median of the report's peers is at least ``peer_median``.

    A report's peers are the other reports of its year and level (in its province when that has
    at least ``min_peers`` of them); one zero stands for the report itself, so every zero of a
    group has the same peers' median, computed once per group."""
    wanted = list(figures)
    frame = _figures(con, wanted)
    found = []
    for figure in wanted:
        known = frame[frame[figure.key].notna()].sort_values([figure.key, "agency"], kind="stable")
        groups: dict[tuple[Any, ...], tuple[int, float, pd.Series | None]] = {}

        def peers(keys: tuple[Any, ...], group: pd.DataFrame) -> tuple[int, float, pd.Series | None]:
            if keys not in groups:
                rest = group.iloc[1:]  # sorted: the first row is a zero, the report itself
                median = float(rest[figure.key].median()) if len(rest) else 0.0
                groups[keys] = (len(rest), median, rest.iloc[(len(rest) - 1) // 2] if len(rest) else None)
            return groups[keys]

        by_level = dict(iter(known.groupby(["year", "level"])))
        by_province = dict(iter(known.groupby(["year", "level", "province"])))
        for _, row in known[known[figure.key] == 0].iterrows():
            where = "province"
            keys: tuple[Any, ...] = (row["year"], row["level"], row["province"])
            n, median, middle = peers(keys, by_province[keys]) if keys in by_province else (0, 0.0, None)
            if n < settings.min_peers:
                where, keys = "level", (row["year"], row["level"])
                n, median, middle = peers(keys, by_level[keys])
            if n >= settings.min_peers and median >= settings.peer_median and middle is not None:
                found.append(_finding("peer_zero", figure, row, peers=n, peer_median=median, peer_scope=where,
                                      peer_report_id=middle["report_id"], peer_source=middle["source"]))
    return found


# ---------------------------------------------------------------------------
# The declaration: one entry per check
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One check across years: its id, plain names and description in both languages, its computation."""

    id: str
    zh: str
    en: str
    description_zh: str
    description_en: str
    compute: Callable[[duckdb.DuckDBPyConnection, Settings], list[dict[str, Any]]] = field(compare=False)
    # What "nothing found" means, in words ("every carry-over matches the next report").
    none_zh: str = ""
    none_en: str = ""

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def none(self, lang: str, settings: Settings = SETTINGS) -> str:
        text = self.none_zh if lang == "zh" else self.none_en
        return text.format(ratio=_number(settings.jump_ratio), median=_number(settings.peer_median))

    def description(self, lang: str, settings: Settings = SETTINGS) -> str:
        text = self.description_zh if lang == "zh" else self.description_en
        return text.format(ratio=_number(settings.jump_ratio), median=_number(settings.peer_median),
                           peers=settings.min_peers, bases=_bases(lang))


def _bases(lang: str) -> str:
    joiner = "、" if lang == "zh" else ", "
    if lang == "zh":
        return joiner.join(f"{f.zh}至少{_number(f.min_base)}件" for f in JUMP_FIGURES)
    return joiner.join(f"{f.en} at least {_number(f.min_base)}" for f in JUMP_FIGURES)


CHECKS: tuple[Check, ...] = (
    Check("carry_over", "结转数前后对不上", "carry-over not matching the next year",
          "某年报告“结转下年度继续办理”的件数，应等于同一机关下一年报告“上年结转政府信息公开申请数量”的件数。",
          "The requests a report carries forward to the next year should be the ones the same agency's "
          "next report says it carried over from the year before.",
          carry_over, "每份报告结转下年度的件数都与下一年报告的上年结转一致",
          "every report's carry-over matches the next year's report"),
    Check("jump", "数字异常跳变", "sudden jumps from one year to the next",
          "同一机关相邻两年的同一数字相差超过{ratio}倍(增加或减少)，且较大的一年达到一定规模({bases})。",
          "The same figure of one agency grows or shrinks more than {ratio} times from one year to the next, "
          "the larger year reaching a minimum ({bases}).",
          jumps, "没有数字在相邻两年间变化超过{ratio}倍", "no figure changes more than {ratio} times between two years"),
    Check("peer_zero", "同级机关数以百计而本机关填0", "zero where peers report hundreds",
          "某数字填0，而同年同级机关(本省同级机关至少{peers}个时取本省，否则取全部同级机关)的中位数不少于{median}件。",
          "A figure reported as 0 where the median of the agency's peers (same year and level, in the same "
          "province when it has at least {peers} of them, else everywhere) is {median} or more.",
          peer_zeros, "没有在同级机关中位数达{median}件时填0的数字",
          "no figure is 0 where the peers' median is {median} or more"),
)
CHECK_IDS = tuple(c.id for c in CHECKS)


def check(check_id: str) -> Check:
    for entry in CHECKS:
        if entry.id == check_id:
            return entry
    raise KeyError(f"no check across years is called {check_id!r}; the checks are {', '.join(CHECK_IDS)}")


def findings(con: duckdb.DuckDBPyConnection, scope: Scope | None = None, checks: Iterable[str] = (),
             settings: Settings = SETTINGS, figures: Iterable[str] = (), years: Iterable[int] = ()) -> pd.DataFrame:
    """Every finding of the checks ``checks`` (all when empty) in ``scope``.

    A finding is in scope when its later report (year N+1, or the report itself for
    ``peer_zero``) is of the scope's region, level and agencies, and either of its years is
    within the scope's years (and among ``years`` when given). ``figures`` (metric keys) keeps
    only findings about those figures when any of them is a figure the checks read. Rows are
    ordered by check, agency and year; columns :data:`FINDING_COLUMNS` plus ``next_figure``,
    ``message_zh`` and ``message_en``.
    """
    wanted = [c for c in CHECKS if not checks or c.id in set(checks)]
    rows: list[dict[str, Any]] = []
    for entry in wanted:
        rows += entry.compute(con, settings)
    frame = pd.DataFrame(rows, columns=[*FINDING_COLUMNS, "next_figure"])
    named = [f for f in figures if f in {g.key for g in (*JUMP_FIGURES, *PEER_FIGURES)}]
    if named:
        frame = frame[(frame["check"] == "carry_over") | frame["figure"].isin(named)]
    if len(frame):
        frame = frame[_in_scope(con, frame, scope, years)]
    order = {c: i for i, c in enumerate(CHECK_IDS)}
    frame = frame.assign(_order=frame["check"].map(order)).sort_values(["_order", "agency", "year"], kind="stable")
    frame = frame.drop(columns="_order").reset_index(drop=True)
    frame["message_zh"] = [message(r, "zh", settings) for _, r in frame.iterrows()]
    frame["message_en"] = [message(r, "en", settings) for _, r in frame.iterrows()]
    return frame


def _in_scope(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, scope: Scope | None,
              years: Iterable[int] = ()) -> pd.Series:
    """Which rows of ``frame`` (findings or pairs) are in scope: see :func:`findings`."""
    scope = scope or Scope()
    where, params = scope_where(Scope(region=scope.region, agencies=scope.agencies, level=scope.level))
    in_scope = {r[0] for r in con.execute(f"SELECT r.report_id FROM reports r{where}", params).fetchall()}
    later = frame["next_report_id"].where(frame["next_report_id"].notna(), frame["report_id"])
    first, last = frame["year"].astype(int), frame["next_year"].fillna(frame["year"]).astype(int)
    keep = later.isin(in_scope)
    low = scope.year_from if scope.year_from is not None else -1
    high = scope.year_to if scope.year_to is not None else 10_000
    keep &= first.between(low, high) | last.between(low, high)
    listed = set(years)
    if listed:
        keep &= first.isin(listed) | last.isin(listed)
    return keep


def compared(con: duckdb.DuckDBPyConnection, scope: Scope | None = None, years: Iterable[int] = ()) -> dict[str, int]:
    """How much each check compared in scope: for ``carry_over`` and ``jump``, the pairs of one
    agency's consecutive reports that both have the figures compared; for ``peer_zero``, the
    reports that have a figure of :data:`PEER_FIGURES`."""
    frame = _figures(con, FIGURES.values())
    pairs = _pairs(frame).rename(columns={"report_id_next": "next_report_id", "year_next": "next_year"})
    alone = frame.assign(next_report_id=None, next_year=None)
    found = {}
    for check_id, table, known in (
            ("carry_over", pairs, pairs[CARRIED_FORWARD.key].notna() & pairs[CARRIED_OVER.key + "_next"].notna()),
            ("jump", pairs, pd.concat([pairs[f.key].notna() & pairs[f.key + "_next"].notna() for f in JUMP_FIGURES],
                                      axis=1).any(axis=1) if len(pairs) else pd.Series(dtype=bool)),
            ("peer_zero", alone, alone[[f.key for f in PEER_FIGURES]].notna().any(axis=1))):
        found[check_id] = int((known & _in_scope(con, table, scope, years)).sum()) if len(table) else 0
    return found


def finding_cells(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The stored cells behind ``frame``'s findings: for each, the cells of year N and of year N+1
    (for ``peer_zero``, the report's cell and that of the peer report at the median), as
    ``report_id, source, agency, year, field, value`` — the form of an answer's cells."""
    wanted: list[tuple[str, str]] = []
    for _, row in frame.iterrows():
        wanted += [(row["report_id"], c) for c in str(row["cell"]).split("+")]
        if isinstance(row.get("next_report_id"), str):
            wanted += [(row["next_report_id"], c) for c in str(row["next_cell"]).split("+")]
        if isinstance(row.get("peer_report_id"), str):
            wanted += [(row["peer_report_id"], c) for c in str(row["cell"]).split("+")]
    wanted = list(dict.fromkeys(wanted))
    if not wanted:
        return []
    params: dict[str, Any] = {}
    tests = []
    for i, (report_id, cell) in enumerate(wanted):
        table, row_key, column = cell.split(".")
        params.update({f"r{i}": report_id, f"t{i}": table, f"w{i}": row_key, f"c{i}": column})
        tests.append(f"(c.report_id = $r{i} AND c.\"table\" = $t{i} AND c.\"row\" = $w{i} AND c.\"column\" = $c{i})")
    found = con.execute(
        "SELECT c.report_id, r.source, r.agency, r.year, c.\"table\" || '.' || c.\"row\" || '.' || c.\"column\", c.value "
        f"FROM cells c JOIN reports r USING (report_id) WHERE {' OR '.join(tests)}", params).fetchall()
    by_key = {(r[0], r[4]): r for r in found}
    cells = []
    for key in wanted:
        if key in by_key:
            report_id, source, agency, year, cell, value = by_key[key]
            cells.append({"report_id": report_id, "source": source, "agency": agency, "year": int(year),
                          "field": cell, "value": None if value is None else float(value)})
    return cells


def raw_figures(row: pd.Series | dict[str, Any]) -> str:
    """A finding's figures as stored, for auditors: each year's cell key and value (or the peers' median)."""
    first = f"{int(row['year'])} {row['cell']}={_number(row['value'])}"
    if row["check"] == "peer_zero":
        return f"{first}; peers={int(row['peers'])} median={_number(row['peer_median'])} ({row['peer_scope']})"
    return f"{first}; {int(row['next_year'])} {row['next_cell']}={_number(row['next_value'])}"


def counts(frame: pd.DataFrame) -> dict[str, int]:
    """How many findings of each check ``frame`` holds, in :data:`CHECKS` order (zeros kept)."""
    have = frame["check"].value_counts() if len(frame) else pd.Series(dtype=int)
    return {c: int(have.get(c, 0)) for c in CHECK_IDS}


# ---------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------


def _number(value: Any) -> str:
    number = float(value)
    return f"{int(number):,}" if number == int(number) else f"{number:,.1f}"


def _times(before: float, after: float) -> str:
    low, high = sorted((before, after))
    return _number(round(high / max(low, 1.0), 1))


def message(row: pd.Series | dict[str, Any], lang: str, settings: Settings = SETTINGS) -> str:
    """The finding in plain words, in ``lang`` ("zh" or "en")."""
    zh = lang == "zh"
    kind = row["check"]
    year, value = int(row["year"]), float(row["value"])
    figure = FIGURES[str(row["figure"])]
    if kind == "carry_over":
        after, next_year = float(row["next_value"]), int(row["next_year"])
        if zh:
            return (f"{year}年报告结转下年度继续办理{_number(value)}件，"
                    f"{next_year}年报告上年结转填{_number(after)}件，相差{_number(abs(after - value))}件。")
        return (f"The {year} report carries {_number(value)} request{'s' * (value != 1)} forward to the next year; "
                f"the {next_year} report says {_number(after)} {'were' if after != 1 else 'was'} carried over "
                f"(a difference of {_number(abs(after - value))}).")
    if kind == "jump":
        after, next_year = float(row["next_value"]), int(row["next_year"])
        if zh:
            change = ("从0增加" if after > value else "减少到0") if value == 0 or after == 0 else \
                (f"约为上一年的{_times(value, after)}倍" if after > value else f"约为上一年的{_percent(value, after)}")
            return f"{figure.zh}{year}年为{_number(value)}件，{next_year}年为{_number(after)}件，{change}。"
        change = ("up from 0" if after > value else "down to 0") if value == 0 or after == 0 else \
            (f"about {_times(value, after)} times the year before" if after > value else
             f"about {_percent(value, after)} of the year before")
        return f"{figure.en.capitalize()}: {_number(value)} in {year}, {_number(after)} in {next_year} ({change})."
    median, peers = float(row["peer_median"]), int(row["peers"])
    where_zh = "本省同级" if row.get("peer_scope") == "province" else "同级"
    where_en = "in the same province at the same level" if row.get("peer_scope") == "province" else "at the same level"
    if zh:
        return (f"{year}年报告{figure.zh}填0件，而同年{where_zh}机关{peers}个的中位数为{_number(median)}件。")
    return (f"The {year} report gives 0 {figure.en}, while the median of {peers} agencies {where_en} "
            f"that year is {_number(median)}.")


def _percent(before: float, after: float) -> str:
    return f"{round(100 * after / before)}%"
