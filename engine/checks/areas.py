"""Checking `areas.yaml`: its shape (as schema/areas.schema.json says), then what a schema cannot
say (a group member not among the areas, two areas with one name, an area twice in a group).

Messages are written here rather than translated from jsonschema's: the file is small and its
mistakes are few, so each gets its own words; tests/test_areas.py holds the schema and these
checks to the same verdict on every example.
"""

from __future__ import annotations

import difflib
from typing import Any

from engine.model.areas import GROUP_NAME, Areas, is_gss_code, name_key
from engine.model.problems import Problem
from engine.model.safetext import has_unsafe, visible
from engine.sources.yamlsafe import Document

MAX_NAME = 120
GSS_HELP = ("a GSS code is a letter (E England, W Wales, S Scotland, N Northern Ireland, K more than one) "
            "and eight digits, as E06000045; look it up in the ONS's code lists (Open Geography Portal)")


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return visible(text if len(text) <= 60 else text[:57] + "...")


def check_areas(doc: Document) -> tuple[list[Problem], Areas | None]:
    """The problems of one loaded areas file, and its Areas when it has no error."""
    problems: list[Problem] = []

    def problem(path: tuple, message: str, *, key: bool = False, rule: str = "areas") -> None:
        mark = doc.mark(path, key=key)
        problems.append(Problem(doc.file, mark.line if mark else 1, mark.column if mark else 1, "error", rule, message))

    data = doc.data
    if not isinstance(data, dict):
        problem((), "an areas file is a mapping with `areas:` (GSS code: name) and, optionally, `groups:` "
                    "(group name: [codes]); this file holds " + ("nothing" if data is None else "something else"))
        return problems, None
    for key in data:
        if key not in ("areas", "groups"):
            close = difflib.get_close_matches(str(key), ["areas", "groups"], n=1, cutoff=0.6)
            hint = f"did you mean `{close[0]}`?" if close else "an areas file has only `areas` and `groups`"
            problem((key,), f"unknown key `{_shown(key)}`: {hint}", key=True)

    names: dict[str, str] = {}
    areas = data.get("areas")
    if not isinstance(areas, dict) or not areas:
        problem(("areas",) if "areas" in data else (),
                "`areas` is needed: a mapping of GSS code to name, one a line, as `E06000045: Southampton`")
    else:
        first_with_name: dict[str, str] = {}
        for code, name in areas.items():
            if not is_gss_code(code):
                problem(("areas", code), f"`{_shown(code)}` is not a GSS code: {GSS_HELP}", key=True)
                continue
            if not isinstance(name, str) or not name.strip():
                problem(("areas", code), f"the name of {code} should be text, as `{code}: Southampton`")
                continue
            if len(name) > MAX_NAME:
                problem(("areas", code), f"the name of {code} is {len(name)} characters long; at most {MAX_NAME}")
                continue
            if has_unsafe(name):
                # A name goes into every report and message: a line break would split a row of the
                # table or a CSV line, an ESC would reach the terminal.
                problem(("areas", code), f"the name of {code}, `{_shown(name)}`, has a line break, tab or other "
                        "control character: write it on one line, in plain text")
                continue
            key = name_key(name)
            if key in first_with_name:
                other = first_with_name[key]
                mark = doc.mark(("areas", other), key=True)
                problem(("areas", code), f"the name `{_shown(name)}` is already given to {other} (line "
                        f"{mark.line if mark else 1}): readings name an area by its code or its name, so each "
                        "name must be one area's; tell them apart (as `Newport (Wales)`)")
                continue
            first_with_name[key] = code
            names[code] = name

    groups: dict[str, tuple[str, ...]] = {}
    raw_groups = data.get("groups", {})
    if raw_groups is None:
        raw_groups = {}
    if not isinstance(raw_groups, dict):
        problem(("groups",), "`groups` should be a mapping of group name to a list of GSS codes, "
                             "as `msg-southampton: [E06000045, E06000044]`")
    else:
        known = set(areas) if isinstance(areas, dict) else set()
        for group, members in raw_groups.items():
            if not isinstance(group, str) or not GROUP_NAME.match(group):
                problem(("groups", group), f"the group name `{_shown(group)}` should be lower case letters, digits "
                        "and hyphens (at most 64), as `msg-southampton`", key=True)
                continue
            if not isinstance(members, list) or not members:
                problem(("groups", group), f"the group `{group}` should list its members' GSS codes, "
                        "as `[E06000045, E06000044]`")
                continue
            seen: set[str] = set()
            for at, member in enumerate(members):
                path = ("groups", group, at)
                if not is_gss_code(member):
                    problem(path, f"`{_shown(member)}` in the group `{group}` is not a GSS code: {GSS_HELP}")
                elif member not in known:
                    close = difflib.get_close_matches(member, sorted(known), n=1, cutoff=0.8)
                    hint = f"did you mean {close[0]} ({visible(str(areas[close[0]]))})? " if close else ""
                    problem(path, f"{member} in the group `{group}` is not among `areas`: {hint}add it there "
                            "with its name, or correct the code")
                elif member in seen:
                    problem(path, f"{member} is listed twice in the group `{group}`: remove one")
                seen.add(member)
            groups[group] = tuple(members)

    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    if problems:
        return problems, None
    return problems, Areas.of(names, groups)
