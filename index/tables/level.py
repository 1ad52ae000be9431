"""The administrative level of a report's agency: province, city, county, township or department.

A report is a *government's* report when its agency is a people's government (or its general
office, a development-zone committee, a sub-district office) or is named after a place alone;
any other agency (a bureau, a commission, a centre) is a ``department``.  A government's level
is that of the place it is named after, else the deepest part of its region.

The office names and place suffixes are the parser's own (``parsing.meta``, ``parsing.region``),
so an agency the parser recognises is classified by the same words.
"""

from __future__ import annotations

import re

from parsing.meta import OFFICE
from parsing.record import Region
from parsing.region import places_in_name

LEVELS = ("province", "city", "county", "township", "department", "unknown")
_PLACE_LEVELS = ("township", "county", "city", "province")  # deepest first
_OFFICE_AT_END = re.compile(OFFICE + "$")


def _deepest(region: Region) -> str | None:
    for level in _PLACE_LEVELS:
        if getattr(region, level):
            return level
    return None


def _place_level(name: str, region: Region) -> str | None:
    """The level of ``name`` when it is nothing but place names, else None."""
    for level in _PLACE_LEVELS:
        part = getattr(region, level)
        if part and name.endswith(part) and len(part) >= 2:
            return level
    places = places_in_name(name)
    return _deepest(places) if places.label() == name else None


def report_level(agency: str | None, region: Region) -> str:
    """``province|city|county|township|department|unknown`` for an agency in a region."""
    from_region = _deepest(region)
    if not agency:
        return from_region or "unknown"
    place = _OFFICE_AT_END.sub("", agency)
    level = _place_level(place, region) if place else None
    if level:
        return level
    if place != agency:  # a government office whose place name says no level
        return from_region or "unknown"
    return "department"
