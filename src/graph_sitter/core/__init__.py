"""The code graph: `Codebase`, its symbol views, edits and errors (imports tree-sitter)."""

from graph_sitter.core.codebase import Codebase
from graph_sitter.core.edits import CommitError, EditConflictError, EditError, EditValidationError
from graph_sitter.core.errors import (
    AmbiguousSymbolError,
    CodebaseError,
    CodebaseLoadError,
    FileNotFoundInCodebaseError,
    PathOutsideCodebaseError,
    StaleSymbolError,
    SymbolNotFoundError,
    UnsupportedLanguageError,
)
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

__all__ = [
    "AmbiguousSymbolError",
    "Attribute",
    "Class",
    "Codebase",
    "CodebaseError",
    "CodebaseLoadError",
    "CommitError",
    "EditConflictError",
    "EditError",
    "EditValidationError",
    "Enum",
    "FileNotFoundInCodebaseError",
    "Function",
    "FunctionCall",
    "GlobalVar",
    "Import",
    "Interface",
    "Parameter",
    "PathOutsideCodebaseError",
    "SourceFile",
    "StaleSymbolError",
    "Symbol",
    "SymbolNotFoundError",
    "TypeAlias",
    "UnsupportedLanguageError",
    "Usage",
]
