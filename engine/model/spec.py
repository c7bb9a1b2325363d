"""The spec model: one frozen Target per YAML file, built from checked data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from engine.model.periods import Period, months_between, parse_period

Polarity = Literal["lower_is_better", "higher_is_better"]
TrajectoryKind = Literal["linear", "compound", "step"]
Statistic = Literal["proportion", "rate", "count", "rank", "other"]
TargetForm = Literal["value", "change", "relative_change", "annual_rate", "maintain"]
TARGET_FORMS: tuple[TargetForm, ...] = ("value", "change", "relative_change", "annual_rate", "maintain")


@dataclass(frozen=True)
class Point:
    period: Period
    value: float

    @property
    def date(self) -> date:
        return self.period.end


@dataclass(frozen=True)
class Derived:
    """`measure: {derived: rank, of: <target id>, among: <group>}`: each period's reading is the
    target's area's rank among the group's members by the other target's readings."""

    kind: Literal["rank"]
    of: str  # the target whose readings are ranked
    among: str  # the group (areas.yaml) they are ranked among


@dataclass(frozen=True)
class Measure:
    description: str
    unit: str
    polarity: Polarity
    frequency: str | None = None
    statistic: Statistic = "other"  # what a reading is, for its confidence interval
    range: tuple[float, float] | None = None  # `measure.range`: the values a reading can take
    derived: Derived | None = None  # readings worked out from another target's, not read from files

    @property
    def lower_is_better(self) -> bool:
        return self.polarity == "lower_is_better"


@dataclass(frozen=True)
class Goal:
    """The `target:` block: when, in which form, and the level that form resolves to."""

    period: Period
    form: TargetForm | None  # None: direction-only with a date
    amount: float | None  # the number as written (value, change, rate ...)
    value: float | None  # the level to reach; None when direction-only or no baseline to resolve against
    strict: bool = False


@dataclass(frozen=True)
class Tolerance:
    absolute: float = 0.0
    relative: float = 0.0

    def at(self, expected: float) -> float:
        return self.absolute + self.relative * abs(expected)


@dataclass(frozen=True)
class Revision:
    date: Period
    change: str
    reason: str
    approved_by: str


@dataclass(frozen=True)
class FingertipsSource:
    """Where a target's readings are in a Fingertips export: an indicator and one breakdown of it."""

    indicator: int
    sex: str = "Persons"
    age: str | None = None  # None: the indicator's only age in the file


@dataclass(frozen=True)
class Target:
    id: str
    title: str
    measure: Measure
    status: str = "active"
    baseline: Point | None = None
    goal: Goal | None = None
    trajectory: TrajectoryKind = "linear"
    milestones: tuple[Point, ...] = ()
    limit: float | None = None
    tolerance: Tolerance = field(default_factory=Tolerance)
    significance: float | None = None  # the confidence level (95, 99.8) readings are judged at; None: by value alone
    revisions: tuple[Revision, ...] = ()
    priority: str | None = None
    action: str | None = None
    lead: str | None = None
    partners: tuple[str, ...] = ()
    source: str | None = None
    notes: str | None = None
    file: str = ""
    fingertips: FingertipsSource | None = None
    area: str | None = None  # a GSS code: readings of other areas are not used (unless comparators)
    # `comparators: <group>`: readings of the group's other members are compared with, not judged.
    comparators: str | None = None
    # `benchmark: <area code>` (its readings are the benchmark) or `benchmark: group_median`.
    benchmark: str | None = None
    # `areas: <group>` or a list: one target for each area, judged separately. As written until the
    # checker resolves names and the group to codes (engine/checks/checker.py); empty: one area.
    areas: tuple[str, ...] = ()
    areas_group: str | None = None  # the group `areas:` named, if it named one

    @property
    def has_path(self) -> bool:
        """True when there is a trajectory to measure against (baseline and a target level)."""
        return self.baseline is not None and self.goal is not None and self.goal.value is not None

    @property
    def is_direction_only(self) -> bool:
        return self.baseline is not None and not self.has_path


def resolve_target_value(form: TargetForm | None, amount: float | None, baseline: Point | None, period: Period) -> float | None:
    """The level a target form means, counted from the baseline."""
    if form is None:
        return None
    if form == "value":
        return float(amount)  # type: ignore[arg-type]
    if baseline is None:
        return None
    v0 = baseline.value
    if form == "maintain":
        return v0
    if form == "change":
        return v0 + amount  # type: ignore[operator]
    if form == "relative_change":
        return v0 * (1 + amount)  # type: ignore[operator]
    # annual_rate: compound growth over the months between the two period ends.
    months = months_between(baseline.date, period.end)
    return v0 * (1 + amount) ** (months / 12)  # type: ignore[operator]


def target_form(block: dict[str, Any]) -> TargetForm | None:
    forms = [f for f in TARGET_FORMS if f in block]
    return forms[0] if forms else None


def _point(raw: dict[str, Any]) -> Point:
    return Point(parse_period(raw["period"]), float(raw["value"]))


def build_target(data: dict[str, Any], file: str = "") -> Target:
    """Build the model from data that has passed the schema and the rules."""
    measure_raw = data["measure"]
    measure = Measure(
        description=measure_raw["description"],
        unit=measure_raw["unit"],
        polarity=measure_raw["polarity"],
        frequency=measure_raw.get("frequency"),
        statistic=measure_raw.get("statistic", "other"),
        range=(float(measure_raw["range"][0]), float(measure_raw["range"][1])) if "range" in measure_raw else None,
        derived=Derived(measure_raw["derived"], measure_raw["of"], measure_raw["among"])
        if "derived" in measure_raw else None,
    )
    baseline = _point(data["baseline"]) if "baseline" in data else None
    goal = None
    form = None
    if "target" in data:
        block = data["target"]
        period = parse_period(block["period"])
        form = target_form(block)
        amount = None if form in (None, "maintain") else float(block[form])
        goal = Goal(
            period=period,
            form=form,
            amount=amount,
            value=resolve_target_value(form, amount, baseline, period),
            strict=bool(block.get("strict", False)),
        )
    tolerance_raw = data.get("tolerance", {})
    areas = data.get("areas")
    source = data.get("source")
    fingertips = None
    if isinstance(source, dict):
        fingertips = FingertipsSource(int(source["fingertips"]), source.get("sex", "Persons"), source.get("age"))
        source = source.get("document")
    return Target(
        id=data["id"],
        title=data["title"],
        measure=measure,
        status=data.get("status", "active"),
        baseline=baseline,
        goal=goal,
        trajectory=data.get("trajectory", "compound" if form == "annual_rate" else "linear"),
        milestones=tuple(_point(m) for m in data.get("milestones", [])),
        limit=float(data["limit"]) if "limit" in data else None,
        tolerance=Tolerance(float(tolerance_raw.get("absolute", 0)), float(tolerance_raw.get("relative", 0))),
        significance=float(data["significance"]["confidence"]) if "significance" in data else None,
        revisions=tuple(
            Revision(parse_period(r["date"]), r["change"], r["reason"], r["approved_by"])
            for r in data.get("revisions", [])
        ),
        priority=data.get("priority"),
        action=data.get("action"),
        lead=data.get("lead"),
        partners=tuple(data.get("partners", [])),
        source=source,
        notes=data.get("notes"),
        file=file,
        fingertips=fingertips,
        area=data.get("area"),
        comparators=data.get("comparators"),
        benchmark=data.get("benchmark"),
        areas=tuple(areas) if isinstance(areas, list) else (),
        areas_group=areas if isinstance(areas, str) else None,
    )
