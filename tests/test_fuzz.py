"""The fuzz run in short form, and the defects the full run (``bench/fuzz.py``) found.

The short form runs ``bench/fuzz.py`` as a program on the first inputs of seed 13 (the same
inputs the full run starts with, so the figures are deterministic) in two worker processes:
no input may end in an unexpected exception, a hang past the per-input bound, a dead worker or
a runaway RSS, and every refusal carries a reason code the interface says in both languages.

The regression tests rebuild each damaged input at test time from a seed report (never a copy
of report text): the smallest edit that made the parser crash or hang.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, seed_path
from parsing import parse_text
from parsing.cells import DIGIT_RUN_MAX, MAX_SPLITS, always, parse_number, recover_split
from parsing.errors import GongkaiError, ParseError
from parsing.record import Report
from parsing.summary import describe

# Inputs of the short form: the full run (bench/fuzz.py) does 100,000 of them.
SHORT_INPUTS = 500
# Generous bounds on a condition (a hang is minutes): never a speed assertion.
RUN_BOUND = 900
HANG_BOUND = 120


def _seed_text(prefix: str) -> str:
    return seed_path(prefix).read_text(encoding="utf-8")


def _parses_cleanly(text: str) -> Report:
    """Parsing ``text`` gives a report (described and written like ``gongkai parse`` does), or
    a refusal that does not hide an internal crash."""
    try:
        report = parse_text(text, "fuzz.txt")
    except ParseError as error:
        assert error.__cause__ is None or isinstance(error.__cause__, GongkaiError), \
            f"internal crash behind {error!r}: {error.__cause__!r}"
        raise
    describe(report)
    report.to_json()
    return report


def _replace_figures(text: str, value: str, count: int) -> str:
    """The first ``count`` table figures (``| 36 |``) replaced by ``value``."""
    return re.sub(r"(?<=\| )\d+(?= \|)", value, text, count=count)


def test_short_fuzz_run_has_no_unexpected_outcome(tmp_path: Path) -> None:
    out = tmp_path / "failures"
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "fuzz.py"), "--inputs", str(SHORT_INPUTS), "--seed", "13",
         "--workers", "2", "--timeout", str(HANG_BOUND), "--out", str(out), "--json"],
        capture_output=True, text=True, timeout=RUN_BOUND, cwd=ROOT,
    )
    assert run.stdout.strip(), f"no summary printed: {run.stderr[-3000:]}"
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["inputs"] == SHORT_INPUTS
    bad = {kind: n for kind, n in result["kinds"].items() if kind not in ("parsed", "refused") and n}
    assert not bad, f"{bad}; inputs saved in {out}: " + json.dumps(result["failures"], ensure_ascii=False)[:4000]
    assert run.returncode == 0, run.stderr[-3000:]
    # Both outcomes happen (the mutations reach the parser and its refusals), and every refusal
    # names a reason the interface says in Chinese and English.
    assert result["kinds"]["parsed"] > 0 and result["kinds"]["refused"] > 0

    from gongkai.ui.i18n import STRINGS
    from parsing.errors import LimitExceeded
    assert all(f"upload.reason.{code}" in STRINGS or code == LimitExceeded.code
               for code in result["refused_by_code"]), result["refused_by_code"]
    assert not list(out.glob("*.bin")) if out.exists() else True


def test_fuzz_inputs_are_reproducible() -> None:
    """Input i of seed s is the same bytes and recipe every time (a saved failure can be rebuilt)."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import fuzz
    finally:
        sys.path.remove(str(ROOT / "bench"))
    bases = fuzz.load_bases()
    for index in (0, 7, 4242):
        a, b = fuzz.make_input(bases, 13, index), fuzz.make_input(bases, 13, index)
        assert (a.data, a.name, a.recipe) == (b.data, b.name, b.recipe) and a.recipe
    kinds = {next(x.kind for x in bases if x.name == fuzz.make_input(bases, 13, i).base) for i in range(200)}
    assert kinds == {"text", "html", "docx", "pdf"}


# ---------------------------------------------------------------- defects the full run found


def test_a_figure_of_thousands_of_digits_is_text_not_a_crash() -> None:
    """Was ValueError (Python reads at most 4300 digits) or OverflowError (a 401-digit int is no
    float) inside the parser, refused as "unexpected parser failure"."""
    text = _seed_text("000")
    for value in ("3" * 5000, "1" + "0" * 400, "9" * (DIGIT_RUN_MAX + 1)):
        report = _parses_cleanly(_replace_figures(text, value, 30))
        assert all(abs(v) < 10 ** DIGIT_RUN_MAX for table in (report.active_disclosure, report.applications,
                                                                 report.review_litigation)
                   for row in table.values() for v in row.values() if isinstance(v, (int, float)))
    assert parse_number("7" * 5000) is None and parse_number("7" * DIGIT_RUN_MAX) == int("7" * DIGIT_RUN_MAX)


def test_long_runs_of_digits_are_split_within_a_budget() -> None:
    """Cutting a 135-digit run into 9 figures tried every one of C(134, 8) cuts (hours); a row of
    40-digit figures hung a parse for minutes.  Bounded by a subprocess: a hang fails the test."""
    code = (
        "from parsing.cells import recover_split, always\n"
        "assert recover_split(['0' * 135], 9, always) == []\n"
        "assert recover_split(['9' * 135], 9, always) == [(999999999999999,) * 9]\n"
        "assert recover_split(['1' * 40], 9, always) == []  # too many cuts to try: none trusted\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=HANG_BOUND, cwd=ROOT)
    # An applications row whose figures ran together, the first a 40-digit run of 9 (the
    # input that hung the full run: the old split tried every cut of a 47-digit run).
    script = (
        "import re, sys\n"
        "from parsing import parse_text\n"
        "text = open(sys.argv[1], encoding='utf-8').read()\n"
        "row = re.compile(r'(?m)^(一、本年新收政府信息公开申请数量)((?: \\| \\d+)+)')\n"
        "assert row.search(text)\n"
        "text = row.sub(lambda m: m.group(1) + ' | ' + '9' * 40 + ''.join(m.group(2).split(' | ')[2:]), text, 1)\n"
        "parse_text(text, 'x.txt')\n"
    )
    subprocess.run([sys.executable, "-c", script, str(seed_path("000"))], check=True, timeout=HANG_BOUND, cwd=ROOT)


def test_run_together_digits_still_split_by_the_sums() -> None:
    """The bounds keep the real use: a table row whose figures ran together (17 digits, 15 cells)."""
    assert recover_split(["12001133211711013"], 15, always)
    assert len(recover_split(["1234"], 2, always)) == 3


def test_a_heading_numeral_followed_by_nothing() -> None:
    """A line "三、三、" (or a numeral and spaces) raised ValueError: max() of no title words."""
    lines = _seed_text("002").split("\n")
    for probe in ("三、三、", "三、 ", "二、二、二、", "三、\u3000"):
        _parses_cleanly("\n".join(lines[:5] + [probe] + lines[5:]))


def test_private_use_characters_of_the_input_are_not_table_marks() -> None:
    """The parser marks cut-out tables with private-use characters U+E010…; the same characters
    in the input (a GBK user-defined byte pair decodes to one) gave IndexError."""
    lines = _seed_text("003").split("\n")
    report = _parses_cleanly("\n".join(lines[:3] + [lines[3] + "\ue013\ue017"] + lines[4:]))
    assert report.applications and not any("\ue013" in section.text for section in report.sections)


def test_the_cuts_of_one_table_share_one_budget() -> None:
    """76 rows of 20-digit runs took 20 s when each row had its own budget of cuts; the rows of a
    table now share one, and a split found from part of the enumeration is never trusted."""
    budget = [MAX_SPLITS]
    assert recover_split(["1" * 40], 9, always, budget) == [] and budget[0] <= 0
    assert recover_split(["1234"], 2, always, budget) == []  # nothing left for this table
    assert len(recover_split(["1234"], 2, always, [MAX_SPLITS])) == 3
