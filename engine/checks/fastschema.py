"""A JSON Schema compiled to one Python function that says whether data is valid, for the common case.

jsonschema checks a spec by walking the schema for every file, building an object per keyword
per node: about half the cost of checking a large tree of specs, most of them valid. This module
turns the schema once into straight-line Python (`isinstance`, set membership, comparisons) that
answers only "valid or not". When it says valid, there is nothing for jsonschema to report; when
it says not, jsonschema runs as before and its errors become the messages. So the messages come
from one place, and this function only has to agree with jsonschema on which data is valid.

It knows the keywords the spec schema uses, with jsonschema's own semantics for Draft 2020-12
(`integer` takes 2015.0, `number` refuses true, `minimum` lets NaN through, `enum` compares
strings as strings, `pattern` is ECMA-anchored as in engine.checks.schema). Given a schema with
any other keyword, `compile_schema` gives None and every check goes to jsonschema: a new keyword
can make checking slower, never wrong. tests/test_fastschema.py holds the two equal on generated
and mutated specs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Keywords that say nothing about validity (jsonschema asserts no `format` unless given a format
# checker, but it is not taken as read here: a schema with it is not compiled).
_ANNOTATIONS = {"$schema", "$id", "$comment", "$defs", "title", "description", "default", "examples",
                "deprecated", "readOnly", "writeOnly"}
_KNOWN = _ANNOTATIONS | {"type", "enum", "const", "properties", "additionalProperties", "required",
                         "minProperties", "maxProperties", "items", "minItems", "maxItems", "uniqueItems", "$ref", "pattern",
                         "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}

# Whether a value is of a JSON Schema type, as jsonschema's Draft 2020-12 type checker decides
# (bool is not a number; a float with no fraction is an integer). Other number types (Decimal,
# Fraction) are not taken as numbers here, so they go to jsonschema: never wrongly valid.
_TYPE_TESTS = {
    "object": "isinstance({v}, dict)",
    "array": "isinstance({v}, list)",
    "string": "isinstance({v}, str)",
    "boolean": "isinstance({v}, bool)",
    "null": "{v} is None",
    "number": "(isinstance({v}, (int, float)) and not isinstance({v}, bool))",
    "integer": "((isinstance({v}, int) and not isinstance({v}, bool)) or (isinstance({v}, float) and {v}.is_integer()))",
}


class Unsupported(Exception):
    """The schema uses something this compiler does not know: leave it all to jsonschema."""


class _Compiler:
    def __init__(self, root: Any, pattern_search: Callable[[str], Callable[[str], Any]]) -> None:
        self.root = root
        self.pattern_search = pattern_search
        self.constants: dict[str, Any] = {}
        self.functions: dict[str, str] = {}  # $ref -> the name of its function
        self.pending: list[tuple[str, Any]] = []
        self.names = 0

    def name(self, prefix: str) -> str:
        self.names += 1
        return f"{prefix}{self.names}"

    def constant(self, value: Any, prefix: str = "K") -> str:
        name = self.name(prefix)
        self.constants[name] = value
        return name

    def ref(self, ref: str) -> str:
        if ref not in self.functions:
            if not ref.startswith("#"):
                raise Unsupported(f"$ref {ref!r}: only references inside the schema")
            node = self.root
            for part in ref[1:].split("/")[1:] if ref != "#" else []:
                part = part.replace("~1", "/").replace("~0", "~")
                if isinstance(node, dict) and part in node:
                    node = node[part]
                elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                    node = node[int(part)]
                else:
                    raise Unsupported(f"$ref {ref!r} does not resolve")
            self.functions[ref] = self.name("ref")
            self.pending.append((self.functions[ref], node))
        return self.functions[ref]

    def node(self, schema: Any, v: str, lines: list[str], indent: str) -> None:
        """Lines that `return False` when the value in variable `v` is not valid against `schema`."""
        if schema is True or schema == {}:
            return
        if schema is False:
            lines.append(f"{indent}return False")
            return
        if not isinstance(schema, dict):
            raise Unsupported(f"a schema must be a mapping or a boolean, not {schema!r}")
        unknown = set(schema) - _KNOWN
        if unknown:
            raise Unsupported(f"keywords {sorted(unknown)}")
        if "$id" in schema and schema is not self.root:
            raise Unsupported("$id below the root")
        types = schema.get("type")
        if types is not None:
            types = [types] if isinstance(types, str) else types
            if not isinstance(types, list) or not types or any(t not in _TYPE_TESTS for t in types):
                raise Unsupported(f"type {schema['type']!r}")
            test = " or ".join(_TYPE_TESTS[t].format(v=v) for t in types)
            lines.append(f"{indent}if not ({test}):")
            lines.append(f"{indent}    return False")
        only = types[0] if types is not None and len(types) == 1 else None
        if "enum" in schema:
            self.enum(schema["enum"], v, lines, indent)
        if "const" in schema:
            self.enum([schema["const"]], v, lines, indent)
        if "$ref" in schema:
            lines.append(f"{indent}if not {self.ref(schema['$ref'])}({v}):")
            lines.append(f"{indent}    return False")
        self.strings(schema, v, lines, indent, only)
        self.numbers(schema, v, lines, indent, only)
        self.objects(schema, v, lines, indent, only)
        self.arrays(schema, v, lines, indent, only)

    def guard(self, kind: str, only: str | None, v: str, lines: list[str], indent: str) -> str:
        """Keywords of one type apply only to values of that type: an `if` unless the type is already known."""
        if only == kind or (kind == "number" and only == "integer"):
            return indent
        lines.append(f"{indent}if {_TYPE_TESTS[kind].format(v=v)}:")
        return indent + "    "

    def enum(self, values: Any, v: str, lines: list[str], indent: str) -> None:
        # jsonschema's `equal`: a string equals only an equal string; true, false and null only
        # themselves (1 is not true). Other values (numbers, lists) are not compiled.
        if not isinstance(values, list) or not values:
            raise Unsupported("enum must be a non-empty list")
        strings = [x for x in values if isinstance(x, str)]
        singletons = [x for x in values if x is None or isinstance(x, bool)]
        # Numbers equal numbers of the same value (95 is 95.0), never true or false.
        numbers = [x for x in values if isinstance(x, (int, float)) and not isinstance(x, bool) and x == x]
        if len(strings) + len(singletons) + len(numbers) != len(values):
            raise Unsupported(f"enum or const of {values!r}")
        tests = []
        if strings:
            tests.append(f"(isinstance({v}, str) and {v} in {self.constant(frozenset(strings))})")
        if numbers:
            tests.append(f"(isinstance({v}, (int, float)) and not isinstance({v}, bool) "
                         f"and {v} in {self.constant(frozenset(numbers))})")
        tests += [f"{v} is {x!r}" for x in dict.fromkeys(singletons)]
        lines.append(f"{indent}if not ({' or '.join(tests)}):")
        lines.append(f"{indent}    return False")

    def strings(self, schema: dict[str, Any], v: str, lines: list[str], indent: str, only: str | None) -> None:
        words = [k for k in ("pattern", "minLength", "maxLength") if k in schema]
        if not words:
            return
        inner = self.guard("string", only, v, lines, indent)
        self.length(schema, "minLength", "maxLength", v, lines, inner)
        if "pattern" in schema:
            if not isinstance(schema["pattern"], str):
                raise Unsupported("pattern must be text")
            search = self.constant(self.pattern_search(schema["pattern"]), "P")
            lines.append(f"{inner}if {search}({v}) is None:")
            lines.append(f"{inner}    return False")

    def length(self, schema: dict[str, Any], least: str, most: str, v: str, lines: list[str], inner: str) -> None:
        """The bounds on len(v) that these two keywords set (minLength/maxLength, minProperties/...)."""
        for word, failing in ((least, "<"), (most, ">")):
            if word in schema:
                lines.append(f"{inner}if len({v}) {failing} {self.integer(schema[word])}:")
                lines.append(f"{inner}    return False")

    def numbers(self, schema: dict[str, Any], v: str, lines: list[str], indent: str, only: str | None) -> None:
        # The comparisons jsonschema makes, so that NaN passes them as it does there.
        failing = {"minimum": "<", "maximum": ">", "exclusiveMinimum": "<=", "exclusiveMaximum": ">="}
        words = [k for k in failing if k in schema]
        if not words:
            return
        inner = self.guard("number", only, v, lines, indent)
        for word in words:
            bound = schema[word]
            if isinstance(bound, bool) or not isinstance(bound, (int, float)):
                raise Unsupported(f"{word} must be a number")
            lines.append(f"{inner}if {v} {failing[word]} {bound!r}:")
            lines.append(f"{inner}    return False")

    def objects(self, schema: dict[str, Any], v: str, lines: list[str], indent: str, only: str | None) -> None:
        words = [k for k in ("properties", "additionalProperties", "required", "minProperties", "maxProperties")
                 if k in schema]
        if not words:
            return
        inner = self.guard("object", only, v, lines, indent)
        properties = schema.get("properties", {})
        if not isinstance(properties, dict):
            raise Unsupported("properties must be a mapping")
        extra = schema.get("additionalProperties", True)
        if extra is False:
            allowed = self.constant(frozenset(properties))
            lines.append(f"{inner}for key in {v}:")
            lines.append(f"{inner}    if key not in {allowed}:")
            lines.append(f"{inner}        return False")
        elif extra is not True and extra != {}:
            raise Unsupported("additionalProperties other than true or false")
        required = schema.get("required", [])
        if not isinstance(required, list) or not all(isinstance(k, str) for k in required):
            raise Unsupported("required must be a list of names")
        for key in required:
            lines.append(f"{inner}if {key!r} not in {v}:")
            lines.append(f"{inner}    return False")
        self.length(schema, "minProperties", "maxProperties", v, lines, inner)
        for key, subschema in properties.items():
            if subschema is True or subschema == {}:
                continue
            child = self.name("v")
            lines.append(f"{inner}{child} = {v}.get({key!r}, MISSING)")
            lines.append(f"{inner}if {child} is not MISSING:")
            before = len(lines)
            self.node(subschema, child, lines, inner + "    ")
            if len(lines) == before:
                lines.append(f"{inner}    pass")

    def arrays(self, schema: dict[str, Any], v: str, lines: list[str], indent: str, only: str | None) -> None:
        if "minItems" in schema or "maxItems" in schema:
            self.length(schema, "minItems", "maxItems", v, lines, self.guard("array", only, v, lines, indent))
        if "uniqueItems" in schema:
            if not isinstance(schema["uniqueItems"], bool):
                raise Unsupported("uniqueItems must be true or false")
            if schema["uniqueItems"]:
                inner = self.guard("array", only, v, lines, indent)
                lines.append(f"{inner}if not UNIQUE({v}):")
                lines.append(f"{inner}    return False")
        if "items" not in schema or schema["items"] is True or schema["items"] == {}:
            return
        inner = self.guard("array", only, v, lines, indent)
        child = self.name("v")
        lines.append(f"{inner}for {child} in {v}:")
        before = len(lines)
        self.node(schema["items"], child, lines, inner + "    ")
        if len(lines) == before:
            lines.append(f"{inner}    pass")

    @staticmethod
    def integer(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise Unsupported(f"{value!r} is not a count")
        return value

    def compile(self) -> tuple[str, dict[str, Any]]:
        body: list[str] = []
        self.node(self.root, "data", body, "    ")
        source = ["def valid(data):", *body, "    return True", ""]
        done: set[str] = set()
        while self.pending:
            name, node = self.pending.pop()
            if name in done:
                continue
            done.add(name)
            lines: list[str] = []
            self.node(node, "data", lines, "    ")
            source += [f"def {name}(data):", *lines, "    return True", ""]
        return "\n".join(source), {**self.constants, "MISSING": _MISSING, "UNIQUE": _unique}


def json_equal(one: Any, two: Any) -> bool:
    """Equal as JSON values, as jsonschema's `uniqueItems` compares them: text only to equal text,
    true and false only to themselves (1 is not true), numbers by value (1 is 1.0), lists and
    mappings item by item."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, bool) or isinstance(two, bool):
        return False  # `one is two` has already said whether they are the same true or false
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(json_equal(a, b) for a, b in zip(one, two))
    if isinstance(one, dict) and isinstance(two, dict):
        return len(one) == len(two) and all(key in two and json_equal(value, two[key]) for key, value in one.items())
    return bool(one == two)


def _unique(items: list[Any]) -> bool:
    """No two items equal (`json_equal`). A list of text, the common case, by a set.

    Never more lenient than jsonschema: where jsonschema sorts the items first and compares
    neighbours, a NaN can keep two equal numbers apart (it may call [1, NaN, 1] unique); here
    every pair is compared, so such a list is not valid, and jsonschema then has the last word.
    """
    if all(isinstance(item, str) for item in items):
        return len(set(items)) == len(items)
    return not any(json_equal(items[i], items[j]) for i in range(len(items)) for j in range(i + 1, len(items)))


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()


def compile_schema(schema: Any, pattern_search: Callable[[str], Callable[[str], Any]]) -> Callable[[Any], bool] | None:
    """valid(data) -> True only where jsonschema (Draft 2020-12) finds no error; None for a schema it cannot compile.

    pattern_search(pattern) gives the search function the validator uses for that `pattern`
    (engine.checks.schema passes its ECMA-anchored one).
    """
    try:
        source, names = _Compiler(schema, pattern_search).compile()
    except (Unsupported, RecursionError):
        return None
    namespace: dict[str, Any] = dict(names)
    exec(compile(source, "<compiled target schema>", "exec"), namespace)  # noqa: S102 - our own generated code
    valid = namespace["valid"]
    valid.source = source  # type: ignore[attr-defined] - for reading and debugging
    return valid  # type: ignore[no-any-return]
