"""A small JSON Schema instance generator and validator for tool arguments (private).

The emulators answer a forced tool call with arguments that validate against the tool's schema.
Covered: ``type`` (one or a list), ``enum``, ``const``, ``default``, ``examples``, objects
(``properties``, ``required``, ``additionalProperties``, ``minProperties``), arrays (``items``,
``prefixItems``, ``minItems``, ``maxItems``, ``uniqueItems``), strings (``minLength``,
``maxLength``, common ``format`` values), numbers and integers (``minimum``, ``maximum``,
exclusive bounds, ``multipleOf``), booleans, null, ``anyOf``/``oneOf`` (the first branch),
``allOf`` (merged) and local ``$ref`` (``#/$defs/...``, ``#/definitions/...``; a recursive
reference stops at the first level that needs nothing more). ``pattern`` is not generated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["SchemaError", "example_for", "fill_with_text", "schema_errors"]

_MAX_DEPTH = 12
_FORMATS = {
    "date-time": "2025-01-01T00:00:00Z",
    "date": "2025-01-01",
    "time": "00:00:00Z",
    "email": "user@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "hostname": "example.com",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
}
_TYPE_ORDER = ("object", "string", "integer", "number", "boolean", "array", "null")


class SchemaError(ValueError):
    """The schema cannot be satisfied or uses something this generator does not understand."""


def example_for(schema: Any, *, root: Any = None) -> Any:
    """Return a value that validates against ``schema`` (deterministic).

    Args:
        schema: A JSON Schema (a mapping; ``True``/``{}`` accept anything).
        root: The document local ``$ref`` values resolve against (defaults to ``schema``).

    Raises:
        SchemaError: The schema is not a mapping or boolean, a ``$ref`` is not local, or the
            constraints cannot be met (``minimum`` above ``maximum``, ``false``, ...).
    """
    return _Generator(schema if root is None else root).value(schema, "value", 0)


def fill_with_text(schema: Any, text: str) -> dict[str, Any]:
    """Arguments for an object schema that carry ``text``: the first string property (required
    ones first) takes ``text``, every other property a generated value.

    Raises:
        SchemaError: As :func:`example_for`.
    """
    generator = _Generator(schema)
    resolved = generator.resolve(schema, 0)
    value = generator.value(resolved, "value", 0)
    if not isinstance(value, dict):
        return {"value": text}
    properties = resolved.get("properties") if isinstance(resolved, Mapping) else None
    if not isinstance(properties, Mapping):
        return value
    required = [name for name in resolved.get("required", ()) if name in properties]
    ordered = [*required, *(name for name in properties if name not in required)]
    for name in ordered:
        candidate = generator.resolve(properties[name], 1)
        if (
            isinstance(candidate, Mapping)
            and "string" in _types(candidate)
            and not ("enum" in candidate or "const" in candidate)
        ) and not schema_errors(text, candidate, root=schema):
            value[name] = text
            return value
    return value


def schema_errors(instance: Any, schema: Any, *, root: Any = None) -> list[str]:
    """Return why ``instance`` does not validate against ``schema`` (empty when it does), for
    the subset of JSON Schema :func:`example_for` generates."""
    errors: list[str] = []
    _Validator(schema if root is None else root, errors).check(instance, schema, "$", 0)
    return errors


def _types(schema: Mapping[str, Any]) -> list[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return [str(t) for t in declared]
    if "properties" in schema or "required" in schema:
        return ["object"]
    if "items" in schema or "prefixItems" in schema:
        return ["array"]
    return []


def _resolve_ref(root: Any, ref: str) -> Any:
    if not ref.startswith("#"):
        raise SchemaError(f"only local $ref values are supported, not {ref!r}")
    node = root
    for part in [p for p in ref[1:].split("/") if p]:
        key = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, Mapping) or key not in node:
            raise SchemaError(f"$ref {ref!r} does not resolve")
        node = node[key]
    return node


class _Generator:
    def __init__(self, root: Any) -> None:
        self.root = root

    def resolve(self, schema: Any, depth: int) -> Any:
        while isinstance(schema, Mapping) and "$ref" in schema:
            if depth > _MAX_DEPTH:
                raise SchemaError("$ref nesting too deep")
            target = _resolve_ref(self.root, str(schema["$ref"]))
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**target, **rest} if isinstance(target, Mapping) and rest else target
            depth += 1
        if isinstance(schema, Mapping) and "allOf" in schema:
            merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
            for part in schema["allOf"]:
                part = self.resolve(part, depth + 1)
                if not isinstance(part, Mapping):
                    continue
                for key, item in part.items():
                    if key == "properties":
                        merged["properties"] = {**merged.get("properties", {}), **item}
                    elif key == "required":
                        merged["required"] = [*merged.get("required", []), *item]
                    else:
                        merged.setdefault(key, item)
            schema = merged
        return schema

    def value(self, schema: Any, name: str, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            raise SchemaError("schema nesting too deep to generate")
        if schema is True:
            return name
        if schema is False:
            raise SchemaError("the schema `false` accepts nothing")
        if not isinstance(schema, Mapping):
            raise SchemaError(f"a schema is a mapping or a boolean, not {type(schema).__name__}")
        schema = self.resolve(schema, depth)
        if "const" in schema:
            return schema["const"]
        if "enum" in schema:
            options = list(schema["enum"])
            if not options:
                raise SchemaError("an empty enum accepts nothing")
            return options[0]
        if "default" in schema and not schema_errors(schema["default"], schema, root=self.root):
            return schema["default"]
        examples = schema.get("examples")
        valid_example = isinstance(examples, list) and examples
        if valid_example and not schema_errors(examples[0], schema, root=self.root):
            return examples[0]
        branches = schema.get("anyOf") or schema.get("oneOf")
        if branches:
            base = {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf")}
            for branch in branches:
                branch = self.resolve(branch, depth + 1)
                if (
                    isinstance(branch, Mapping)
                    and branch.get("type") == "null"
                    and len(branches) > 1
                ):
                    continue
                merged = {**base, **branch} if isinstance(branch, Mapping) else branch
                return self.value(merged, name, depth + 1)
            return None
        types = _types(schema)
        if not types:
            return name if not schema.get("format") else _FORMATS.get(schema["format"], name)
        kind = next((t for t in _TYPE_ORDER if t in types and t != "null"), types[0])
        if kind == "object":
            return self._object(schema, depth)
        if kind == "array":
            return self._array(schema, name, depth)
        if kind == "string":
            return _string(schema, name)
        if kind in ("integer", "number"):
            return _number(schema, integer=kind == "integer")
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        raise SchemaError(f"unknown type {kind!r}")

    def _object(self, schema: Mapping[str, Any], depth: int) -> dict[str, Any]:
        properties = schema.get("properties") or {}
        result: dict[str, Any] = {}
        for prop, sub in properties.items():
            result[prop] = self.value(sub, prop, depth + 1)
        for prop in schema.get("required", ()):
            if prop not in result:
                extra = schema.get("additionalProperties", True)
                result[prop] = self.value(extra if extra is not False else True, prop, depth + 1)
        minimum = int(schema.get("minProperties", 0))
        extra = schema.get("additionalProperties", True)
        index = 0
        while len(result) < minimum:
            if extra is False:
                raise SchemaError("minProperties cannot be met without additional properties")
            key = f"field_{index}"
            index += 1
            if key not in result:
                result[key] = self.value(extra, key, depth + 1)
        return result

    def _array(self, schema: Mapping[str, Any], name: str, depth: int) -> list[Any]:
        prefix = list(schema.get("prefixItems") or [])
        items = schema.get("items", True)
        low = int(schema.get("minItems", 0))
        high = schema.get("maxItems")
        count = max(low, len(prefix), 1)
        if high is not None:
            count = min(count, int(high))
        if count < low:
            raise SchemaError("minItems is above maxItems")
        values: list[Any] = []
        for index in range(count):
            sub = prefix[index] if index < len(prefix) else items
            if sub is False:
                break
            value = self.value(sub, name, depth + 1)
            if schema.get("uniqueItems") and value in values:
                value = _distinct(value, index)
            values.append(value)
        return values


def _distinct(value: Any, index: int) -> Any:
    if isinstance(value, str):
        return f"{value}{index}"
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + index
    raise SchemaError("uniqueItems with several generated items of this type is not supported")


def _string(schema: Mapping[str, Any], name: str) -> str:
    fmt = schema.get("format")
    text = _FORMATS.get(str(fmt), name) if fmt else name
    low = int(schema.get("minLength", 0))
    high = schema.get("maxLength")
    if len(text) < low:
        text = (text + "x" * low)[:low]
    if high is not None and len(text) > int(high):
        text = text[: int(high)]
    if len(text) < low:
        raise SchemaError("minLength is above maxLength")
    return text


def _number(schema: Mapping[str, Any], *, integer: bool) -> int | float:
    low = schema.get("minimum")
    high = schema.get("maximum")
    ex_low = schema.get("exclusiveMinimum")
    ex_high = schema.get("exclusiveMaximum")
    step = schema.get("multipleOf")
    lower = -math.inf
    upper = math.inf
    if low is not None:
        lower = float(low)
    if isinstance(ex_low, int | float) and not isinstance(ex_low, bool):
        lower = max(lower, float(ex_low) + (1 if integer and not step else 1e-9))
    if high is not None:
        upper = float(high)
    if isinstance(ex_high, int | float) and not isinstance(ex_high, bool):
        upper = min(upper, float(ex_high) - (1 if integer and not step else 1e-9))
    start = 1.0 if lower <= 1 <= upper else (lower if lower > -math.inf else upper)
    if step:
        start = math.ceil(start / float(step)) * float(step)
        if integer and not float(start).is_integer():
            raise SchemaError("no integer is a multiple of a fractional multipleOf here")
    elif integer:
        start = math.ceil(start)
    if start > upper or start < lower:
        raise SchemaError("no number satisfies the schema's bounds")
    if integer or start == int(start):
        return int(start)
    return start


class _Validator:
    def __init__(self, root: Any, errors: list[str]) -> None:
        self.root = root
        self.errors = errors

    def check(self, value: Any, schema: Any, where: str, depth: int) -> None:
        if schema is True or depth > _MAX_DEPTH * 2:
            return
        if schema is False:
            self.errors.append(f"{where}: no value is allowed")
            return
        if not isinstance(schema, Mapping):
            return
        if "$ref" in schema:
            target = _resolve_ref(self.root, str(schema["$ref"]))
            self.check(value, target, where, depth + 1)
        for part in schema.get("allOf", ()):
            self.check(value, part, where, depth + 1)
        for key in ("anyOf", "oneOf"):
            branches = schema.get(key)
            if branches:
                passing = [b for b in branches if not _errors_for(value, b, self.root, depth + 1)]
                if not passing or (key == "oneOf" and len(passing) > 1):
                    self.errors.append(f"{where}: does not match {key}")
        if "const" in schema and value != schema["const"]:
            self.errors.append(f"{where}: must equal {schema['const']!r}")
        if "enum" in schema and value not in list(schema["enum"]):
            self.errors.append(f"{where}: {value!r} is not one of {list(schema['enum'])!r}")
        types = _types(schema) if "type" in schema else []
        if types and not any(_is_type(value, t) for t in types):
            self.errors.append(f"{where}: {value!r} is not of type {' or '.join(types)}")
            return
        if isinstance(value, dict):
            self._object(value, schema, where, depth)
        elif isinstance(value, list):
            self._array(value, schema, where, depth)
        elif isinstance(value, str):
            if len(value) < int(schema.get("minLength", 0)):
                self.errors.append(f"{where}: shorter than minLength")
            if "maxLength" in schema and len(value) > int(schema["maxLength"]):
                self.errors.append(f"{where}: longer than maxLength")
        elif isinstance(value, int | float) and not isinstance(value, bool):
            self._number(value, schema, where)

    def _object(self, value: dict[str, Any], schema: Mapping[str, Any], where: str, d: int) -> None:
        properties = schema.get("properties") or {}
        for name in schema.get("required", ()):
            if name not in value:
                self.errors.append(f"{where}: missing required property {name!r}")
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in properties:
                self.check(item, properties[name], f"{where}.{name}", d + 1)
            elif extra is False:
                self.errors.append(f"{where}: unexpected property {name!r}")
            else:
                self.check(item, extra, f"{where}.{name}", d + 1)
        if len(value) < int(schema.get("minProperties", 0)):
            self.errors.append(f"{where}: fewer than minProperties")

    def _array(self, value: list[Any], schema: Mapping[str, Any], where: str, d: int) -> None:
        prefix = list(schema.get("prefixItems") or [])
        items = schema.get("items", True)
        for index, item in enumerate(value):
            sub = prefix[index] if index < len(prefix) else items
            self.check(item, sub, f"{where}[{index}]", d + 1)
        if len(value) < int(schema.get("minItems", 0)):
            self.errors.append(f"{where}: fewer than minItems")
        if "maxItems" in schema and len(value) > int(schema["maxItems"]):
            self.errors.append(f"{where}: more than maxItems")
        if schema.get("uniqueItems"):
            seen: list[Any] = []
            for item in value:
                if item in seen:
                    self.errors.append(f"{where}: items are not unique")
                    break
                seen.append(item)

    def _number(self, value: float, schema: Mapping[str, Any], where: str) -> None:
        if "minimum" in schema and value < schema["minimum"]:
            self.errors.append(f"{where}: below minimum")
        if "maximum" in schema and value > schema["maximum"]:
            self.errors.append(f"{where}: above maximum")
        ex_low = schema.get("exclusiveMinimum")
        if isinstance(ex_low, int | float) and not isinstance(ex_low, bool) and value <= ex_low:
            self.errors.append(f"{where}: not above exclusiveMinimum")
        ex_high = schema.get("exclusiveMaximum")
        if isinstance(ex_high, int | float) and not isinstance(ex_high, bool) and value >= ex_high:
            self.errors.append(f"{where}: not below exclusiveMaximum")
        step = schema.get("multipleOf")
        if step:
            ratio = value / step
            if abs(ratio - round(ratio)) > 1e-9:
                self.errors.append(f"{where}: not a multiple of {step}")


def _errors_for(value: Any, schema: Any, root: Any, depth: int) -> list[str]:
    errors: list[str] = []
    _Validator(root, errors).check(value, schema, "$", depth)
    return errors


def _is_type(value: Any, kind: str) -> bool:
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        if isinstance(value, bool):
            return False
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "null":
        return value is None
    return True
