"""One generated report and its ground truth."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from parsing.record import Grid, Number

# Layouts that print the publication date next to the title.
DATED_LAYOUTS = frozenset({"chrome", "meta_header", "html"})


@dataclass
class DemoReport:
    """A demo report: what the generator decided, i.e. what a parser should read back.

    The tables hold the printed figures (a planted ``unbalanced`` cell included); each
    entry of ``defects`` says what was planted and, for ``unbalanced``, the figure that
    would have balanced.
    """

    index: int
    seed: int
    key: str                      # the agency's stable id in the demo geography
    agency: str
    region: dict[str, str | None]
    level: str                    # province | city | county | township
    kind: str                     # government | department
    year: int
    template: str                 # "2021" | "2019"
    script: str                   # "simplified" | "traditional"
    layout: str
    encoding: str                 # "utf-8" | "gb18030"
    title: str
    published: str                # ISO date; printed only by DATED_LAYOUTS (or a signed report)
    signed: bool                  # ends with the agency name and a date
    halfwidth: bool               # narrative punctuation in ASCII (",", ":", "(")
    upper: str
    active_disclosure: Grid
    applications: Grid
    review_litigation: Grid
    sections: list[dict[str, Any]]
    preamble: str | None = None
    closing: str | None = None
    defects: list[dict[str, Any]] = field(default_factory=list)
    stated: dict[str, Number] = field(default_factory=dict)
    topics: dict[str, list[str]] = field(default_factory=dict)

    @property
    def defect_kinds(self) -> list[str]:
        return [d["kind"] for d in self.defects]

    def digest(self) -> str:
        return hashlib.sha1(f"{self.seed}/{self.key}/{self.year}".encode()).hexdigest()[:16]

    def published_shown(self, layout: str | None = None) -> str | None:
        """The publication date a parser can read from this report in ``layout``."""
        return self.published if (layout or self.layout) in DATED_LAYOUTS else None

    def truth(self, layout: str | None = None) -> dict[str, Any]:
        """The SCHEMA.md fields a parser should produce (sections: the narrative ones)."""
        return {
            "agency": self.agency,
            "region": dict(self.region),
            "year": self.year,
            "published": self.published_shown(layout),
            "template": self.template,
            "script": self.script,
            "active_disclosure": self.active_disclosure,
            "applications": self.applications,
            "review_litigation": self.review_litigation,
            "sections": self.sections,
        }
