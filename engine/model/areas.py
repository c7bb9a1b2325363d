"""Areas and comparator groups, as `areas.yaml` at the root of the specs folder declares them (pure).

An area is a GSS code (the ONS's nine-character code: a letter for the country, E, W, S, N, or K
for Great Britain / the United Kingdom, then eight digits, as E06000045 Southampton) with a name;
a group (an ONS most similar group, CIPFA nearest neighbours, a region) is a named list of areas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

GSS_CODE = re.compile(r"[EKNSW][0-9]{8}\Z")
GROUP_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\Z")


def is_gss_code(text: object) -> bool:
    return isinstance(text, str) and GSS_CODE.match(text) is not None


def name_key(name: str) -> str:
    """How a name is matched: case and runs of spaces do not count ("Welwyn  hatfield")."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class Areas:
    """The areas (code -> name, in the file's order) and groups (name -> member codes)."""

    names: Mapping[str, str]
    groups: Mapping[str, tuple[str, ...]]
    by_name: Mapping[str, str]  # name_key(name) -> code: names are unique (engine/checks/areas.py)

    @classmethod
    def of(cls, names: Mapping[str, str], groups: Mapping[str, tuple[str, ...]]) -> Areas:
        # Read-only views: one Areas is shared by everything that evaluates.
        return cls(MappingProxyType(dict(names)), MappingProxyType({g: tuple(m) for g, m in groups.items()}),
                   MappingProxyType({name_key(name): code for code, name in names.items()}))

    def name(self, code: str) -> str:
        return self.names[code]

    def code(self, text: str) -> str | None:
        """The code of an area given by its code or its name (any case); None if unknown."""
        if text in self.names:
            return text
        upper = text.strip().upper()
        if upper in self.names:
            return upper
        return self.by_name.get(name_key(text))

    def members(self, group: str) -> tuple[str, ...]:
        return self.groups[group]

    def labelled(self, code: str) -> str:
        """`E06000044 (Portsmouth)`; the code alone when the file has no name for it."""
        name = self.names.get(code)
        return f"{code} ({name})" if name else code

    def suggest(self, text: str) -> str | None:
        """The known area nearest to an unknown one, as `E06000044 (Portsmouth)`, for a did-you-mean."""
        import difflib

        by_key = {name_key(name): code for code, name in self.names.items()}
        found = difflib.get_close_matches(name_key(text), list(by_key), n=1, cutoff=0.6)
        if found:
            code = by_key[found[0]]
        else:
            found = difflib.get_close_matches(text.strip().upper(), list(self.names), n=1, cutoff=0.6)
            if not found:
                return None
            code = found[0]
        return self.labelled(code)


GROUP_MEDIAN = "group_median"  # `benchmark: group_median`: the median of the comparators group


def resolved(target, areas: Areas | None):  # Target -> Target
    """The target with `areas:` as codes (the group's members, or each name or code of the list
    as areas.yaml knows it). Unchanged when it has no `areas:`; the checker has made sure every
    name is known (an unknown one is left as written)."""
    from dataclasses import replace

    if target.areas_group is not None and areas is not None and target.areas_group in areas.groups:
        return replace(target, areas=areas.members(target.areas_group))
    if target.areas and areas is not None:
        return replace(target, areas=tuple(areas.code(a) or a for a in target.areas))
    return target
