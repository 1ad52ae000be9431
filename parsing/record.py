"""The report record of ``../shared/SCHEMA.md`` as plain dataclasses."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

Number = int | float
Grid = dict[str, dict[str, Number]]


@dataclass
class Region:
    province: str | None = None
    city: str | None = None
    county: str | None = None
    township: str | None = None

    def label(self) -> str:
        return "".join(p for p in (self.province, self.city, self.county, self.township) if p)


@dataclass
class SubItem:
    """A numbered item inside a section: (一), 一是, 1. …"""

    marker: str
    text: str


@dataclass
class Section:
    no: int
    title: str
    text: str
    items: list[SubItem] = field(default_factory=list)


@dataclass
class Check:
    rule: str
    ok: bool
    detail: str


@dataclass
class StatedFigure:
    """A figure a report states outside the national template's tables.

    Reports on no national template (before 2019) state their figures in prose or in a
    local statistics table of their own; they are kept with the words they came from and are
    never copied into the template's cells.
    """

    field: str  # e.g. "requests.received" (see parsing.vocabulary.STATED_FIELDS)
    label: str  # the row label or phrase as the report prints it
    value: Number
    unit: str  # 条, 件, 元 … as printed
    period: str  # "year" (the year reported on) or "cumulative" (历年累计)
    quote: str  # the sentence or table row the figure was read from
    section: int | None  # the section it stands in (None: before the first heading)
    source: str  # "prose" | "local_table"
    national_table: bool = False  # always False: not a cell of the national template


@dataclass
class Report:
    id: str
    source: str
    agency: str | None
    region: Region
    year: int | None
    published: str | None
    template: str
    script: str
    active_disclosure: Grid = field(default_factory=dict)
    applications: Grid = field(default_factory=dict)
    review_litigation: Grid = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stated_figures: list[StatedFigure] = field(default_factory=list)

    def table(self, key: str) -> Grid:
        return getattr(self, key)

    def cell(self, table: str, row: str, column: str) -> Number | None:
        return self.table(table).get(row, {}).get(column)

    def section(self, no: int) -> Section | None:
        for section in self.sections:
            if section.no == no:
                return section
        return None

    @property
    def failed_checks(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        # default=vars serialises the nested dataclasses as asdict() would, about 5x faster.
        return json.dumps(self, default=vars, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Report":
        data = dict(data)
        data["region"] = Region(**data.get("region") or {})
        data["sections"] = [
            Section(s["no"], s["title"], s["text"], [SubItem(**i) for i in s.get("items", [])])
            for s in data.get("sections", [])
        ]
        data["checks"] = [Check(**c) for c in data.get("checks", [])]
        data["stated_figures"] = [StatedFigure(**f) for f in data.get("stated_figures", [])]
        return cls(**data)
