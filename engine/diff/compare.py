"""Comparing the specs at a git ref with the working tree: what changed, and which goalposts moved.

Pure: plain data in (two collections of loaded specs), a frozen DiffResult out. Reading the
specs at a ref (git) and printing are the shell's business (engine.diff.gitread, cli.py, reports/).

Targets are matched by `id`, so moving or renaming a file is not an addition and a removal.
Every field of the raw spec data (the mapping loaded from YAML) is compared, so nothing is
hidden; the built Target model decides whether a goalpost really moved, so writing the same
thing another way (`2014/15` as `2014/2015`, `35` as `35.0`, spelling out the default
`trajectory: linear`) is listed but never counted as a move.

The goalpost rule (README, `targets diff`): a target that was `active` at the base is
guarded. Changing its baseline, its target (period, level or form, `strict`), its trajectory,
its milestones, its limit or tolerance, or its measure's polarity or unit is a moved goalpost, an error, unless
the same change adds a new entry to its `revisions` list (every entry at the base kept, at least
one more that is not a copy). So is changing whose readings it judges or what they are judged
against (issue 12): its `area`, its `areas`, its `comparators` group, its `benchmark`, or its
measure's derived rank (`derived`, `of`, `among`): "12th of 15" must not quietly become "3rd of 8"
by swapping the group for a friendlier one. Demoting an active target to draft, or bringing a
retired target back, needs a new entry too: otherwise demote, edit and reactivate in three changes
would slip through. What counts is the status at the base, the one the target was in force under:
turning an active target into a draft in the same change does not lift the guard, while a draft
at the base is being finished and may change freely, even if it becomes active in the same change.
Removing a target that was active at the base is an error too: mark it `retired` first, in a
change of its own.

Areas and groups are compared as each side's areas.yaml reads them (SpecVersion.areas; the shell
reads it at the base too): `areas: [Southampton]` and `areas: [E06000045]` are the same when
areas.yaml names E06000045 Southampton, as are a group and the list of its members, or two group
names with the same members; a list's order does not count. (`area` and `benchmark` take a GSS
code only, which has one spelling.) Where a side has no valid areas.yaml (a single spec file given,
or one that was not valid at the base) groups and names are compared as written, so a name
rewritten as its code counts as a move there. A change inside areas.yaml alone can move
goalposts too: a group's members changed (an area joined or left), or an area's name given to
another code. Each active target whose `comparators`, `areas` or rank's `among` stands for other
areas now, though written the same, has that field listed (`via` areas.yaml, with the areas that
joined and left) and needs a new `revisions` entry, as if it had named another group. That needs
a valid areas.yaml holding the group on both sides: where the base's is not valid, a warning says
so (engine.diff.gitread), and a missing group is the spec checks' to report.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Literal

from engine.model.areas import Areas, is_gss_code, name_key
from engine.model.problems import Problem
from engine.checks.schema import field_name
from engine.model.spec import TARGET_FORMS, Target
from engine.sources.yamlsafe import Mark, resolve_plain

FieldPath = tuple[str | int, ...]
Severity = Literal["error", "warning", "notice"]
ChangeKind = Literal["added", "removed", "changed"]

# The fields whose change moves the goalposts of an active target: where it starts and must get
# to, the way there, the breach line, the tolerance (widened, off track reads as at risk), and
# which way is better and in what unit (flipping the polarity turns every status over; a new unit
# changes what every number means).
# Then whose readings are judged and what they are measured against (issue 12): the target's own
# area or areas, the group it is compared (and ranked) among, its benchmark, and a derived rank's
# kind, ranked target and group.
GOALPOSTS = ("baseline", "target", "trajectory", "milestones", "limit", "tolerance",
             "area", "areas", "comparators", "benchmark")
GOALPOST_MEASURE = ("polarity", "unit", "derived", "of", "among")
GUARDED_STATUS = "active"
VIA_AREAS = "areas.yaml"
REVISIONS_HINT = "add one saying what changed, why and who approved it"


class _Absent:
    """A field that is not in the spec at all (distinct from a field written as null)."""

    def __repr__(self) -> str:
        return "(none)"


ABSENT: Any = _Absent()


@dataclass(frozen=True)
class SpecVersion:
    """One spec as loaded on one side of the comparison."""

    file: str  # as shown to the user
    data: Mapping[str, Any]  # the raw mapping loaded from YAML
    target: Target | None = None  # the built model, when the spec is valid
    marks: Mapping[FieldPath, Mark] = field(default_factory=dict)  # where each value starts
    key_marks: Mapping[FieldPath, Mark] = field(default_factory=dict)  # where each key starts
    # That side's areas.yaml (when it was read and valid): groups and area names are compared by
    # the areas they stand for.
    areas: Areas | None = None

    @property
    def id(self) -> str:
        """The spec's id; the file name without `.yaml` when the id is missing or not text (an invalid spec)."""
        value = self.data.get("id")
        return value if isinstance(value, str) and value else PurePosixPath(self.file).stem

    @property
    def status(self) -> str:
        """The spec status (active by default). An unreadable status counts as active: the safe side."""
        if self.target is not None:
            return self.target.status
        value = self.data.get("status", GUARDED_STATUS)
        return value if value in ("draft", "retired") else GUARDED_STATUS

    def where(self, path: FieldPath) -> Mark | None:
        """The line of a field: its key where it has one, else its value, else its nearest ancestor."""
        probe = path
        while probe:
            if probe in self.key_marks:
                return self.key_marks[probe]
            if probe in self.marks:
                return self.marks[probe]
            probe = probe[:-1]
        return self.marks.get(())


@dataclass(frozen=True)
class FieldChange:
    path: FieldPath
    kind: ChangeKind  # added: not in the base spec; removed: not in the working tree
    old: Any  # ABSENT when added
    new: Any  # ABSENT when removed
    goalpost: bool  # a goalpost field whose meaning changed
    severity: Severity
    message: str
    line: int | None = None  # in the working-tree file (the nearest line still there, for a removed field)
    column: int | None = None
    # VIA_AREAS: the spec's field is written the same, but areas.yaml changed what it stands for
    # (old and new are then the areas' codes); None: the spec's field itself changed.
    via: str | None = None

    @property
    def field(self) -> str:
        return field_name(self.path)


@dataclass(frozen=True)
class TargetDiff:
    id: str
    kind: ChangeKind
    old_file: str | None  # None when added
    new_file: str | None  # None when removed
    old_status: str | None
    new_status: str | None
    guarded: bool  # active at the base: its goalposts may move only with a new `revisions` entry
    revision: int | None  # 1-based position of the first new `revisions` entry, if the change adds one
    severity: Severity
    message: str
    changes: tuple[FieldChange, ...] = ()
    line: int | None = None  # the `id` line in the working-tree file

    @property
    def moved(self) -> bool:
        """The file was moved or renamed (the target kept its id)."""
        return self.kind == "changed" and self.old_file != self.new_file

    @property
    def moved_goalposts(self) -> tuple[FieldChange, ...]:
        return tuple(c for c in self.changes if c.goalpost and c.severity == "error")

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass(frozen=True)
class DiffResult:
    base: str  # the ref as given: HEAD, origin/main, a commit
    targets: tuple[TargetDiff, ...]  # added, removed and changed targets; unchanged ones are left out
    unchanged: int
    problems: tuple[Problem, ...] = ()  # specs at the base that could not be read or validated
    base_commit: str | None = None

    def of_kind(self, kind: ChangeKind) -> tuple[TargetDiff, ...]:
        return tuple(t for t in self.targets if t.kind == kind)

    @property
    def errors(self) -> int:
        """Moved goalposts, removed active targets and old ids brought back bare: the reasons for exit code 1."""
        return (sum(len(t.moved_goalposts) for t in self.targets)
                + sum(t.kind in ("removed", "added") and t.is_error for t in self.targets))

    @property
    def warnings(self) -> int:
        return sum(c.severity == "warning" for t in self.targets for c in t.changes) + len(self.problems)

    @property
    def failed(self) -> bool:
        return self.errors > 0


# --- showing values ---------------------------------------------------------------------------

SHOWN_MAX = 80


def shown(value: Any, limit: int = SHOWN_MAX) -> str:
    """A value as a person would write it in the spec, shortened for a one-line message."""
    text = _shown(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _shown(value: Any) -> str:
    if value is ABSENT:
        return "(none)"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        plain = value and value == value.strip() and "\n" not in value and not _looks_like_other_type(value)
        return value if plain else json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return str(value)


def _looks_like_other_type(text: str) -> bool:
    """Text that would read as a number, boolean or null if written bare: quote it, so `"35"` is not mistaken for 35."""
    return not isinstance(resolve_plain(text), str)


# --- comparing raw data ------------------------------------------------------------------------

def _same(a: Any, b: Any) -> bool:
    """Equal as spec data: 35 and 35.0 are the same number, but true is not 1, and NaN is NaN."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, (Mapping, list)) or isinstance(b, (Mapping, list)):
        return False
    if _is_number(a) and _is_number(b):
        return a == b
    return type(a) is type(b) and a == b


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# Lists whose entries are matched by content, not position: the `revisions` record is a set of
# entries in any order, so a new entry written at the top is an addition, not an edit of every
# entry below it. (Milestones are matched by position: a milestone's place is its meaning.)
BY_CONTENT: frozenset[FieldPath] = frozenset({("revisions",)})


def raw_changes(old: Any, new: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, Any, Any]]:
    """Every leaf that differs, as (path, old, new); mappings key by key, lists position by position
    (those in BY_CONTENT by content).

    Keys come in the working tree's order, then those only at the base. A whole mapping or list
    that appears or disappears is one change.
    """
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in list(new) + [k for k in old if k not in new]:
            yield from raw_changes(old.get(key, ABSENT), new.get(key, ABSENT), path + (key,))
    elif isinstance(old, list) and isinstance(new, list):
        if path in BY_CONTENT:
            yield from _entries_by_content(old, new, path)
            return
        for i in range(max(len(old), len(new))):
            yield from raw_changes(old[i] if i < len(old) else ABSENT, new[i] if i < len(new) else ABSENT, path + (i,))
    elif not _same(old, new):
        yield path, old, new


def _entries_by_content(old: list[Any], new: list[Any], path: FieldPath) -> Iterator[tuple[FieldPath, Any, Any]]:
    """The changes between two lists whose entries are matched by content: an entry kept (anywhere)
    is no change; an entry left over at the base is paired with the one left in the working tree
    that shares most fields with it (an edited entry, compared field by field); the rest are added
    (named by their place in the working tree) or removed (by their place at the base)."""
    taken: set[int] = set()
    left_old: list[int] = []
    for i, entry in enumerate(old):
        match = next((j for j in range(len(new)) if j not in taken and _same(new[j], entry)), None)
        if match is None:
            left_old.append(i)
        else:
            taken.add(match)
    removed: list[int] = []
    edited: dict[int, int] = {}  # working-tree place -> base place
    for i in left_old:
        shared = [(_fields_shared(old[i], new[j]), -j) for j in range(len(new)) if j not in taken]
        best, place = max(shared, default=(0, 0))
        if best == 0:
            removed.append(i)
            continue
        taken.add(-place)
        edited[-place] = i
    # In the working tree's order, then what was removed.
    for j in range(len(new)):
        if j in edited:
            yield from raw_changes(old[edited[j]], new[j], path + (j,))
        elif j not in taken:
            yield path + (j,), ABSENT, new[j]
    for i in removed:
        yield path + (i,), old[i], ABSENT


def _fields_shared(a: Any, b: Any) -> int:
    """How many fields two entries have in common (the same key, the same value); 0 unless both are mappings."""
    if not (isinstance(a, Mapping) and isinstance(b, Mapping)):
        return 0
    return sum(1 for key in a if key in b and _same(a[key], b[key]))


# --- goalposts in the model ----------------------------------------------------------------------

def _goalposts(target: Target, areas: Areas | None) -> dict[str, Any]:
    """The goalposts as the model reads them: periods as their span, numbers as numbers, defaults
    filled in, areas as codes and groups as their members where areas.yaml is known."""

    def point(p: Any) -> Any:
        return ABSENT if p is None else {"period": (p.period.start, p.period.end), "value": p.value}

    goal = target.goal
    derived = target.measure.derived
    return {
        "baseline": point(target.baseline),
        "target": ABSENT if goal is None else {
            "period": (goal.period.start, goal.period.end),
            "form": (goal.form, goal.amount),
            "strict": goal.strict,
        },
        "trajectory": target.trajectory,
        "milestones": [point(m) for m in target.milestones],
        "limit": ABSENT if target.limit is None else target.limit,
        "tolerance": {"absolute": target.tolerance.absolute, "relative": target.tolerance.relative},
        "area": ABSENT if target.area is None else target.area,  # a GSS code: one spelling (the schema's)
        "areas": _own_areas(target, areas),
        "comparators": _group(target.comparators, areas),
        "benchmark": ABSENT if target.benchmark is None else target.benchmark,  # a code, or group_median
        "measure": {
            "polarity": target.measure.polarity, "unit": target.measure.unit,  # units have one spelling in specs
            "derived": ABSENT if derived is None else derived.kind,
            "of": ABSENT if derived is None else derived.of,
            "among": ABSENT if derived is None else _group(derived.among, areas),
        },
    }


def _group(name: str | None, areas: Areas | None) -> Any:
    """A group as the areas it holds (in any order), when areas.yaml has it; else its name."""
    if name is None:
        return ABSENT
    if areas is not None and name in areas.groups:
        return frozenset(areas.members(name))
    return ("group", name)


def _own_areas(target: Target, areas: Areas | None) -> Any:
    """`areas:` as the set of areas it names: a group's members, or each entry's code."""
    if target.areas_group is not None:
        return _group(target.areas_group, areas)
    if not target.areas:
        return ABSENT
    return frozenset(_area(text, areas) for text in target.areas)


def _area(text: str, areas: Areas | None) -> str:
    """An area named by code or name: its code where areas.yaml knows it; else as any areas.yaml
    would match it (a code in capitals, a name without case or repeated spaces), so `portsmouth`
    is still `Portsmouth` but not E06000044."""
    code = areas.code(text) if areas is not None else None
    if code is not None:
        return code
    upper = text.strip().upper()
    return upper if is_gss_code(upper) else "name:" + name_key(text)


def is_goalpost(path: FieldPath) -> bool:
    return bool(path) and (path[0] in GOALPOSTS or (path[0] == "measure" and path[1:2] != () and path[1] in GOALPOST_MEASURE))


def _model_path(path: FieldPath) -> FieldPath:
    """Where a raw field lands in _goalposts: `target.value` and `target.change` are both the target's
    form; each entry of an `areas` list is part of the set of areas."""
    if len(path) >= 2 and path[0] == "target" and path[1] in TARGET_FORMS:
        return ("target", "form")
    if path[0] == "areas":
        return ("areas",)
    return path[:3]


def _lookup(tree: Any, path: FieldPath) -> Any:
    for part in path:
        if isinstance(tree, Mapping) and isinstance(part, str) and part in tree:
            tree = tree[part]
        elif isinstance(tree, list) and isinstance(part, int) and part < len(tree):
            tree = tree[part]
        else:
            return ABSENT
    return tree


def _meaning_changed(path: FieldPath, old: SpecVersion, new: SpecVersion) -> bool:
    """Does this goalpost field mean something else now? Without both models, any written change counts."""
    if old.target is None or new.target is None:
        return True
    where = _model_path(path)
    return _lookup(_goalposts(old.target, old.areas), where) != _lookup(_goalposts(new.target, new.areas), where)


def first_new_revision(old: Any, new: Any) -> int | None:
    """1-based position of the first `revisions` entry added since the base, when every base entry is
    kept. A copy of an entry already there is not a new one."""
    old_entries = old if isinstance(old, list) else []
    new_entries = new if isinstance(new, list) else []
    unmatched = list(range(len(new_entries)))
    for entry in old_entries:
        match = next((i for i in unmatched if _same(new_entries[i], entry)), None)
        if match is None:
            return None  # a base entry was edited or deleted: the record is not kept
        unmatched.remove(match)
    fresh = [i for i in unmatched if not any(_same(new_entries[i], entry) for entry in old_entries)]
    return fresh[0] + 1 if fresh else None


def _revisions_rewritten(old: Any, new: Any) -> bool:
    old_entries = old if isinstance(old, list) else []
    new_entries = list(new) if isinstance(new, list) else []
    for entry in old_entries:
        match = next((i for i, e in enumerate(new_entries) if _same(e, entry)), None)
        if match is None:
            return True
        new_entries.pop(match)
    return False


# --- the comparison -------------------------------------------------------------------------------

def _by_id(versions: Sequence[SpecVersion], side: str) -> tuple[dict[str, SpecVersion], list[Problem]]:
    """Index by id; a second spec with the same id is reported and left out (the first is compared)."""
    found: dict[str, SpecVersion] = {}
    problems: list[Problem] = []
    for version in versions:
        if version.id in found:
            first = found[version.id]
            problems.append(Problem(version.file, None, None, "warning", "unique-id",
                                    f"{side}: the id `{version.id}` is also used by {first.file}: only that one is compared"))
            continue
        found[version.id] = version
    return found, problems


def _field_change(path: FieldPath, old_value: Any, new_value: Any, old: SpecVersion, new: SpecVersion,
                  guarded: bool, revision: int | None, rewritten: bool, base: str) -> FieldChange:
    kind: ChangeKind = "added" if old_value is ABSENT else "removed" if new_value is ABSENT else "changed"
    name = field_name(path)
    # A list entry removed is named by its place at the base: its line is the list's, not that of
    # whatever entry holds its place now.
    mark = new.where(path[:-1] if kind == "removed" and path and isinstance(path[-1], int) else path)
    line, column = (mark.line, mark.column) if mark else (None, None)
    what = f"{new.id}: {name}"
    if kind == "added":
        said = f"{name} added: {shown(new_value)}"
    elif kind == "removed":
        said = f"{name} removed (was {shown(old_value)})"
    else:
        said = f"{name} changed from {shown(old_value)} to {shown(new_value)}"
    goalpost = is_goalpost(path)
    if goalpost and not _meaning_changed(path, old, new):
        return FieldChange(path, kind, old_value, new_value, False, "notice",
                           f"{what}: {shown(old_value)} -> {shown(new_value)} (the same, written differently)", line, column)
    if goalpost and guarded:
        if revision is not None:
            return FieldChange(path, kind, old_value, new_value, True, "notice",
                               f"{new.id}: {said}, recorded in revisions[{revision}]", line, column)
        return FieldChange(path, kind, old_value, new_value, True, "error",
                           f"{new.id}: {said} on a target that was active at {base} without a new entry in "
                           f"`revisions`: {REVISIONS_HINT}", line, column)
    why_unguarded = _unguarding(old, new)
    if path == ("status",) and why_unguarded:
        # Demoted to draft, back from retirement, or active again after a spell as a draft: the
        # goalposts could move (or have moved) with nothing to stop them, so the status change
        # itself needs a revisions entry.
        if revision is not None:
            return FieldChange(path, kind, old_value, new_value, True, "notice",
                               f"{new.id}: status {old.status} -> {new.status}, recorded in revisions[{revision}]",
                               line, column)
        return FieldChange(path, kind, old_value, new_value, True, "error",
                           f"{new.id}: status changed from {old.status} to {new.status} without a new entry in "
                           f"`revisions`: {why_unguarded}, so {REVISIONS_HINT}", line, column)
    if path == ("status",) and guarded and new.status != GUARDED_STATUS:
        return FieldChange(path, kind, old_value, new_value, False, "notice",
                           f"{what}: {shown(old_value)} -> {shown(new_value)} (its goalposts are still guarded "
                           f"in this change: it was active at {base})", line, column)
    if path[0] == "revisions" and guarded and rewritten:
        # An error, not a warning: an entry deleted now could be pasted back later to "record" a move.
        return FieldChange(path, kind, old_value, new_value, True, "error",
                           f"{new.id}: {said}: `revisions` is the record of approved changes; keep the entries "
                           "already there and add a new one instead", line, column)
    return FieldChange(path, kind, old_value, new_value, goalpost, "notice",
                       f"{what}: {shown(old_value)} -> {shown(new_value)}", line, column)


def _group_change(path: FieldPath, old_areas: list[str], new_areas: list[str], said: str, new: SpecVersion,
                  guarded: bool, revision: int | None, base: str) -> FieldChange:
    """A field that stands for other areas because areas.yaml changed: a goalpost of an active target."""
    mark = new.where(path)
    line, column = (mark.line, mark.column) if mark else (None, None)
    what = f"{new.id}: {field_name(path)}: {said}"
    if not guarded:
        return FieldChange(path, "changed", old_areas, new_areas, True, "notice", what, line, column, VIA_AREAS)
    if revision is not None:
        return FieldChange(path, "changed", old_areas, new_areas, True, "notice",
                           f"{what}, recorded in revisions[{revision}]", line, column, VIA_AREAS)
    return FieldChange(path, "changed", old_areas, new_areas, True, "error",
                       f"{what}, which changes the areas this {_AREA_FIELDS[path][0]}, active at {base}, "
                       f"{_AREA_FIELDS[path][1]}, "
                       f"without a new entry in `revisions`: {REVISIONS_HINT}", line, column, VIA_AREAS)


def _unguarding(old: SpecVersion, new: SpecVersion) -> str:
    """Why a status change needs a revisions entry ('' when it does not): it would let goalposts
    move unguarded later, or they may have moved while unguarded."""
    if old.status == GUARDED_STATUS and new.status == "draft":
        return "as a draft its goalposts could be changed freely later"
    if old.status == "retired" and new.status != "retired":
        return "its goalposts were unguarded while it was retired"
    if old.status == "draft" and new.status == GUARDED_STATUS and old.data.get("revisions"):
        # It has been in force before (it has revisions): a first activation has none, so this is
        # no alarm for a draft being finished.
        return "it has been in force before (it has revisions) and its goalposts were unguarded as a draft"
    return ""


# The fields that name areas through areas.yaml (a group, or a list of codes and names), and what
# the areas are to the target: whose readings it judges, or those it is compared with or ranked among.
_AREA_FIELDS: dict[FieldPath, tuple[str, str]] = {
    ("areas",): ("target", "is judged for"),
    ("comparators",): ("target", "is compared with"),
    ("measure", "among"): ("rank", "is worked out among"),
}


def _named_areas(version: SpecVersion, where: FieldPath) -> tuple[str, ...] | None:
    """The areas a field stands for by that side's areas.yaml (a group's members, a list's codes),
    in its order; None when that cannot be told (no valid areas.yaml, a group it does not have)."""
    areas = version.areas
    if areas is None:
        return None
    written = _lookup(version.data, where)
    if isinstance(written, str):
        return tuple(areas.members(written)) if written in areas.groups else None
    if isinstance(written, list) and all(isinstance(x, str) for x in written):
        codes = [areas.code(x) for x in written]
        return tuple(dict.fromkeys(codes)) if all(c is not None for c in codes) else None  # type: ignore[arg-type]
    return None


def _through_areas(old: SpecVersion, new: SpecVersion, raw: Sequence[tuple[FieldPath, Any, Any]]) -> Iterator[
        tuple[FieldPath, list[str], list[str], str]]:
    """Fields written the same in both specs that stand for other areas now, because areas.yaml
    changed (a group's members, or which area a name is): (field, the areas before, after, what
    changed in words). A field the spec itself changed is raw_changes' to judge. Read from the raw
    specs, so a spec not valid at the base is looked at too."""
    touched = {path[:len(where)] for path, _, _ in raw for where in _AREA_FIELDS}
    for where in _AREA_FIELDS:
        if where in touched or _lookup(new.data, where) is ABSENT:
            continue
        before, after = _named_areas(old, where), _named_areas(new, where)
        if before is None or after is None or set(before) == set(after):  # (the order does not count)
            continue
        joined = [c for c in after if c not in before]
        left = [c for c in before if c not in after]
        said = "; ".join(part for part in (
            f"{_names(joined, new.areas)} joined" if joined else "",  # type: ignore[arg-type]
            f"{_names(left, old.areas)} left" if left else "") if part)  # type: ignore[arg-type]
        written = _lookup(new.data, where)
        what = f"the group `{written}`" if isinstance(written, str) else "the areas it names"
        yield where, list(before), list(after), f"{what} changed in areas.yaml ({said})"


def _names(codes: Sequence[str], areas: Areas) -> str:
    return ", ".join(f"{areas.names.get(c, c)} ({c})" for c in codes)


def _changed(old: SpecVersion, new: SpecVersion, base: str) -> TargetDiff | None:
    raw = list(raw_changes(old.data, new.data))
    regrouped = list(_through_areas(old, new, raw))
    if not raw and not regrouped and old.file == new.file:
        return None
    guarded = old.status == GUARDED_STATUS
    revision = first_new_revision(old.data.get("revisions"), new.data.get("revisions"))
    rewritten = _revisions_rewritten(old.data.get("revisions"), new.data.get("revisions"))
    changes = [_field_change(path, a, b, old, new, guarded, revision, rewritten, base) for path, a, b in raw]
    for path, a, b, said in regrouped:  # in the spec's order, at the line naming the areas
        change = _group_change(path, a, b, said, new, guarded, revision, base)
        at = next((i for i, c in enumerate(changes) if c.line is not None and change.line is not None
                   and c.line > change.line), len(changes))
        changes.insert(at, change)
    moved = [c for c in changes if c.severity == "error"]
    mark = new.where(("id",))
    if moved:
        fields = ", ".join(dict.fromkeys(c.field for c in moved))
        severity: Severity = "error"
        message = (f"{new.id}: goalposts moved ({fields}) on a target that was {old.status} at {base}, "
                   f"without a new entry in `revisions`: {REVISIONS_HINT}")
    else:
        severity = "warning" if any(c.severity == "warning" for c in changes) else "notice"
        count = len(raw)
        parts = [f"{count} field{'s' if count != 1 else ''} changed"] if count else []
        parts += [said for _, _, _, said in regrouped]
        if old.file != new.file:
            parts.append(f"moved from {old.file}")
        message = f"{new.id}: " + ", ".join(parts)
    return TargetDiff(new.id, "changed", old.file, new.file, old.status, new.status, guarded, revision,
                      severity, message, tuple(changes), mark.line if mark else None)


def _added(new: SpecVersion, used_in: str | None) -> TargetDiff:
    mark = new.where(("id",))
    line = mark.line if mark else None
    if used_in is not None and not new.data.get("revisions"):
        # Retire, remove, add back with new goalposts: three quiet changes, unless an old id
        # brought back must carry its record.
        return TargetDiff(new.id, "added", None, new.file, None, new.status, True, None, "error",
                          f"{new.id}: added, but a target with this id was here before (last in commit "
                          f"{used_in.partition(':')[0]}: `git show {used_in}`): "
                          f"bringing it back needs its `revisions` record, with a new entry saying why it returns "
                          "and what changed; or give the new target a new id", (), line)
    return TargetDiff(new.id, "added", None, new.file, None, new.status, False, None, "notice",
                      f"{new.id}: added ({new.status})", (), line)


def _removed(old: SpecVersion, base: str) -> TargetDiff:
    if old.status == GUARDED_STATUS:
        message = (f"{old.id}: removed, but it was active at {base}: mark it `status: retired` first, in a change "
                   "of its own, and remove it later; if only its id changed, keep the old id (ids are how "
                   "targets are matched over time)")
        return TargetDiff(old.id, "removed", old.file, None, old.status, None, True, None, "error", message)
    return TargetDiff(old.id, "removed", old.file, None, old.status, None, False, None, "notice",
                      f"{old.id}: removed (it was {old.status} at {base})")


def compare(old: Sequence[SpecVersion], new: Sequence[SpecVersion], *, base: str = "the base",
            base_commit: str | None = None, problems: Sequence[Problem] = (),
            used_before: Mapping[str, str] | None = None) -> DiffResult:
    """The targets added, removed and changed from `old` (the specs at the base) to `new` (the working tree).

    `problems` are those met reading the base specs; they are carried into the result.
    `used_before` maps ids that are new since the base but were used earlier in its history to
    where they last were, as `git show` takes it (`abc1234:targets/x.yaml`; the shell asks git).
    """
    old_by_id, old_problems = _by_id(old, f"at {base}")
    new_by_id, new_problems = _by_id(new, "in the working tree")
    found: list[TargetDiff] = []
    unchanged = 0
    for target_id, version in new_by_id.items():
        before = old_by_id.get(target_id)
        if before is None:
            found.append(_added(version, (used_before or {}).get(target_id)))
            continue
        diff = _changed(before, version, base)
        if diff is None:
            unchanged += 1
        else:
            found.append(diff)
    # Removed targets after the others, in the base's file order.
    found.extend(_removed(version, base) for target_id, version in old_by_id.items() if target_id not in new_by_id)
    return DiffResult(base, tuple(found), unchanged, tuple(problems) + tuple(old_problems) + tuple(new_problems), base_commit)
