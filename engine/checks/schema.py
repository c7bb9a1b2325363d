"""The JSON Schema (the one source of truth for spec structure) and plain-English messages for its errors."""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path as FsPath
from typing import Any

from engine.checks.rules import Finding, Path
from engine.model.safetext import has_unsafe, visible
from engine.model.units import unknown_unit_message

_ENGINE = FsPath(__file__).resolve().parent.parent
_SOURCE_SCHEMA = _ENGINE.parent / "schema" / "target.schema.json"
_PACKAGED_SCHEMA = _ENGINE / "_schema" / "target.schema.json"

# Words people use for an allowed value that spelling alone would not suggest (`yearly` is
# nearer `quarterly` than `annual` letter by letter).
SYNONYMS = {"yearly": "annual", "annually": "annual", "year": "annual", "quarter": "quarterly",
            "month": "monthly", "lower": "lower_is_better", "higher": "higher_is_better",
            "lower is better": "lower_is_better", "higher is better": "higher_is_better"}


def schema_path() -> FsPath:
    # A source checkout or editable install reads schema/ itself; a wheel carries a copy.
    return _SOURCE_SCHEMA if _SOURCE_SCHEMA.exists() else _PACKAGED_SCHEMA


def schema_text() -> str:
    return schema_path().read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads(schema_text())


def ecma_regex(pattern: str) -> str:
    r"""A JSON Schema `pattern` (an ECMA-262 regex) as a Python regex that matches the same strings.

    Without the m flag, ECMA's `$` matches only at the very end of the text, while Python's also
    matches before a final line break: `^[a-z]+$` would accept "evil\n". So every `$` that is an
    anchor (not escaped, not inside [...]) becomes `\Z`. (The schema's patterns use explicit
    classes such as [0-9], not \d or \w, which are Unicode-wide in Python and ASCII in ECMA.)
    """
    out: list[str] = []
    escaped = in_class = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            out.append(r"\Z")
            continue
        out.append(char)
    return "".join(out)


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    # Compiled once per pattern: validate runs as a pre-commit hook and checks every spec.
    return re.compile(ecma_regex(pattern))


@lru_cache(maxsize=1)
def _validator():
    # jsonschema is imported here, not at module level: `targets --help` should not pay for it.
    from jsonschema import Draft202012Validator, ValidationError, validators

    def pattern(validator: Any, regex: str, instance: Any, subschema: Any) -> Iterator[Any]:
        # jsonschema's own `pattern` uses re.search with the ECMA text as is (see ecma_regex).
        # `propertyNames` checks keys through this keyword too.
        if validator.is_type(instance, "string") and not _compiled(regex).search(instance):
            yield ValidationError(f"{instance!r} does not match {regex!r}")

    ecma = validators.extend(Draft202012Validator, {"pattern": pattern})
    return ecma(schema())


def field_name(path: Path) -> str:
    """`baseline.value`, `milestones[2].period`: how a field is named in messages."""
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the file"


def _where(path: Path) -> str:
    return f" in `{field_name(path)}`" if path else " at the top level"


def _shown(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    return f"`{visible(text[:60])}`" + ("..." if len(text) > 60 else "")


_TYPE_WORDS = {
    "number": "a number",
    "integer": "a whole number",
    "string": "text",
    "boolean": "true or false",
    "object": "a mapping of keys (such as `period:` and `value:`)",
    "array": "a list (one `- item` per line, or [a, b])",
}


@lru_cache(maxsize=1)
def _fast_valid():
    # The schema compiled to plain Python that tells valid data from invalid: most specs are
    # valid, and for them jsonschema (and its import) is not needed at all. None if the schema
    # uses a keyword it does not know, and then every spec goes to jsonschema.
    from engine.checks.fastschema import compile_schema

    return compile_schema(schema(), lambda pattern: _compiled(pattern).search)


def check_schema(data: Any, stem: str = "") -> Iterator[Finding]:
    """Schema errors translated for policy staff: what is wrong, where, and how to fix it.

    stem: the spec's file name without its ending (an id must equal it), for the fix of a bad id.
    """
    fast = _fast_valid()
    if fast is not None and fast(data):
        return
    seen: set[tuple[Path, str]] = set()
    errors = sorted(_validator().iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    for error in errors:
        for finding in _translate(error, stem):
            signature = (finding.path, finding.message)
            if signature not in seen:
                seen.add(signature)
                yield finding


def _translate(error: Any, stem: str = "") -> Iterator[Finding]:
    path: Path = tuple(error.absolute_path)
    kind = error.validator
    instance = error.instance
    name = field_name(path)
    if kind == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        split = _split_numbers(instance, allowed, path)
        for key in instance:
            if key in allowed:
                continue
            if key in split:  # the rest of a number a comma cut off: said once, at the number
                if split[key] is not None:
                    yield split[key]
                continue
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            hint = f"did you mean `{close[0]}`?" if close else f"allowed keys are {', '.join(allowed)}"
            yield Finding(path + (key,), f"unknown key `{visible(str(key))}`{_where(path)}: {hint}", at_key=True)
    elif kind == "required":
        for key in error.validator_value:
            if key not in instance:
                yield Finding(path, f"`{key}` is missing{_where(path)}: add `{key}:`{_required_hint(key)}", at_key=bool(path))
    elif kind == "type":
        expected = error.validator_value
        expected_list = expected if isinstance(expected, list) else [expected]
        words = " or ".join(_mapping_words(error.schema) if t == "object" else _TYPE_WORDS.get(t, t)
                            for t in expected_list)
        hint = ""
        if "number" in expected_list and isinstance(instance, str):
            hint = _number_hint(instance)
        if "boolean" in expected_list and isinstance(instance, str):
            hint = _boolean_hint(instance, path)
        if expected_list == ["object"]:
            hint = _mapping_hint(instance, path, error.schema)
        if expected_list == ["string", "integer"]:
            words = "a period such as 2014/15"
        yield Finding(path, f"`{name}` must be {words}, not {_shown(instance)}{hint}")
    elif kind in ("pattern", "enum") and isinstance(instance, str) and has_unsafe(instance):
        # "percent\n" (a quoted \n, or a `|` block's final line break) reads as percent but is not it.
        cleaned = "".join(c for c in instance if not has_unsafe(c)).strip()
        fits = cleaned in error.validator_value if kind == "enum" else bool(_compiled(error.validator_value).search(cleaned))
        key = path[-1] if path and isinstance(path[-1], str) else None
        fix = (f"write `{key}: {cleaned}`" if key else f"write `{cleaned}`") if cleaned and fits else "remove it"
        yield Finding(path, f"`{name}` must not contain a line break or other control character, and "
                            f"{_shown(instance)} has one: {fix}")
    elif kind == "enum":
        options = [str(o) for o in error.validator_value]
        said = SYNONYMS.get(str(instance).strip().lower())
        close = [said] if said in options else difflib.get_close_matches(str(instance), options, n=1, cutoff=0.5)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        yield Finding(path, f"`{name}` must be one of {', '.join(options)}, not {_shown(instance)}{hint}")
    elif kind == "pattern" and path and path[-1] == "unit":
        yield Finding(path, unknown_unit_message(str(instance)))
    elif kind == "pattern" and path in _AREA_FIELDS:
        yield Finding(path, _area_field_message(path, str(instance)))
    elif kind == "uniqueItems" and isinstance(instance, list):
        first, again = _repeated(instance)
        yield Finding(path + (again,), f"`{name}` lists {_shown(instance[again])} twice (items {first + 1} and {again + 1}): "
                                       "list each once")
    elif kind == "minItems" and path == ("areas",):
        yield Finding(path, "`areas` is an empty list: name a group of areas.yaml (`areas: msg-southampton`), or list "
                            "the areas by code or name (`areas: [E06000045, Portsmouth]`)")
    elif kind == "pattern" and path == ("id",):
        yield Finding(path, f"`id` must be lower-case letters, digits and hyphens, not {_shown(instance)}"
                            + _id_fix(suggest_id(str(instance)), stem))
    elif kind in ("minimum", "exclusiveMinimum"):
        relation = "at least" if kind == "minimum" else "more than"
        yield Finding(path, f"`{name}` must be {relation} {error.validator_value}, not {_shown(instance)}")
    elif kind == "const":
        said = _boolean_hint(instance, path) if isinstance(error.validator_value, bool) else ""
        yield Finding(path, f"`{name}` can only be {_shown(error.validator_value)}"
                            + (said or ": to leave it out, delete the line"))
    elif kind == "minLength":
        yield Finding(path, f"`{name}` must not be empty")
    elif kind == "maxLength":
        yield Finding(path, f"`{name}` is too long: keep it under {error.validator_value} characters")
    elif kind == "minProperties":
        yield Finding(path, f"`{name}` is empty: give `absolute` (in the measure's unit) or `relative` (a fraction), or delete it")
    else:
        yield Finding(path, f"`{name}`: {error.message}")


# --- the fixes, for what people write --------------------------------------------------------------

# Fields that name a group or an area of areas.yaml, or another target (issue 12).
_GROUP_FIELDS = {("comparators",), ("measure", "among"), ("areas",)}
_AREA_FIELDS = _GROUP_FIELDS | {("area",), ("benchmark",), ("measure", "of")}


def _area_field_message(path: Path, text: str) -> str:
    """What a group, area or target field takes, and the value to write where one can be made from the text."""
    from engine.checks.areas import GSS_HELP

    name, shown = field_name(path), _shown(text)
    if path in _GROUP_FIELDS:
        code = text.strip().upper()
        if _compiled("^[EKNSW][0-9]{8}$").search(code):
            # An area's code, not a group's name misspelt: `e06000044` would be no group either.
            one = f": for a target of one area write `area: {code}`" if path == ("areas",) else ""
            return (f"`{name}` must be the name of a group in areas.yaml (as `msg-southampton`), not {shown}, "
                    f"which is a GSS code, an area's{one}")
        fix = suggest_id(text)
        fits = fix is not None and len(fix) <= 64 and fix[-1] != "-"
        return (f"`{name}` must be the name of a group in areas.yaml (lower-case letters, digits and hyphens, as "
                f"`msg-southampton`), not {shown}" + (f": did you mean `{fix}`?" if fits and fix != text else ""))
    if path == ("measure", "of"):
        return f"`measure.of` must be the id of another target, not {shown}" + _id_fix(suggest_id(text), "")
    upper = text.strip().upper()
    fix = f": write `{name}: {upper}`" if upper != text and _compiled("^[EKNSW][0-9]{8}$").search(upper) else ""
    if path == ("benchmark",):
        if text.strip().lower().replace(" ", "_").replace("-", "_") == "group_median":
            fix = f": write `benchmark: group_median`"
        return (f"`benchmark` must be an area's GSS code (as E92000001 for England) or `group_median`, not {shown}"
                + (fix or f"; {GSS_HELP}"))
    return f"`{name}` must be a GSS code, not {shown}" + (fix or f"; {GSS_HELP}")


def _repeated(items: list[Any]) -> tuple[int, int]:
    """The first item given again, and where again (as jsonschema's uniqueItems sees it: 1 is 1.0)."""
    from engine.checks.fastschema import json_equal

    for later in range(1, len(items)):
        for earlier in range(later):
            if json_equal(items[earlier], items[later]):
                return earlier, later
    return 0, len(items) - 1  # not reached: jsonschema has found two equal

# What some write for true and false; YAML 1.2 (and so a spec) reads them as text.
_YES = {"yes", "y", "on"}
_NO = {"no", "n", "off"}


def _boolean_hint(instance: Any, path: Path) -> str:
    """`strict: yes`, `maintain: yes`: say that it is text, and what to write."""
    word = instance.strip().lower() if isinstance(instance, str) else None
    meant = "true" if word in _YES else "false" if word in _NO else None
    key = path[-1] if path and isinstance(path[-1], str) else None
    if meant is None:
        return ": write true or false" if isinstance(instance, str) else ""
    written = f"`{key}: {meant}`" if key else f"`{meant}`"
    return f": {_shown(instance)} is text in a spec (only true and false are true and false): write {written}"


# The keys named when a mapping is expected, and what they take, where the schema's names need it.
_KEY_WORDS = {"absolute": "`absolute` (in the measure's unit)",
              "relative": "`relative` (a fraction of the expected value, 0.05 for 5%)"}


def _mapping_words(schema: dict[str, Any]) -> str:
    """'a mapping of keys (such as `period:` and `value:`)', naming the keys of the mapping expected."""
    keys = list(schema.get("required", []))
    keys += [k for k in schema.get("properties", {}) if k not in keys][: max(0, 2 - len(keys))]
    if not keys:
        return _TYPE_WORDS["object"]
    if all(k in _KEY_WORDS for k in keys):
        return "a mapping with " + " or ".join(_KEY_WORDS[k] for k in keys) + (" or both" if len(keys) == 2 else "")
    named = [f"`{k}:`" for k in keys]
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    return f"a mapping of keys (such as {listed})"


def _mapping_hint(instance: Any, path: Path, schema: dict[str, Any]) -> str:
    """How to write a lone number (`tolerance: 1`, `baseline: 48.3`) or nothing as the mapping expected."""
    key = path[-1] if path else None
    lead = f"{key}: " if isinstance(key, str) else "- "
    properties = schema.get("properties", {})
    if instance is None:
        return f": write its keys on the lines below `{key}:`, indented, or on its line as {{...}}" if isinstance(key, str) else ""
    if isinstance(instance, bool) or not isinstance(instance, (int, float)):
        return ""
    if "absolute" in properties:
        return f": write `{lead}{{absolute: {instance}}}`"
    if "value" in properties and "period" in properties:
        return f": write `{lead}{{period: ..., value: {instance}}}` with the period it is for"
    return ""


_THOUSANDS = re.compile(r"[-+]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_GROUP = re.compile(r"[0-9]+(?:\.[0-9]*)?")


def _split_numbers(instance: dict[str, Any], allowed: list[str], path: Path) -> dict[str, Finding | None]:
    """Numbers that a comma split inside {...}: `{period: 2013/14, value: 8,450}` reads as `value: 8`
    and a key `450` with nothing after it. Each such key -> the Finding for its number (at the
    first key after the number; None at the others)."""
    split: dict[str, Finding | None] = {}
    items = list(instance.items())
    at = 0
    while at < len(items):
        key, value = items[at]
        at += 1
        if key not in allowed or isinstance(value, bool) or not isinstance(value, int):
            continue
        parts = []
        while at < len(items) and items[at][1] is None and _GROUP.fullmatch(str(items[at][0])) and items[at][0] not in allowed:
            parts.append(str(items[at][0]))
            at += 1
        if not parts:
            continue
        written = ",".join([str(value), *parts])
        cut = " and ".join(f"`{p}`" for p in parts)
        if _THOUSANDS.fullmatch(written):
            fix = f"write it without commas: `{key}: {written.replace(',', '')}`"
        else:
            fix = f"write it with no comma (a decimal point is `.`), such as `{key}: {value}.{parts[0]}`"
        where = f"`{field_name(path + (key,))}: {written}`"
        split[parts[0]] = Finding(path + (key,), f"{where}: the comma splits the number (inside {{...}} a comma "
                                                f"separates entries, so this reads as `{key}: {value}` and "
                                                f"{'a key' if len(parts) == 1 else 'keys'} {cut}): {fix}")
        for part in parts[1:]:
            split[part] = None
    return split


def suggest_id(text: str) -> str | None:
    """A valid id made from text (an id written otherwise, a file name): lower-case letters and digits,
    the words joined by hyphens, accents dropped, at most the schema's length. None if nothing is left."""
    import unicodedata

    folded = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
    suggestion = "-".join(re.findall("[a-z0-9]+", folded))
    most = schema()["properties"]["id"]["maxLength"]
    if len(suggestion) > most:
        suggestion = suggestion[:most + 1].rsplit("-", 1)[0] if "-" in suggestion[:most + 1] else suggestion[:most]
    return suggestion or None


def is_valid_id(text: str) -> bool:
    """Whether the schema takes this text as an id."""
    rule = schema()["properties"]["id"]
    return len(text) <= rule["maxLength"] and _compiled(rule["pattern"]).search(text) is not None


def _id_fix(suggestion: str | None, stem: str) -> str:
    """The fix of a bad id: a valid one, and the file named to match (a target's id is its file name)."""
    fits_file = bool(stem) and is_valid_id(stem)
    if suggestion is None:
        return f": try `{stem}`, as the file is named" if fits_file else ""
    if not stem or stem == suggestion:
        return f": try `{suggestion}`"
    if fits_file:
        return f": try `{suggestion}` and rename the file to {suggestion}.yaml, or `{stem}` as the file is named"
    return f": try `{suggestion}`, and rename the file to {suggestion}.yaml to match"


_NOT_FINITE_WORDS = {"nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


def _number_hint(text: str) -> str:
    # Only text that would load as a number when unquoted was quoted; `nan`, `1_000` or `0x10`
    # are text even unquoted (YAML 1.2), and Python's float() would wrongly call them numbers.
    from engine.sources.yamlsafe import plain_number

    number = plain_number(text)
    if number is not None and math.isfinite(number):
        return ": it is in quotes, which makes it text; remove the quotes"
    if number is not None or text.strip().lower() in _NOT_FINITE_WORDS:
        return ": NaN and infinity are not values a target can have; write the actual value"
    if _THOUSANDS.fullmatch(text.strip()):
        return f": write it without the commas, `{text.strip().replace(',', '')}`"
    return ": write digits only, without %, commas or units (the unit is set in `measure.unit`)"


def _required_hint(key: str) -> str:
    return {
        "measure": " with `description`, `unit` and `polarity`",
        "period": " with a period such as 2014/15",
        "value": " with a number",
        "polarity": " lower_is_better or higher_is_better",
        "unit": " such as percent, count or per_100k",
    }.get(key, "")
