"""The schema-instance generator behind forced tool calls: generated arguments validate."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph_sitter.testing._schema import SchemaError, example_for, fill_with_text, schema_errors

WEATHER = {
    "type": "object",
    "properties": {
        "city": {"type": "string", "minLength": 8},
        "days": {"type": "integer", "minimum": 2, "exclusiveMaximum": 9, "multipleOf": 3},
        "unit": {"enum": ["celsius", "fahrenheit"]},
        "scores": {"type": "array", "items": {"type": "number", "maximum": -1.5}, "minItems": 2},
        "when": {"type": "string", "format": "date-time"},
        "detail": {
            "type": "object",
            "properties": {"hourly": {"type": "boolean"}, "note": {"type": ["null", "string"]}},
            "required": ["hourly"],
            "additionalProperties": False,
        },
        "maybe": {"anyOf": [{"type": "null"}, {"type": "integer", "maximum": -3}]},
        "place": {"$ref": "#/$defs/Place"},
    },
    "required": ["city", "days"],
    "additionalProperties": False,
    "$defs": {"Place": {"type": "object", "properties": {"lat": {"type": "number"}}}},
}


def test_generated_instance_meets_every_constraint() -> None:
    value = example_for(WEATHER)
    assert value == {
        "city": "cityxxxx",
        "days": 3,
        "unit": "celsius",
        "scores": [-1.5, -1.5],
        "when": "2025-01-01T00:00:00Z",
        "detail": {"hourly": True, "note": "note"},
        "maybe": -3,
        "place": {"lat": 1},
    }
    assert schema_errors(value, WEATHER) == []


def test_validator_reports_each_violation() -> None:
    bad = {"city": "short", "days": 4, "unit": "kelvin", "scores": [0], "extra": 1}
    errors = schema_errors(bad, WEATHER)
    assert sorted(errors) == [
        "$.city: shorter than minLength",
        "$.days: not a multiple of 3",
        "$.scores: fewer than minItems",
        "$.scores[0]: above maximum",
        "$.unit: 'kelvin' is not one of ['celsius', 'fahrenheit']",
        "$: unexpected property 'extra'",
    ]
    assert schema_errors({"days": 3}, WEATHER) == ["$: missing required property 'city'"]
    assert schema_errors(True, {"type": "integer"}) == ["$: True is not of type integer"]


def test_text_fills_the_first_required_string_property() -> None:
    schema = {
        "type": "object",
        "properties": {"count": {"type": "integer"}, "answer": {"type": "string"}},
        "required": ["answer"],
    }
    assert fill_with_text(schema, "def f():\n    return 0\n") == {
        "count": 1,
        "answer": "def f():\n    return 0\n",
    }


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "integer", "minimum": 5, "maximum": 4},
        {"enum": []},
        False,
        {"$ref": "https://example.com/schema.json"},
        {"type": "object", "required": ["a"], "minProperties": 3, "additionalProperties": False},
    ],
)
def test_unsatisfiable_or_unsupported_schemas_raise(schema: Any) -> None:
    with pytest.raises(SchemaError):
        example_for(schema)


leaf = st.one_of(
    st.fixed_dictionaries({"type": st.just("string")}, optional={"minLength": st.integers(0, 5)}),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["integer", "number"])},
        optional={"minimum": st.integers(-5, 5), "multipleOf": st.sampled_from([1, 2, 5])},
    ),
    st.just({"type": "boolean"}),
    st.just({"type": "null"}),
    st.lists(st.text(max_size=3), min_size=1, max_size=3).map(lambda v: {"enum": v}),
)
schemas = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.fixed_dictionaries(
            {"type": st.just("array"), "items": inner}, optional={"minItems": st.integers(0, 3)}
        ),
        st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True), inner, max_size=4).flatmap(
            lambda props: st.fixed_dictionaries(
                {
                    "type": st.just("object"),
                    "properties": st.just(props),
                    "required": st.lists(st.sampled_from(sorted(props)), unique=True)
                    if props
                    else st.just([]),
                    "additionalProperties": st.booleans(),
                }
            )
        ),
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(schemas)
def test_any_generated_instance_validates(schema: dict[str, Any]) -> None:
    assert schema_errors(example_for(schema), schema) == []
