"""Tools and ``tool_choice``: parse each vendor's request, then decide the answer (private).

Both emulators reduce a request to a list of :class:`ToolSpec` and a :class:`ToolChoice`, then
:func:`resolve_reply` turns the scripted (or default) reply into what the vendor would send:

- no tools in the request: the reply as scripted (tests may script tool calls without tools);
- ``none``: never a tool call (a scripted tool-call reply is sent as its text);
- ``auto``: the reply as scripted;
- ``required`` (OpenAI) / ``any`` (Anthropic): a scripted tool-call reply as is; otherwise one
  call to the first allowed tool;
- a named tool: the scripted calls to that tool, otherwise one generated call to it.

A generated call's arguments come from the tool's JSON schema; a scripted *text* reply is
carried into them: a text that is a JSON object becomes the arguments verbatim, any other text
fills the first string property (so ``--reply "def f(): ..."`` answers a forced ``answer``
tool). ``parallel_tool_calls: false`` / ``disable_parallel_tool_use: true`` keep one call.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from graph_sitter.testing._replies import TextReply, ToolCall, ToolCallReply
from graph_sitter.testing._schema import SchemaError, example_for, fill_with_text

__all__ = [
    "ToolChoice",
    "ToolRequestError",
    "ToolSpec",
    "anthropic_tools",
    "openai_tools",
    "resolve_reply",
]

_OPENAI_NAME = re.compile(r"[a-zA-Z0-9_-]{1,64}")
_ANTHROPIC_NAME = re.compile(r"[a-zA-Z0-9_-]{1,128}")
_EMPTY_OBJECT: dict[str, Any] = {"type": "object", "properties": {}}
Mode = Literal["auto", "none", "required", "tool"]


class ToolRequestError(ValueError):
    """The request's ``tools``/``tool_choice`` are invalid (rendered as HTTP 400)."""

    def __init__(self, message: str, param: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.code = code


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A function the client offers: its name and the JSON schema of its arguments."""

    name: str
    schema: Any


@dataclass(frozen=True, slots=True)
class ToolChoice:
    """What the client allows: ``mode``, the named tool, the allowed subset, parallel calls."""

    mode: Mode = "auto"
    name: str | None = None
    allowed: tuple[str, ...] | None = None
    parallel: bool = True


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, str):
        return "string"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "array"
    if value is None:
        return "null"
    return "object"


def openai_tools(body: Mapping[str, Any]) -> tuple[list[ToolSpec], ToolChoice | None]:
    """Parse ``tools``, ``tool_choice`` and ``parallel_tool_calls`` of a chat request.

    Returns ``([], None)`` when the request names no tools and no choice.

    Raises:
        ToolRequestError: The fields are malformed or inconsistent.
    """
    raw_tools = body.get("tools")
    raw_choice = body.get("tool_choice")
    parallel = body.get("parallel_tool_calls")
    specs: list[ToolSpec] = []
    if raw_tools is not None:
        if not isinstance(raw_tools, list):
            raise ToolRequestError(
                f"Invalid type for 'tools': expected an array of objects, but got "
                f"{_type_name(raw_tools)} instead.",
                "tools",
                "invalid_type",
            )
        if not raw_tools:
            raise ToolRequestError(
                "Invalid 'tools': empty array. Expected an array with minimum length 1, but got "
                "an empty array instead.",
                "tools",
                "empty_array",
            )
        for index, tool in enumerate(raw_tools):
            spec = _openai_tool(tool, index)
            if spec is not None:
                specs.append(spec)
    if parallel is not None and not isinstance(parallel, bool):
        raise ToolRequestError(
            f"Invalid type for 'parallel_tool_calls': expected a boolean, but got "
            f"{_type_name(parallel)} instead.",
            "parallel_tool_calls",
            "invalid_type",
        )
    if raw_tools is None:
        for field, value in (("tool_choice", raw_choice), ("parallel_tool_calls", parallel)):
            if value is not None:
                raise ToolRequestError(
                    f"Invalid value for '{field}': '{field}' is only allowed when 'tools' are "
                    "specified.",
                    field,
                )
        return [], None
    names = {spec.name for spec in specs}
    choice = _openai_choice(raw_choice, names)
    if parallel is False:
        choice = ToolChoice(choice.mode, choice.name, choice.allowed, parallel=False)
    return specs, choice


def _openai_tool(tool: Any, index: int) -> ToolSpec | None:
    where = f"tools[{index}]"
    if not isinstance(tool, dict):
        raise ToolRequestError(
            f"Invalid type for '{where}': expected an object, but got {_type_name(tool)} instead.",
            where,
            "invalid_type",
        )
    kind = tool.get("type", "function")
    if kind == "custom":
        return None  # free-form custom tools are accepted and never called by the emulator
    if kind != "function":
        raise ToolRequestError(
            f"Invalid value: '{kind}'. Supported values are: 'function' and 'custom'.",
            f"{where}.type",
            "invalid_value",
        )
    function = tool.get("function")
    if not isinstance(function, dict):
        raise ToolRequestError(
            f"Missing required parameter: '{where}.function'.",
            f"{where}.function",
            "missing_required_parameter",
        )
    name = function.get("name")
    if not isinstance(name, str) or not _OPENAI_NAME.fullmatch(name):
        raise ToolRequestError(
            f"Invalid '{where}.function.name': string does not match pattern. Expected a string "
            "that matches the pattern '^[a-zA-Z0-9_-]{1,64}$'.",
            f"{where}.function.name",
            "invalid_value",
        )
    parameters = function.get("parameters", _EMPTY_OBJECT)
    if not isinstance(parameters, dict):
        raise ToolRequestError(
            f"Invalid type for '{where}.function.parameters': expected an object, but got "
            f"{_type_name(parameters)} instead.",
            f"{where}.function.parameters",
            "invalid_type",
        )
    return ToolSpec(name, parameters)


def _openai_choice(raw: Any, names: set[str]) -> ToolChoice:
    if raw is None:
        return ToolChoice("auto")
    if isinstance(raw, str):
        if raw in ("auto", "none", "required"):
            return ToolChoice(raw)  # type: ignore[arg-type]
        raise ToolRequestError(
            f"Invalid value: '{raw}'. Supported values are: 'none', 'auto', and 'required'.",
            "tool_choice",
            "invalid_value",
        )
    if not isinstance(raw, dict):
        raise ToolRequestError(
            f"Invalid type for 'tool_choice': expected one of a string or an object, but got "
            f"{_type_name(raw)} instead.",
            "tool_choice",
            "invalid_type",
        )
    kind = raw.get("type")
    if kind == "function":
        function = raw.get("function")
        name = function.get("name") if isinstance(function, dict) else None
        if not isinstance(name, str):
            raise ToolRequestError(
                "Missing required parameter: 'tool_choice.function.name'.",
                "tool_choice.function.name",
                "missing_required_parameter",
            )
        _known(name, names, "tool_choice")
        return ToolChoice("tool", name=name)
    if kind == "allowed_tools":
        allowed = raw.get("allowed_tools")
        mode = allowed.get("mode") if isinstance(allowed, dict) else None
        listed = allowed.get("tools") if isinstance(allowed, dict) else None
        if mode not in ("auto", "required") or not isinstance(listed, list):
            raise ToolRequestError(
                "Invalid 'tool_choice.allowed_tools': expected 'mode' ('auto' or 'required') "
                "and 'tools'.",
                "tool_choice.allowed_tools",
                "invalid_value",
            )
        subset: list[str] = []
        for entry in listed:
            function = entry.get("function") if isinstance(entry, dict) else None
            name = function.get("name") if isinstance(function, dict) else None
            if isinstance(name, str):
                _known(name, names, "tool_choice.allowed_tools")
                subset.append(name)
        return ToolChoice(mode, allowed=tuple(subset))
    if kind == "custom":
        return ToolChoice("auto")
    raise ToolRequestError(
        f"Invalid value: '{kind}'. Supported values are: 'function', 'allowed_tools' and 'custom'.",
        "tool_choice.type",
        "invalid_value",
    )


def _known(name: str, names: set[str], param: str) -> None:
    if name not in names:
        raise ToolRequestError(
            f"Invalid value for '{param}': function '{name}' is not among the provided 'tools'.",
            param,
            "invalid_value",
        )


def anthropic_tools(body: Mapping[str, Any]) -> tuple[list[ToolSpec], ToolChoice | None]:
    """Parse ``tools`` and ``tool_choice`` of a messages request.

    Tools with a ``type`` other than ``custom`` (server tools such as web search) are accepted
    and never called.

    Raises:
        ToolRequestError: The fields are malformed or inconsistent.
    """
    raw_tools = body.get("tools")
    raw_choice = body.get("tool_choice")
    specs: list[ToolSpec] = []
    if raw_tools is not None:
        if not isinstance(raw_tools, list):
            raise ToolRequestError("tools: Input should be a valid list")
        for index, tool in enumerate(raw_tools):
            if not isinstance(tool, dict):
                raise ToolRequestError(f"tools.{index}: Input should be a valid dictionary")
            if tool.get("type", "custom") != "custom":
                continue
            name = tool.get("name")
            if not isinstance(name, str) or not _ANTHROPIC_NAME.fullmatch(name):
                raise ToolRequestError(
                    f"tools.{index}.custom.name: String should match pattern "
                    "'^[a-zA-Z0-9_-]{1,128}$'"
                )
            schema = tool.get("input_schema")
            if schema is None:
                raise ToolRequestError(f"tools.{index}.custom.input_schema: Field required")
            if not isinstance(schema, dict) or schema.get("type") != "object":
                raise ToolRequestError(
                    f"tools.{index}.custom.input_schema.type: Input should be 'object'"
                )
            specs.append(ToolSpec(name, schema))
    if raw_choice is None:
        return specs, ToolChoice("auto") if raw_tools else None
    if not isinstance(raw_choice, dict):
        raise ToolRequestError("tool_choice: Input should be a valid dictionary")
    kind = raw_choice.get("type")
    parallel = raw_choice.get("disable_parallel_tool_use", False)
    if not isinstance(parallel, bool):
        raise ToolRequestError(
            "tool_choice.disable_parallel_tool_use: Input should be a valid boolean"
        )
    if kind not in ("auto", "any", "tool", "none"):
        raise ToolRequestError(
            f"tool_choice: Input tag '{kind}' found using 'type' does not match any of the "
            "expected tags: 'auto', 'any', 'tool', 'none'"
        )
    if not raw_tools and kind != "none":
        raise ToolRequestError("tool_choice may only be specified while providing tools.")
    if kind == "tool":
        name = raw_choice.get("name")
        if not isinstance(name, str):
            raise ToolRequestError("tool_choice.tool.name: Field required")
        if name not in {spec.name for spec in specs}:
            raise ToolRequestError(f"tool_choice: tool '{name}' is not among the provided tools")
        return specs, ToolChoice("tool", name=name, parallel=not parallel)
    mode: Mode = "required" if kind == "any" else kind
    return specs, ToolChoice(mode, parallel=not parallel)


def resolve_reply(
    scripted: TextReply | ToolCallReply | None,
    default: TextReply | ToolCallReply,
    tools: Sequence[ToolSpec],
    choice: ToolChoice | None,
) -> TextReply | ToolCallReply:
    """The reply the vendor would send for this request (see the module docstring).

    Raises:
        SchemaError: A tool's schema cannot be satisfied by a generated instance.
    """
    reply = scripted if scripted is not None else default
    if choice is None:
        return reply
    if choice.mode == "none":
        if isinstance(reply, TextReply):
            return reply
        fallback = default.text if isinstance(default, TextReply) else ""
        text = reply.text if reply.text is not None else fallback
        return TextReply(
            text, prompt_tokens=reply.prompt_tokens, completion_tokens=reply.completion_tokens
        )
    if choice.mode == "auto":
        if choice.allowed is not None and isinstance(reply, ToolCallReply):
            kept = tuple(c for c in reply.tool_calls if c.name in choice.allowed)
            reply = _with_calls(reply, kept) if kept else TextReply(reply.text or "")
        return _limit(reply, choice.parallel)
    wanted = [choice.name] if choice.mode == "tool" else list(choice.allowed or ())
    if not wanted:
        wanted = [spec.name for spec in tools]
    if isinstance(reply, ToolCallReply):
        kept = tuple(call for call in reply.tool_calls if call.name in wanted)
        if kept:
            return _limit(_with_calls(reply, kept), choice.parallel)
    by_name = {spec.name: spec for spec in tools}
    target = next((by_name[name] for name in wanted if name in by_name), None)
    if target is None:  # only custom or server tools: nothing the emulator can call
        return reply
    carried = scripted.text if isinstance(scripted, TextReply) else None
    call = ToolCall(target.name, _arguments(target.schema, carried))
    return ToolCallReply(
        (call,), prompt_tokens=reply.prompt_tokens, completion_tokens=reply.completion_tokens
    )


def _arguments(schema: Any, text: str | None) -> dict[str, Any]:
    if text is not None and text.strip().startswith("{"):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            return parsed
    try:
        if text is not None:
            return fill_with_text(schema, text)
        value = example_for(schema)
    except SchemaError:
        raise
    except (TypeError, ValueError, KeyError) as exc:  # a malformed schema the generator trips on
        raise SchemaError(f"cannot generate arguments: {exc}") from exc
    return value if isinstance(value, dict) else {"value": value}


def _with_calls(reply: ToolCallReply, calls: tuple[ToolCall, ...]) -> ToolCallReply:
    return ToolCallReply(calls, reply.text, reply.prompt_tokens, reply.completion_tokens)


def _limit(reply: TextReply | ToolCallReply, parallel: bool) -> TextReply | ToolCallReply:
    if parallel or isinstance(reply, TextReply) or len(reply.tool_calls) <= 1:
        return reply
    return _with_calls(reply, reply.tool_calls[:1])
