"""Checks across the specs and against areas.yaml, made once every spec has been read (issue 12).

What one spec says about areas can be checked alone (`checks/rules/`). What it names elsewhere
cannot: the groups and areas of areas.yaml (`comparators`, `benchmark`, `areas`, `area`,
`measure.among`) and the other target a derived rank ranks (`measure.of`). Each problem names
the spec's file and the line of the key, with the fix and, where a name is near a known one, a
did-you-mean.

Rules (as `targets validate` names them):

- `areas-file`: a spec names a group or an area of areas.yaml (`comparators`, `benchmark`,
  `areas`, `measure.among`) and the specs folder has no areas.yaml. `area` alone needs none.
- `known-group`: a group named is one of areas.yaml's `groups`.
- `known-area`: `area`, a `benchmark` code and each entry of an `areas` list are areas of
  areas.yaml (when there is one).
- `area-once`: an `areas` list names each area once (`Portsmouth` and `E06000044` are one).
- `rank-of`: a derived rank's `of` is the id of a target that is not itself derived, and that
  target keeps readings for every area of the group (and the ranked area): its `comparators` or
  `areas` cover them.
- `area-in-group` (a warning): the target's `area` (or one of its `areas`) is not in its
  `comparators` group (or a rank's `among` group): it is compared, and ranked, among the group
  and itself.
- `group-of-one` (a warning): the `comparators` or `among` group holds only the target's own
  area: with no other area to compare with, nothing is ever ranked (nor compared with the group
  median).

A value the schema refuses in those fields (`comparators: E06000044`, `area: Southampton`,
`benchmark: Englnd`) stays the schema's problem, said with what areas.yaml knows when it was read
(`refused_value`): the code of a name it has, the nearest name, that a code is an area's and not a
group's.

Checked against what was given: with only files named (no folder), a missing areas.yaml and an
`of` that names none of them are not reported, as the rest of the tree was not read.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from engine.model.areas import GROUP_MEDIAN, GROUP_NAME, Areas, is_gss_code, name_key
from engine.model.problems import Problem, Severity
from engine.model.safetext import has_unsafe, visible
from engine.sources.yamlsafe import Document

AreasState = Literal["none", "invalid", "valid"]  # no areas.yaml; one with errors (reported); one read


@dataclass(frozen=True)
class Uses:
    """What one spec says about areas, groups and another target: only values of the shape the
    schema asks for (a value it refuses is the schema's to report, not these checks')."""

    id: str | None
    doc: Document  # without its data: the line of a key, worked out only for a problem
    area: str | None = None
    comparators: str | None = None
    benchmark: str | None = None  # a GSS code or group_median
    areas_group: str | None = None
    areas: tuple[str, ...] = ()
    derived: bool = False
    of: str | None = None
    among: str | None = None

    def groups(self) -> Iterator[tuple[tuple[str | int, ...], str, str]]:
        """(path, key as written, group) of each group the spec names."""
        if self.comparators is not None:
            yield ("comparators",), "comparators", self.comparators
        if self.among is not None:
            yield ("measure", "among"), "among", self.among
        if self.areas_group is not None:
            yield ("areas",), "areas", self.areas_group


TARGET_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,79}\Z")  # as the schema's `id` (engine/checks/schema.is_valid_id)


def _group(value: Any) -> str | None:
    return value if isinstance(value, str) and GROUP_NAME.match(value) else None


def uses_of(doc: Document) -> Uses | None:
    """The spec's uses of areas, groups and other targets; None when it has none."""
    data = doc.data
    if not isinstance(data, dict):
        return None
    measure = data.get("measure")
    measure = measure if isinstance(measure, dict) else {}
    if not ({"area", "comparators", "benchmark", "areas"} & data.keys() or {"derived", "of", "among"} & measure.keys()):
        return None
    area, benchmark, areas = data.get("area"), data.get("benchmark"), data.get("areas")
    target_id = data.get("id")
    of = measure.get("of")
    return Uses(
        id=target_id if isinstance(target_id, str) else None,
        doc=doc.without_data(),
        area=area if is_gss_code(area) else None,
        comparators=_group(data.get("comparators")),
        benchmark=benchmark if benchmark == GROUP_MEDIAN or is_gss_code(benchmark) else None,
        areas_group=_group(areas),
        areas=tuple(a for a in areas if isinstance(a, str) and a.strip()) if isinstance(areas, list) else (),
        derived=measure.get("derived") == "rank",
        of=of if isinstance(of, str) and TARGET_ID.match(of) else None,
        among=_group(measure.get("among")),
    )


class _Problems:
    def __init__(self) -> None:
        self.found: list[Problem] = []

    def add(self, uses: Uses, path: tuple[str | int, ...], rule: str, message: str, *,
            severity: Severity = "error", key: bool = True) -> None:
        mark = uses.doc.mark(path, key=key)
        self.found.append(Problem(uses.doc.file, mark.line if mark else 1, mark.column if mark else 1,
                                  severity, rule, message))


@dataclass(frozen=True)
class _Where:
    """`file:line` of a spec's id, for a message."""

    doc: Document

    def __str__(self) -> str:
        mark = self.doc.mark(("id",), key=True)
        return f"{self.doc.file}:{mark.line if mark else 1}"


def _listed(names: Sequence[str], most: int = 3) -> str:
    shown = list(names[:most])
    more = len(names) - len(shown)
    if more:
        return ", ".join(shown) + f" and {more} more"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _area_words(areas: Areas, code: str) -> str:
    return f"{code} ({visible(areas.name(code))})"


def check_references(uses: Sequence[Uses], ids: Mapping[str, Document], areas: Areas | None, state: AreasState,
                     *, whole_tree: bool, specs_folder: str | None) -> list[Problem]:
    """The problems of the specs' references to areas.yaml and to each other.

    uses: every spec that names an area, a group or another target; ids: every id read, with its
    spec (without data); areas: areas.yaml's, when it was read without error; state: whether
    there is one; whole_tree: a folder was given (so a name that matches nothing read is wrong);
    specs_folder: where areas.yaml would go, for the fix.
    """
    problems = _Problems()
    by_id = {u.id: u for u in uses if u.id is not None and u.id in ids and ids[u.id].file == u.doc.file}
    for spec in uses:
        if state == "none":
            if whole_tree:
                _no_areas_file(problems, spec, specs_folder)
        elif state == "valid" and areas is not None:
            _against_areas(problems, spec, areas)
        if spec.derived and spec.of is not None and spec.of != spec.id:
            _rank_of(problems, spec, by_id, ids, areas if state == "valid" else None, whole_tree)
    return problems.found


def _no_areas_file(problems: _Problems, spec: Uses, folder: str | None) -> None:
    where = f"{folder}/areas.yaml" if folder else "areas.yaml at the root of the specs folder"
    named: list[tuple[tuple[str | int, ...], str, str]] = [
        (path, f"`{key}: {group}` names a group of areas.yaml", f"the group's areas by GSS code, and the group `{group}` with its members")
        for path, key, group in spec.groups()]
    if spec.benchmark is not None and spec.benchmark != GROUP_MEDIAN:
        named.append((("benchmark",), f"`benchmark: {spec.benchmark}` names an area of areas.yaml",
                      f"{spec.benchmark} with its name"))
    if spec.areas:
        named.append((("areas",), "`areas` lists areas of areas.yaml", "them by GSS code, with their names"))
    for path, said, naming in named:
        problems.add(spec, path, "areas-file",
                     f"{said}, and the specs folder has no areas.yaml: add {where}, naming {naming} "
                     "(docs/spec-format.md, \"areas.yaml\"), or validate the folder that has it")


def _against_areas(problems: _Problems, spec: Uses, areas: Areas) -> None:
    for path, key, group in spec.groups():
        if group not in areas.groups:
            close = difflib.get_close_matches(group, list(areas.groups), n=1, cutoff=0.6)
            if close:
                hint = f"did you mean `{close[0]}`?"
            elif areas.groups:
                hint = f"its groups are {_listed([f'`{g}`' for g in areas.groups], 5)}; or add `{group}` under `groups:`"
            else:
                hint = f"it has no groups: add `{group}` under `groups:` with its members' GSS codes"
            problems.add(spec, path, "known-group", f"`{key}: {group}`: there is no group `{group}` in areas.yaml: {hint}")
    singles = [(("area",), "area", spec.area)]
    if spec.benchmark != GROUP_MEDIAN:
        singles.append((("benchmark",), "benchmark", spec.benchmark))
    for path, key, code in singles:
        if code is not None and code not in areas.names:
            problems.add(spec, path, "known-area", f"`{key}: {code}` is not an area of areas.yaml: {_fix(areas, code)}")
    first_at: dict[str, int] = {}
    for at, text in enumerate(spec.areas):
        code = areas.code(text)
        if code is None:
            problems.add(spec, ("areas", at), "known-area",
                         f"`{visible(text)}` in `areas` is not an area of areas.yaml: {_fix(areas, text)}", key=False)
        elif code in first_at:
            earlier = spec.areas[first_at[code]]
            problems.add(spec, ("areas", at), "area-once",
                         f"`{visible(text)}` in `areas` is {_area_words(areas, code)}, already listed as item "
                         f"{first_at[code] + 1} (`{visible(earlier)}`): list each area once", key=False)
        else:
            first_at[code] = at
    own = _own_areas(spec, areas, list(first_at))
    _outside_groups(problems, spec, areas, own)
    _alone(problems, spec, areas, own)


def _own_areas(spec: Uses, areas: Areas, listed: list[str]) -> list[str]:
    """The codes of the target's own areas: its `area`, its `areas` group's members or its list's."""
    if spec.area is not None and spec.area in areas.names:
        return [spec.area]
    if spec.areas_group is not None and spec.areas_group in areas.groups:
        return list(areas.members(spec.areas_group))
    return listed


def _alone(problems: _Problems, spec: Uses, areas: Areas, own: list[str]) -> None:
    """A warning where a comparators or `among` group holds only the target's own area: a reading is
    ranked (and compared with the group median) only when another area has a reading that period,
    so it never is."""
    for path, key, group in spec.groups():
        if key == "areas" or group not in areas.groups:
            continue
        members = areas.members(group)
        if len(members) != 1 or members[0] not in own:
            continue
        if key == "among":
            never = "so the rank is never worked out: the target has no readings"
        elif spec.benchmark == GROUP_MEDIAN:
            never = "so its readings are never ranked, and never compared with the group median (`benchmark: group_median`)"
        else:
            never = "so its readings are never ranked"
        alone = "the target's own" if spec.area is not None else "one of the target's own"
        problems.add(spec, path, "group-of-one",
                     f"the group `{group}` has one area, {_area_words(areas, members[0])}, {alone}: a reading is "
                     f"compared only with other areas' readings that period, {never}; add the group's other areas "
                     "to it in areas.yaml, or name a larger group", severity="warning")


def _outside_groups(problems: _Problems, spec: Uses, areas: Areas, own: list[str]) -> None:
    """A warning where the target's own area (or one of its `areas`) is not in its comparators or
    `among` group: it is compared among the group and itself."""
    for path, key, group in spec.groups():
        if key == "areas" or group not in areas.groups:
            continue
        outside = [code for code in own if code not in areas.members(group)]
        if not outside:
            continue
        size = len(areas.members(group))
        verb = "ranked" if key == "among" else "compared, and ranked,"
        if spec.area is not None:
            said = f"the target's area, {_area_words(areas, spec.area)}, is not in the group `{group}` ({size} areas): it is"
        else:
            said = (f"{len(outside)} of the target's areas, {_listed([_area_words(areas, c) for c in outside])}, "
                    f"{'is' if len(outside) == 1 else 'are'} not in the group `{group}` ({size} areas): "
                    f"{'it is' if len(outside) == 1 else 'each is'}")
        problems.add(spec, path, "area-in-group",
                     f"{said} {verb} among the group and itself, {size + 1} in all; if it belongs in the group, add "
                     "it there in areas.yaml", severity="warning")


def _fix(areas: Areas, text: str) -> str:
    near = areas.suggest(text)
    did = f"did you mean {visible(near)}? " if near else ""
    what = "the code" if is_gss_code(text) else "the name or code"
    return f"{did}add it under `areas:` in areas.yaml with its name, or correct {what}"


# --- a value the schema refused, said with what areas.yaml knows ------------------------------------

_GROUP_KEYS = {("comparators",): "comparators", ("measure", "among"): "among", ("areas",): "areas"}
_AREA_KEYS = {("area",): "area", ("benchmark",): "benchmark"}


def refused_value(path: tuple[str | int, ...], value: Any, areas: Areas) -> str | None:
    """The message for a value the schema refused where a spec names a group or an area of
    areas.yaml (`comparators: E06000044`, `area: Southampton`, `benchmark: Englnd`), worded with
    what areas.yaml knows: the code of a name it has, the nearest name, that a code is an area and
    not a group. None where it knows nothing more than the schema's own message says."""
    if not isinstance(value, str) or has_unsafe(value) or not value.strip():
        return None  # a line break, a control character, nothing: the schema's words for those
    if path in _GROUP_KEYS:
        return _refused_group(_GROUP_KEYS[path], value, areas)
    if path in _AREA_KEYS:
        return _refused_area(_AREA_KEYS[path], value, areas)
    return None


def _groups_hint(areas: Areas, code: str | None = None) -> str:
    if not areas.groups:
        return "areas.yaml has no groups: add one under `groups:` with its members' GSS codes"
    hint = f"its groups are {_listed([f'`{g}`' for g in areas.groups], 5)}"
    holding = [f"`{g}`" for g, members in areas.groups.items() if code in members]
    if code is not None and holding:
        hint += f" ({visible(areas.name(code))} is in {_listed(holding, 5)})"
    return hint


def _named_area(text: str, code: str, areas: Areas) -> str:
    """`E06000044 (Portsmouth)` for the code itself, `` `portsmouth` (E06000044) `` for a name."""
    return _area_words(areas, code) if text == code else f"`{visible(text)}` ({code})"


def _refused_group(key: str, text: str, areas: Areas) -> str | None:
    code = areas.code(text)
    if code is not None:
        if key == "areas":
            return (f"`areas` takes a group of areas.yaml or a list of areas, and {_named_area(text, code, areas)} "
                    f"is one area: for a target of one area write `area: {code}`; for several, list them "
                    f"(`areas: [{code}, ...]`) or name a group ({_groups_hint(areas)})")
        return (f"`{key}` takes a group of areas.yaml, and {_named_area(text, code, areas)} is one of its areas, "
                f"not a group: {_groups_hint(areas, code)}")
    if not areas.groups:
        return None
    from engine.checks.schema import suggest_id

    close = difflib.get_close_matches(suggest_id(text) or text.lower(), list(areas.groups), n=1, cutoff=0.6)
    said = (f"`{key}` must be the name of a group in areas.yaml (lower-case letters, digits and hyphens), "
            f"not `{visible(text)}`")
    return f"{said}: did you mean `{close[0]}`?" if close else f"{said}; {_groups_hint(areas)}"


def _refused_area(key: str, text: str, areas: Areas) -> str | None:
    upper = text.strip().upper()
    if is_gss_code(upper) or text.strip().lower().replace(" ", "_").replace("-", "_") == GROUP_MEDIAN:
        return None  # the schema's message already says what to write (`area: E06000045`)
    takes = "a GSS code (or `group_median`)" if key == "benchmark" else "a GSS code"
    code = areas.code(text)
    if code is not None:
        return (f"`{key}` takes {takes}, not a name: `{visible(text)}` is {code} in areas.yaml: "
                f"write `{key}: {code}`")
    group = text.strip().lower()
    if group in areas.groups:
        fix = (f"for the group's median write `benchmark: group_median` with `comparators: {group}`"
               if key == "benchmark" else f"for one spec for each of its areas write `areas: {group}`")
        return f"`{key}` takes {takes}, and `{visible(text)}` is a group of areas.yaml: {fix}"
    near = _nearest_area(text, areas)
    if near is None:
        return None
    return (f"`{key}` takes {takes}, not `{visible(text)}`, which is not an area of areas.yaml either: did you mean "
            f"{visible(areas.name(near))} ({near})? write `{key}: {near}`")


def _nearest_area(text: str, areas: Areas) -> str | None:
    """The code of the area whose name (or, failing that, code) is nearest the text; None if none is near."""
    by_key = {name_key(name): code for code, name in areas.names.items()}
    found = difflib.get_close_matches(name_key(text), list(by_key), n=1, cutoff=0.6)
    if found:
        return by_key[found[0]]
    found = difflib.get_close_matches(text.strip().upper(), list(areas.names), n=1, cutoff=0.8)
    return found[0] if found else None


def _rank_of(problems: _Problems, spec: Uses, by_id: Mapping[str | None, Uses], ids: Mapping[str, Document],
             areas: Areas | None, whole_tree: bool) -> None:
    of = spec.of
    assert of is not None
    path = ("measure", "of")
    if of not in ids:
        if whole_tree:
            close = difflib.get_close_matches(of, list(ids), n=1, cutoff=0.6)
            hint = f"did you mean `{visible(close[0])}`? " if close else ""
            problems.add(spec, path, "rank-of",
                         f"`of: {of}`: there is no target with that id among the specs: {hint}give the id of the "
                         "target whose readings are ranked")
        return
    other = by_id.get(of)
    where = _Where(ids[of])  # the line is worked out (the spec parsed again, with marks) only for a message
    if other is not None and other.derived:
        problems.add(spec, path, "rank-of",
                     f"`of: {of}` ({where}) is itself a derived rank: rank the target whose readings come from "
                     "files (its `of`, or another)")
        return
    if spec.among is None:
        return
    group = spec.among
    if areas is not None and group not in areas.groups:
        return  # no such group: `known-group` says so, and there is nothing to keep readings for
    if areas is None:
        # Without areas.yaml (reported), only the group's name can be matched.
        if other is None or group not in (other.comparators, other.areas_group):
            problems.add(spec, path, "rank-of",
                         f"`of: {of}` ({where}) does not keep readings for the group `{group}`, so there is nothing "
                         f"to rank: {_keep_fix(other, group, spec.area)}")
        return
    needed = list(areas.members(group))
    if spec.area is not None and spec.area not in needed:
        needed.append(spec.area)
    kept = _kept(other, areas)
    missing = [code for code in needed if code not in kept]
    if missing:
        names = [_area_words(areas, code) if code in areas.names else code for code in missing]
        problems.add(spec, path, "rank-of",
                     f"`of: {of}` ({where}) keeps no readings for {len(missing)} of the {len(needed)} areas to rank, "
                     f"{_listed(names)}: {_keep_fix(other, group, spec.area)}")


def _kept(other: Uses | None, areas: Areas) -> set[str]:
    """The areas whose readings a target keeps: its own, its comparators group's, its `areas`."""
    if other is None:
        return set()
    kept = {other.area} if other.area is not None else set()
    if other.comparators is not None and other.comparators in areas.groups:
        kept.update(areas.members(other.comparators))
    if other.areas_group is not None and other.areas_group in areas.groups:
        kept.update(areas.members(other.areas_group))
    kept.update(code for text in other.areas if (code := areas.code(text)) is not None)
    return kept


def _keep_fix(other: Uses | None, group: str, area: str | None) -> str:
    """What to add to the ranked target so that it keeps readings for the group."""
    if other is not None and (other.areas_group is not None or other.areas):
        return f"make its `areas` the group (`areas: {group}`)"
    if other is not None and other.comparators is not None:
        return f"make its comparators the group (`comparators: {group}`)"
    if other is not None and other.area is not None:
        return f"add `comparators: {group}` to it"
    own = f"`area: {area}` and " if area is not None else "`area:` and "
    return f"add {own}`comparators: {group}` to it"
