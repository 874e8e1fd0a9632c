"""The code graph: `Codebase`, its symbol views, edits and errors (imports tree-sitter)."""

from graph_sitter.core.calls import Argument
from graph_sitter.core.codebase import Codebase, FileList
from graph_sitter.core.edits import (
    CommitError,
    EditConflictError,
    EditError,
    EditValidationError,
    SessionLimitError,
)
from graph_sitter.core.errors import (
    AmbiguousSymbolError,
    ChangedOnDiskError,
    CodebaseError,
    CodebaseLoadError,
    FileNotFoundInCodebaseError,
    PathOutsideCodebaseError,
    ReadOnlyFileError,
    StaleSymbolError,
    SymbolNotFoundError,
    UnsupportedLanguageError,
)
from graph_sitter.core.exports import Export, ExportStatement
from graph_sitter.core.expression import Expression
from graph_sitter.core.imports import ImportResolution, ImportStatement, ImportType
from graph_sitter.core.symbols import (
    Attribute,
    Class,
    Enum,
    Function,
    FunctionCall,
    GlobalVar,
    Import,
    Interface,
    Parameter,
    SourceFile,
    Symbol,
    TypeAlias,
    Usage,
)
from graph_sitter.core.text import Flag, SourceText
from graph_sitter.core.usages import UsageKind, UsageType

__all__ = [
    "AmbiguousSymbolError",
    "Argument",
    "Attribute",
    "ChangedOnDiskError",
    "Class",
    "Codebase",
    "CodebaseError",
    "CodebaseLoadError",
    "CommitError",
    "EditConflictError",
    "EditError",
    "EditValidationError",
    "Enum",
    "Export",
    "ExportStatement",
    "Expression",
    "FileList",
    "FileNotFoundInCodebaseError",
    "Flag",
    "Function",
    "FunctionCall",
    "GlobalVar",
    "Import",
    "ImportResolution",
    "ImportStatement",
    "ImportType",
    "Interface",
    "Parameter",
    "PathOutsideCodebaseError",
    "ReadOnlyFileError",
    "SessionLimitError",
    "SourceFile",
    "SourceText",
    "StaleSymbolError",
    "Symbol",
    "SymbolNotFoundError",
    "TypeAlias",
    "UnsupportedLanguageError",
    "Usage",
    "UsageKind",
    "UsageType",
]
