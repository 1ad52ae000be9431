"""The built-in demo corpus: fictional but realistic annual reports with known ground truth.

``generate_records`` yields :class:`DemoReport` objects (agency, year, template, the three
tables, the narrative and the defects planted on purpose); ``render`` turns one into the
bytes of a file in any layout the parser reads; ``write_corpus`` writes a directory of files
plus ``manifest.jsonl``; ``ensure_demo_corpus`` does so once into a cache directory.

Everything is deterministic in ``seed``.  Agencies and places are fictional
(see :mod:`corpus.demo_geo`); sentences come from :mod:`corpus.phrases`.

Defects, each planted in a known share of reports (``DEFECT_SHARES``):

* ``unbalanced``: one cell of the applications table changed, so a sum check fails;
* ``narrative_conflict``: the narrative states a figure the tables contradict;
* ``copied_narrative``: section 五 copied word for word from the agency's previous year
  (or, in its first year, from another agency).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import time
from parsing.checks import run_checks
from parsing.record import Region, Report, Section
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from corpus import demo_form as F
from corpus.demo_geo import FICTIONAL_PREFIXES, Agency, DemoError, choose_agencies
from corpus.demo_numbers import AgencyState, add_review_case, failed_rules, make_active, make_applications, \
    make_review, plant_unbalanced
from corpus.demo_record import DemoReport
from corpus.demo_render import LAYOUTS, Rendered, render, render_detail
from corpus.demo_text import compose
from parsing.template import TEMPLATE_2019, TEMPLATE_2021

__all__ = ["DemoReport", "DemoError", "LAYOUTS", "DEFECT_KINDS", "DEFECT_SHARES", "FICTIONAL_PREFIXES",
           "generate_records", "render", "render_detail", "Rendered", "write_corpus", "ensure_demo_corpus",
           "read_manifest", "failed_rules"]

GENERATOR_VERSION = 2  # 2: names spell province, city and county; six provinces from 300 agencies
DEFECT_KINDS = ("unbalanced", "narrative_conflict", "copied_narrative")
DEFECT_SHARES: Mapping[str, float] = {kind: 0.05 for kind in DEFECT_KINDS}
FIRST_YEAR = 2019
MANIFEST = "manifest.jsonl"
STAMP = "demo.json"

# How often each layout, script and encoding is drawn.
_LAYOUT_WEIGHTS = {"pipe": 14, "one_per_line": 16, "blank_lines": 10, "chrome": 10, "meta_header": 8,
                   "vertical_label": 8, "displaced_headers": 7, "question_marks": 7, "check_lines": 8, "spaces": 5,
                   "html": 12}
_TRADITIONAL_SHARE = 0.10
_GB18030_SHARE = {"text": 0.15, "html": 0.10}


def _template(rng: random.Random, year: int) -> str:
    if year <= 2019:
        return TEMPLATE_2019
    if year == 2020:
        return TEMPLATE_2019 if rng.random() < 0.6 else TEMPLATE_2021
    return TEMPLATE_2021


def _published(rng: random.Random, year: int) -> str:
    month = rng.choices((1, 2, 3), (70, 15, 15))[0]
    return f"{year + 1:04d}-{month:02d}-{rng.randint(1, 28):02d}"


def _check_years(years: range) -> None:
    if len(years) == 0:
        raise DemoError("years is empty; pass e.g. range(2019, 2025)")
    if min(years) < FIRST_YEAR:
        raise DemoError(f"the demo reports follow the national templates, which start with {FIRST_YEAR}; "
                        f"got {min(years)}")


def _shares(shares: Mapping[str, float] | None) -> dict[str, float]:
    out = dict(DEFECT_SHARES)
    for kind, share in (shares or {}).items():
        if kind not in out:
            raise DemoError(f"unknown defect {kind!r}; known: {', '.join(DEFECT_KINDS)}")
        if not 0 <= share <= 1:
            raise DemoError(f"defect share for {kind!r} must be between 0 and 1, got {share}")
        out[kind] = share
    return out


def generate_records(n_agencies: int, years: range, seed: int,
                     shares: Mapping[str, float] | None = None) -> Iterator[DemoReport]:
    """``n_agencies × len(years)`` reports, agency by agency, year by year; deterministic in ``seed``."""
    _check_years(years)
    share = _shares(shares)
    index = 0
    last_other: tuple[str, int, dict[str, Any], dict[str, list[str]]] | None = None
    for agency in choose_agencies(n_agencies, seed):
        state = AgencyState()
        previous: tuple[str, int, dict[str, Any], dict[str, list[str]]] | None = None
        for year in years:
            report = _one_report(agency, year, seed, index, state, share, previous or last_other)
            section5 = next(s for s in report.sections if s["no"] == 5)
            previous = (agency.name, year, section5, report.topics)
            index += 1
            yield report
        last_other = previous


def _one_report(agency: Agency, year: int, seed: int, index: int, state: AgencyState, share: dict[str, float],
                copy_source: tuple[str, int, dict[str, Any], dict[str, list[str]]] | None) -> DemoReport:
    rng = random.Random(f"report/{seed}/{agency.key}/{year}")
    # Defects draw from their own stream, so changing a share leaves the other figures alone.
    drng = random.Random(f"defects/{seed}/{agency.key}/{year}")
    planted = [kind for kind in DEFECT_KINDS if drng.random() < share[kind]]
    template = _template(rng, year)
    applications = make_applications(rng, agency, template, state)
    review = make_review(rng, agency, applications["new_received"]["total"])
    active = make_active(rng, agency, template, state)
    defects: list[dict[str, Any]] = []
    conflict = None
    if "narrative_conflict" in planted:
        conflict = drng.choice(("requests", "review", "repealed") if template == TEMPLATE_2021
                               else ("requests", "review"))
        if conflict == "review" and not any(row["total"] for row in review.values()):
            add_review_case(drng, review)
    if "unbalanced" in planted:
        defects.append(plant_unbalanced(drng, applications, template))
    tables = {"active_disclosure": active, "applications": applications, "review_litigation": review}
    halfwidth = rng.random() < 0.3
    narrative = compose(rng, agency, year, template, tables, conflict, halfwidth)
    if narrative.conflict:
        defects.append(narrative.conflict)
    sections, topics = narrative.sections, narrative.topics
    if "copied_narrative" in planted and copy_source is not None:
        source_agency, source_year, section5, source_topics = copy_source
        sections = [dict(section5) if s["no"] == 5 else s for s in sections]
        topics = {**topics, "problems": list(source_topics["problems"]), "measures": list(source_topics["measures"])}
        defects.append({"kind": "copied_narrative", "section": 5, "source_agency": source_agency,
                        "source_year": source_year})
    layout = rng.choices(list(_LAYOUT_WEIGHTS), list(_LAYOUT_WEIGHTS.values()))[0]
    gb_share = _GB18030_SHARE["html" if layout == "html" else "text"]
    return DemoReport(
        index=index, seed=seed, key=agency.key, agency=agency.name, region=agency.region, level=agency.level,
        kind=agency.kind, year=year, template=template,
        script="traditional" if rng.random() < _TRADITIONAL_SHARE else "simplified",
        layout=layout, encoding="gb18030" if rng.random() < gb_share else "utf-8",
        title=rng.choice(F.TITLE_FORMATS).format(agency=agency.name, year=year),
        published=_published(rng, year), signed=rng.random() < 0.35, halfwidth=halfwidth, upper=agency.upper,
        active_disclosure=active, applications=applications, review_litigation=review,
        sections=sections, preamble=narrative.preamble, closing=narrative.closing,
        defects=defects, stated=narrative.stated, topics=topics,
    )


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------


def manifest_entry(report: DemoReport, rendered: Rendered) -> dict[str, Any]:
    return {
        "file": rendered.name, "layout": rendered.layout, "table_style": rendered.table_style,
        "encoding": rendered.encoding, "script": report.script, "template": report.template,
        "index": report.index, "key": report.key, "level": report.level, "kind": report.kind,
        "title": report.title, "signed": report.signed, "truth": report.truth(rendered.layout),
        "defects": report.defects, "stated": report.stated, "topics": report.topics,
    }


def write_corpus(out_dir: Path, n_agencies: int, years: range, seed: int = 0,
                 shares: Mapping[str, float] | None = None) -> Path:
    """Write ``n_agencies × len(years)`` report files and ``manifest.jsonl`` into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    count = 0
    with (out_dir / MANIFEST).open("w", encoding="utf-8") as manifest:
        for report in generate_records(n_agencies, years, seed, shares):
            rendered = render_detail(report)
            (out_dir / rendered.name).write_bytes(rendered.data)
            manifest.write(json.dumps(manifest_entry(report, rendered), ensure_ascii=False) + "\n")
            count += 1
    stamp = _stamp(n_agencies, years, seed, shares)
    stamp.update(reports=count, seconds=round(time.perf_counter() - started, 2))
    (out_dir / STAMP).write_text(json.dumps(stamp, ensure_ascii=False, indent=1), encoding="utf-8")
    return out_dir


def read_manifest(corpus_dir: Path) -> list[dict[str, Any]]:
    """The manifest of a demo corpus directory, one dict per file."""
    path = Path(corpus_dir) / MANIFEST
    if not path.exists():
        raise DemoError(f"{path} not found: is {corpus_dir} a demo corpus? Create one with write_corpus().")
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _stamp(n_agencies: int, years: range, seed: int, shares: Mapping[str, float] | None) -> dict[str, Any]:
    return {"generator_version": GENERATOR_VERSION, "n_agencies": n_agencies,
            "years": [years.start, years.stop, years.step], "seed": seed, "shares": _shares(shares)}


def _same_parameters(path: Path, wanted: dict[str, Any]) -> bool:
    try:
        found = json.loads((path / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return all(found.get(k) == v for k, v in wanted.items()) and (path / MANIFEST).exists()


def ensure_demo_corpus(path: Path, n_agencies: int = 300, years: range = range(2019, 2025),
                       seed: int = 0, shares: Mapping[str, float] | None = None) -> Path:
    """The demo corpus directory, generated on first use (or when the parameters changed)."""
    path = Path(path)
    wanted = _stamp(n_agencies, years, seed, shares)
    if _same_parameters(path, wanted):
        return path
    if path.exists() and any(path.iterdir()) and not (path / STAMP).exists() and not (path / MANIFEST).exists():
        raise DemoError(f"{path} exists and is not a demo corpus; choose an empty or new directory")
    # Generate beside the target and swap, so an interrupted run never leaves half a corpus;
    # the staging name is per process, so two processes asking at once do not collide.
    staging = path.with_name(f"{path.name}.partial-{os.getpid()}")
    if staging.exists():
        shutil.rmtree(staging)
    write_corpus(staging, n_agencies, years, seed, shares)
    if _same_parameters(path, wanted):  # another process finished first
        shutil.rmtree(staging)
        return path
    if path.exists():
        shutil.rmtree(path)
    staging.rename(path)
    return path


def as_report(demo: DemoReport) -> Report:
    """A demo record as the parser would have produced it (for benchmarks that skip parsing)."""

    tables = {"active_disclosure": demo.active_disclosure, "applications": demo.applications,
              "review_litigation": demo.review_litigation}
    sections = [Section(s["no"], s["title"], s["text"]) for s in demo.sections]
    narrative = "\n".join(s.text for s in sections)
    return Report(
        id=demo.digest()[:12], source=f"demo-{demo.index:06d}.txt", agency=demo.agency,
        region=Region(**demo.region), year=demo.year, published=demo.published, template=demo.template,
        script=demo.script, active_disclosure=demo.active_disclosure, applications=demo.applications,
        review_litigation=demo.review_litigation, sections=sections,
        checks=run_checks(tables, demo.template, narrative),
    )
