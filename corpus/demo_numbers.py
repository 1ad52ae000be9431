"""The three statistics tables of a demo report: realistic magnitudes, sums that hold.

Figures follow the agency's level and kind (a township gets a handful of requests, a
provincial department hundreds; most cells are zero) and carry over from year to year:
last year's 结转下年度 is this year's 上年结转, and the stock of documents in force grows
by what was issued minus what was repealed.

:func:`failed_rules` is an independent implementation of the SCHEMA.md table checks, used
to plant and verify defects without relying on the parser.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from corpus.demo_geo import Agency
from parsing.record import Grid, Number
from parsing.template import APPLICANT_COLUMNS, REVIEW_COLUMNS, REVIEW_LITIGATION, TEMPLATE_2019, result_rows

APPLICANTS = tuple(c.key for c in APPLICANT_COLUMNS)
APPLICANT_PARTS = APPLICANTS[:-1]
OUTCOMES = tuple(c.key for c in REVIEW_COLUMNS)
REVIEW_ROWS = tuple(r.key for r in REVIEW_LITIGATION.rows)

# How often each applicant kind and each outcome occurs (before per-report jitter).
_APPLICANT_WEIGHTS = (0.84, 0.08, 0.006, 0.006, 0.045, 0.023)
_RESULT_WEIGHTS = {
    "granted": 0.42, "partially_granted": 0.09,
    "denied.state_secret": 0.002, "denied.prohibited_by_law": 0.006, "denied.security_stability": 0.003,
    "denied.third_party": 0.012, "denied.internal_affairs": 0.012, "denied.process_information": 0.02,
    "denied.enforcement_files": 0.008, "denied.administrative_query": 0.02,
    "unavailable.not_held": 0.19, "unavailable.needs_compilation": 0.04, "unavailable.unclear": 0.02,
    "not_processed.complaint": 0.03, "not_processed.duplicate": 0.03, "not_processed.publication": 0.004,
    "not_processed.excessive": 0.006, "not_processed.confirm_or_reissue": 0.02,
    "other.no_amendment": 0.03, "other.unpaid_fee": 0.002, "other.other": 0.035,
}
_OUTCOME_WEIGHTS = (0.55, 0.1, 0.2, 0.15)


@dataclass
class AgencyState:
    """What one year leaves to the next for the same agency."""

    carried: dict[str, int] = field(default_factory=dict)   # 结转下年度, per applicant column
    docs: int | None = None                                  # normative documents in force
    regs: int | None = None                                  # regulations in force
    items: dict[str, int] = field(default_factory=dict)      # 2019-era 上一年项目数量


def _log_uniform(rng: random.Random, lo: float, hi: float) -> float:
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:  # normal approximation keeps this fast for busy agencies
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _spread(rng: random.Random, count: int, keys: tuple[str, ...] | list[str],
            weights: tuple[float, ...] | list[float]) -> dict[str, int]:
    out = dict.fromkeys(keys, 0)
    for key in rng.choices(keys, weights, k=count) if count else ():
        out[key] += 1
    return out


def _jitter(rng: random.Random, weights: tuple[float, ...] | list[float]) -> list[float]:
    """Per-report variation: some reasons dominate one agency's year, others vanish."""
    return [w * rng.lognormvariate(0, 0.8) * (0 if w < 0.05 and rng.random() < 0.3 else 1) + 1e-9
            for w in weights]


# ---------------------------------------------------------------------------
# 三、applications
# ---------------------------------------------------------------------------


def request_volume(rng: random.Random, agency: Agency) -> int:
    """New requests this year for this agency."""
    if agency.level == "township":
        return 0 if rng.random() < 0.55 else rng.randint(1, 5)
    if agency.kind == "government":
        lo, hi = {"province": (40, 500), "city": (20, 300), "county": (3, 120)}[agency.level]
        return round(_log_uniform(rng, lo, hi))
    assert agency.dept is not None
    if rng.random() < {"province": 0.08, "city": 0.12, "county": 0.3}[agency.level]:
        return 0
    lo, hi = {"province": (5, 200), "city": (3, 150), "county": (1, 40)}[agency.level]
    return round(_log_uniform(rng, lo, hi) * agency.dept.requests)


def make_applications(rng: random.Random, agency: Agency, template: str, state: AgencyState) -> Grid:
    """The 三 table; every balance, row total and processed total holds."""
    n = request_volume(rng, agency)
    new = _spread(rng, n, APPLICANT_PARTS, _jitter(rng, _APPLICANT_WEIGHTS))
    if state.carried:
        carried = {k: state.carried.get(k, 0) for k in APPLICANT_PARTS}
    else:  # first year seen: a little left over from the year before
        share = rng.choice((0.0, 0.0, 0.03, 0.08))
        carried = {k: sum(rng.random() < share for _ in range(new[k])) for k in APPLICANT_PARTS}
    forward_share = rng.choice((0.0, 0.0, 0.0, 0.04, 0.1))
    rows = result_rows(template)
    weights = _jitter(rng, [_result_weight(r) for r in rows])
    grid: Grid = {"new_received": dict(new), "carried_over": dict(carried)}
    results: Grid = {r: dict.fromkeys(APPLICANT_PARTS, 0) for r in rows}
    forward: dict[str, int] = {}
    for column in APPLICANT_PARTS:
        available = new[column] + carried[column]
        forward[column] = sum(rng.random() < forward_share for _ in range(available))
        for row, count in _spread(rng, available - forward[column], rows, weights).items():
            results[row][column] = count
    grid.update(results)
    grid["total_processed"] = {c: new[c] + carried[c] - forward[c] for c in APPLICANT_PARTS}
    grid["carried_forward"] = dict(forward)
    for values in grid.values():
        values["total"] = sum(values[c] for c in APPLICANT_PARTS)
    state.carried = forward
    return _ordered(grid, template)


def _result_weight(row: str) -> float:
    if row == "other":  # 2019-era template: one row for the three 其他处理 reasons
        return sum(w for r, w in _RESULT_WEIGHTS.items() if r.startswith("other."))
    return _RESULT_WEIGHTS[row]


def _ordered(grid: Grid, template: str) -> Grid:
    order = ["new_received", "carried_over", *result_rows(template), "total_processed", "carried_forward"]
    return {row: {c: grid[row][c] for c in APPLICANTS} for row in order}


# ---------------------------------------------------------------------------
# 四、review and litigation
# ---------------------------------------------------------------------------


def make_review(rng: random.Random, agency: Agency, requests: Number) -> Grid:
    """The 四 table: mostly zeros, cases in proportion to the requests handled."""
    rates = {"review": 0.02, "litigation_direct": 0.01, "litigation_after_review": 0.005}
    if agency.level == "township":
        rates = {k: v / 4 for k, v in rates.items()}
    grid: Grid = {}
    for row in REVIEW_ROWS:
        cases = _poisson(rng, requests * rates[row])
        counts = _spread(rng, cases, OUTCOMES[:-1], _OUTCOME_WEIGHTS)
        grid[row] = {**counts, "total": cases}
    return grid


def add_review_case(rng: random.Random, grid: Grid) -> None:
    """Give a report with no cases one (so a "no cases" sentence can contradict it)."""
    row = rng.choice(REVIEW_ROWS)
    outcome = rng.choice(OUTCOMES[:-1])
    grid[row][outcome] += 1
    grid[row]["total"] += 1


# ---------------------------------------------------------------------------
# 二、active disclosure
# ---------------------------------------------------------------------------


def _maybe(rng: random.Random, zero_share: float, lo: float, hi: float, scale: float = 1.0) -> int:
    if scale <= 0 or rng.random() < zero_share:
        return 0
    return max(1, round(_log_uniform(rng, lo, hi) * scale))


def _decisions(rng: random.Random, agency: Agency) -> dict[str, int]:
    """Licensing, penalty and coercion decisions for one year."""
    if agency.kind == "department":
        assert agency.dept is not None
        dept, size = agency.dept, {"province": 1.5, "city": 1.0, "county": 0.5}[agency.level]
        return {
            "licensing": _maybe(rng, 0.2, 5, 3000, dept.licensing * size),
            "penalty": min(2000, _maybe(rng, 0.3, 1, 600, dept.penalty * size)),
            "coercion": _maybe(rng, 0.6, 1, 40, dept.coercion * size),
        }
    if agency.level == "township":
        return {"licensing": _maybe(rng, 0.4, 1, 800), "penalty": _maybe(rng, 0.5, 1, 300),
                "coercion": _maybe(rng, 0.85, 1, 5)}
    return {"licensing": _maybe(rng, 0.6, 1, 500), "penalty": _maybe(rng, 0.8, 1, 100),
            "coercion": _maybe(rng, 0.9, 1, 10)}


def _money(rng: random.Random, zero_share: float, lo: float, hi: float, decimals: int) -> Number:
    """万元 amounts as printed: zero, or a value with a few decimals (2191.563)."""
    if rng.random() < zero_share:
        return 0
    value = round(_log_uniform(rng, lo, hi), decimals)
    return int(value) if value.is_integer() else value


def _doc_volume(rng: random.Random, agency: Agency) -> tuple[int, int, int]:
    """(issued, repealed cap, initial stock) of normative documents for this agency."""
    if agency.kind == "government":
        issued_range, stock = {"province": ((10, 60), (200, 800)), "city": ((5, 40), (100, 400)),
                               "county": ((2, 25), (30, 200)), "township": ((0, 3), (0, 15))}[agency.level]
    else:
        issued_range, stock = (0, 10), (0, 60)
    issued = 0 if rng.random() < (0.7 if agency.level == "township" else 0.15) else rng.randint(*issued_range)
    return issued, max(2, issued // 2 + 3), rng.randint(*stock)


def _regs_volume(rng: random.Random, agency: Agency) -> tuple[int, int, int]:
    if agency.kind != "government" or agency.level not in ("province", "city"):
        return 0, 0, 0
    big = agency.level == "province"
    return rng.randint(0, 10 if big else 5), rng.randint(0, 4), rng.randint(150, 400) if big else rng.randint(20, 120)


def make_active(rng: random.Random, agency: Agency, template: str, state: AgencyState) -> Grid:
    """The 二 table of either template."""
    docs_issued, docs_cap, docs_stock = _doc_volume(rng, agency)
    regs_issued, regs_cap, regs_stock = _regs_volume(rng, agency)
    stock = state.docs if state.docs is not None else docs_stock
    regs = state.regs if state.regs is not None else regs_stock
    docs_repealed = min(stock, rng.randint(0, docs_cap)) if rng.random() < 0.6 else 0
    regs_repealed = min(regs, rng.randint(0, regs_cap)) if regs_cap else 0
    state.docs = stock + docs_issued - docs_repealed
    state.regs = regs + regs_issued - regs_repealed
    decisions = _decisions(rng, agency)
    if template == TEMPLATE_2019:
        return _active_2019(rng, agency, state, (regs_issued, state.regs), (docs_issued, state.docs), decisions)
    return {
        "regulations": {"issued": regs_issued, "repealed": regs_repealed, "in_force": state.regs},
        "normative_documents": {"issued": docs_issued, "repealed": docs_repealed, "in_force": state.docs},
        "licensing": {"decisions": decisions["licensing"]},
        "penalty": {"decisions": decisions["penalty"]},
        "coercion": {"decisions": decisions["coercion"]},
        "fees": {"amount_wan": _money(rng, 0.85, 0.05, 3000, rng.choice((2, 2, 4)))},
    }


def _active_2019(rng: random.Random, agency: Agency, state: AgencyState, regs: tuple[int, int],
                 docs: tuple[int, int], decisions: dict[str, int]) -> Grid:
    def published(made: int) -> int:
        return made - (1 if made and rng.random() < 0.15 else 0)

    def items(key: str, lo: int, hi: int, zero_share: float, active: bool = True) -> tuple[int, int]:
        previous = state.items.get(key)
        if previous is None:
            previous = 0 if rng.random() < zero_share else rng.randint(lo, hi)
        quiet = not active and previous == 0
        change = 0 if quiet or rng.random() < 0.5 else rng.randint(-min(previous, 6), 8)
        state.items[key] = previous + change
        return previous, change

    busy = agency.kind == "department"
    grid: Grid = {
        "regulations": {"new_made": regs[0], "new_published": published(regs[0]), "total_published": regs[1]},
        "normative_documents": {"new_made": docs[0], "new_published": published(docs[0]),
                                "total_published": docs[1]},
    }
    for key, decided, (lo, hi) in (("licensing", decisions["licensing"], (5, 300) if busy else (0, 50)),
                                   ("other_services", _maybe(rng, 0.6, 1, 2000), (1, 100)),
                                   ("penalty", decisions["penalty"], (5, 500) if busy else (0, 60)),
                                   ("coercion", decisions["coercion"], (1, 30))):
        previous, change = items(key, lo, hi, 0.3 if decided else 0.7, bool(decided))
        grid[key] = {"previous": previous, "change": change, "decisions": decided}
    previous, change = items("fees", 1, 20, 0.6)
    grid["fees"] = {"previous": previous, "change": change}
    projects = _maybe(rng, 0.4, 1, 300)
    grid["procurement"] = {"projects": projects,
                           "amount_wan": _money(rng, 0.0, 1, 50000, 3) if projects else 0}
    return grid


# ---------------------------------------------------------------------------
# Checks (an independent implementation of SCHEMA.md's table rules)
# ---------------------------------------------------------------------------


def failed_rules(applications: Grid, review: Grid, template: str) -> list[str]:
    """The SCHEMA.md rules the tables break, by name (empty when every sum holds)."""
    failed = []
    for column in APPLICANTS:
        left = applications["new_received"][column] + applications["carried_over"][column]
        right = applications["total_processed"][column] + applications["carried_forward"][column]
        if left != right:
            failed.append(f"applications.balance.{column}")
    for row, values in applications.items():
        if sum(values[c] for c in APPLICANT_PARTS) != values["total"]:
            failed.append(f"applications.row_total.{row}")
    for column in APPLICANTS:
        if sum(applications[r][column] for r in result_rows(template)) != applications["total_processed"][column]:
            failed.append(f"applications.processed_total.{column}")
    for row, values in review.items():
        if sum(values[c] for c in OUTCOMES[:-1]) != values["total"]:
            failed.append(f"review_litigation.total.{row}")
    return failed


def plant_unbalanced(rng: random.Random, applications: Grid, template: str) -> dict[str, object]:
    """Change one applications cell so that at least one check fails; describe the change."""
    row = rng.choice(list(applications))
    column = rng.choice(APPLICANTS)
    was = applications[row][column]
    delta = rng.choice((1, 1, 2, 3, 10))
    now = was + delta if was < delta or rng.random() < 0.5 else was - delta
    applications[row][column] = now
    return {"kind": "unbalanced", "table": "applications", "row": row, "column": column,
            "expected": was, "printed": now,
            "rules": failed_rules(applications, {}, template)}
