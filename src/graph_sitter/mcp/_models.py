"""Arguments and results of the MCP tools, as pydantic models (their JSON schemas are what
`tools/list` advertises as `inputSchema` and `outputSchema`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AskAIArgs",
    "AskAIResult",
    "CallGraphArgs",
    "CallGraphResult",
    "CallNode",
    "ContextItemOut",
    "EditResult",
    "FindSymbolArgs",
    "FindSymbolResult",
    "FindUsagesArgs",
    "FindUsagesResult",
    "GraphContextArgs",
    "GraphContextResult",
    "LanguageStats",
    "MoveArgs",
    "NoArgs",
    "Problem",
    "RenameArgs",
    "SummaryResult",
    "SymbolArgs",
    "SymbolDependenciesResult",
    "SymbolRef",
    "SymbolSourceResult",
    "UsageOut",
]

_SYMBOL = (
    "A symbol: a name (`parse`), a qualified name (`Decoder.decode`), or "
    "`path::Qualified.name` (`json/decoder.py::JSONDecoder.decode`)."
)


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class NoArgs(_Args):
    """No arguments."""


class SymbolArgs(_Args):
    symbol: str = Field(min_length=1, max_length=1000, description=_SYMBOL)


class FindSymbolArgs(_Args):
    name: str = Field(min_length=1, max_length=200, description="Name or part of a name.")
    kind: str | None = Field(
        None,
        description="Only this kind: function, method, class, global_var, interface, type, enum.",
    )
    limit: int = Field(20, ge=1, le=500, description="Most matches returned.")


class FindUsagesArgs(SymbolArgs):
    limit: int = Field(500, ge=1, le=100_000, description="Most usages returned.")


class CallGraphArgs(SymbolArgs):
    depth: int = Field(1, ge=1, le=5, description="Levels of callers and callees to follow.")


class GraphContextArgs(SymbolArgs):
    max_tokens: int = Field(
        2000, ge=50, le=200_000, description="Token budget of the target plus its context."
    )


class RenameArgs(SymbolArgs):
    new_name: str = Field(min_length=1, max_length=200, description="The new identifier.")
    apply: bool = Field(
        False, description="Write the change (needs a server started with --allow-edits)."
    )


class MoveArgs(SymbolArgs):
    destination: str = Field(
        min_length=1, max_length=1000, description="Existing file of the codebase (repo-relative)."
    )
    apply: bool = Field(
        False, description="Write the change (needs a server started with --allow-edits)."
    )


class AskAIArgs(SymbolArgs):
    prompt: str = Field(min_length=1, max_length=100_000, description="The question or task.")


# -- results -------------------------------------------------------------------------------
class LanguageStats(BaseModel):
    files: int
    lines: int
    symbols: int


class Problem(BaseModel):
    file: str
    problem: str


class SummaryResult(BaseModel):
    root: str
    files: int
    lines: int
    symbols: int
    languages: dict[str, LanguageStats]
    problems: list[Problem] = Field(description="Files parsed only in part, or not at all.")
    skipped: dict[str, int] = Field(description="Files and folders left out, counted by reason.")


class SymbolRef(BaseModel):
    name: str
    qualified_name: str
    kind: str
    file: str
    line: int = Field(description="1-based line of the definition.")


class FindSymbolResult(BaseModel):
    matches: list[SymbolRef]
    total: int = Field(description="Matches before `limit` was applied.")


class SymbolSourceResult(BaseModel):
    symbol: str = Field(description="`path::Qualified.name` of the symbol.")
    kind: str
    source: str = Field(description="The definition itself (decorators are in `decorators`).")
    file: str
    start_line: int
    end_line: int
    signature: str
    docstring: str | None
    decorators: list[str]


class UsageOut(BaseModel):
    file: str = Field(description="Repo-relative path.")
    line: int = Field(description="1-based line.")
    column: int = Field(description="1-based column (in characters of the line).")
    kind: str = Field(description="reference, call, write, type or import.")
    context: str = Field(description="The text of the line.")


class FindUsagesResult(BaseModel):
    symbol: str
    usages: list[UsageOut]
    total: int
    truncated: bool


class SymbolDependenciesResult(BaseModel):
    symbol: str
    dependencies: list[SymbolRef]
    external: list[str] = Field(description="Imported names that resolve outside the codebase.")


class CallNode(BaseModel):
    name: str
    qualified_name: str
    kind: str
    file: str
    line: int = Field(description="1-based line of the caller's or callee's definition.")
    depth: int
    call_lines: list[int] = Field(description="1-based lines of the calls at this edge.")


class CallGraphResult(BaseModel):
    symbol: str
    callers: list[CallNode]
    callees: list[CallNode]
    unresolved_calls: list[str] = Field(
        description="Names called by the symbol that resolve to nothing in the codebase."
    )


class ContextItemOut(BaseModel):
    role: str
    name: str
    file: str | None
    line: int | None
    shape: str
    tokens: int


class GraphContextResult(BaseModel):
    symbol: str
    text: str = Field(description="The context and target sections exactly as sent to the model.")
    tokens: int
    budget: int
    items: list[ContextItemOut]
    dropped: list[ContextItemOut]


class EditResult(BaseModel):
    diff: str = Field(description="Unified diff of the change.")
    files_changed: list[str]
    applied: bool


class AskAIResult(BaseModel):
    answer: str
    provider: str | None
    model: str | None
