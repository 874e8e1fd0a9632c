"""Credentials and connection settings read from arguments, the environment and ``.env``.

Precedence: keyword arguments beat the environment, which beats a ``.env`` file in the
working directory (read when :meth:`Secrets.load` runs, never on import, never overriding
a real environment variable). Tests pass ``env={...}`` instead of patching ``os.environ``.

Variables: ``CODEGEN_ORG_ID``, ``CODEGEN_TOKEN``, ``CODEGEN_BASE_URL`` (or
``CODEGEN_API_BASE_URL``), ``CODEGEN_TIMEOUT``, ``CODEGEN_MAX_RETRIES``, ``OPENAI_API_KEY``,
``OPENAI_BASE_URL``, ``OPENAI_TIMEOUT``, ``OPENAI_MAX_RETRIES``, ``ANTHROPIC_API_KEY``,
``ANTHROPIC_BASE_URL``, ``ANTHROPIC_TIMEOUT``, ``ANTHROPIC_MAX_RETRIES``, ``LOG_LEVEL``.
"""

from __future__ import annotations

import contextvars
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

__all__ = ["ConfigurationError", "Secrets"]

_ENV: contextvars.ContextVar[Mapping[str, str] | None] = contextvars.ContextVar(
    "graph_sitter_settings_env", default=None
)
_LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
_SECRET_FIELDS = frozenset({"codegen_token", "openai_api_key", "anthropic_api_key"})
_EXPECTED = {
    "float_parsing": "a number of seconds",
    "int_parsing": "a whole number",
    "greater_than": "a positive number",
    "greater_than_equal": "a number >= 0",
    "finite_number": "a finite positive number (not inf or nan)",
    "single_line": "a single line (no newline, carriage return or NUL)",
    "org_id": "a positive whole number (the organisation id)",
}
_CONTROL = ("\n", "\r", "\0")


class ConfigurationError(ValueError):
    """One or more settings are invalid; the message names every offending variable.

    Attributes:
        variables: The environment variable names that were invalid.
    """

    def __init__(self, message: str, variables: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.variables = variables


class _MappingEnvSource(EnvSettingsSource):
    """The environment source, reading an injected mapping when one is set."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        env = _ENV.get()
        if env is None:
            return super()._load_env_vars()
        return {
            key.lower(): value
            for key, value in env.items()
            if not (self.env_ignore_empty and value == "")
        }


def _env_name(field: str) -> str:
    return "CODEGEN_BASE_URL" if field == "codegen_base_url" else field.upper()


class Secrets(BaseSettings):
    """Every credential and connection setting the AI layer and the Codegen SDK read.

    Build with :meth:`load` (which turns validation failures into one
    :class:`ConfigurationError`); field names are the variable names in lower case.
    """

    model_config = SettingsConfigDict(
        extra="ignore",
        case_sensitive=False,
        env_ignore_empty=True,
        populate_by_name=True,
        hide_input_in_errors=True,
    )

    codegen_org_id: str | None = None
    codegen_token: SecretStr | None = None
    codegen_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("codegen_base_url", "codegen_api_base_url"),
    )
    codegen_timeout: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    codegen_max_retries: int | None = Field(default=None, ge=0)
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    openai_timeout: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    openai_max_retries: int | None = Field(default=None, ge=0)
    anthropic_api_key: SecretStr | None = None
    anthropic_base_url: str | None = None
    anthropic_timeout: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    anthropic_max_retries: int | None = Field(default=None, ge=0)
    log_level: Literal["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"] | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _single_line(cls, value: Any) -> Any:
        # A newline in a key or URL would become a forged header line (or a confusing
        # error deep inside the HTTP client): refuse it here, naming the variable.
        if isinstance(value, str) and any(c in value for c in _CONTROL):
            raise PydanticCustomError("single_line", "contains a control character")
        return value

    @field_validator("codegen_org_id", mode="before")
    @classmethod
    def _org_id(cls, value: Any) -> Any:
        if value is None:
            return None
        text = str(value).strip()
        if not (text.isascii() and text.isdigit() and int(text) > 0):
            raise PydanticCustomError("org_id", "not a positive whole number")
        return text

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then the (injectable) environment, then ``.env``."""
        return (init_settings, _MappingEnvSource(settings_cls), dotenv_settings)

    @classmethod
    def load(
        cls,
        *,
        env: Mapping[str, str] | None = None,
        env_file: str | Path | None = ".env",
        **overrides: Any,
    ) -> Secrets:
        """Read the settings now.

        Args:
            env: Use this mapping instead of ``os.environ`` (for tests).
            env_file: The dotenv file, relative to the working directory; ``None`` skips it.
            **overrides: Field values that beat every other source (``None`` is ignored,
                meaning "not given").

        Raises:
            ConfigurationError: Naming every invalid variable and what was expected.
        """
        given = {key: value for key, value in overrides.items() if value is not None}
        dotenv: Path | None = None
        if env_file is not None:
            dotenv = Path(env_file)
            if not dotenv.is_absolute():
                dotenv = Path.cwd() / dotenv
            dotenv = dotenv if dotenv.is_file() else None
        if dotenv is not None:
            _check_utf8(dotenv)
        token = _ENV.set(env)
        try:
            return cls(_env_file=dotenv, **given)  # type: ignore[call-arg]
        except ValidationError as exc:
            raise _configuration_error(exc, env, dotenv) from None
        finally:
            _ENV.reset(token)

    def secret(self, name: str) -> str | None:
        """The plain value of a secret field (``"openai_api_key"``...), or ``None``."""
        value = getattr(self, name)
        if isinstance(value, SecretStr):
            plain = value.get_secret_value()
            return plain or None
        return value if isinstance(value, str) else None


def _check_utf8(path: Path) -> None:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigurationError(
            f"Invalid configuration: {path} is not valid UTF-8 (byte 0x{exc.object[exc.start]:02x} "
            f"at offset {exc.start}). Save it as UTF-8."
        ) from None
    except OSError:
        return  # unreadable: pydantic-settings skips it too


def _dotenv_keys(path: Path | None) -> set[str]:
    if path is None:
        return set()
    from dotenv import dotenv_values

    return {key.upper() for key in dotenv_values(path)}


def _configuration_error(
    exc: ValidationError, env: Mapping[str, str] | None, dotenv: Path | None
) -> ConfigurationError:
    import os

    environment = {key.upper() for key in (os.environ if env is None else env)}
    in_dotenv = _dotenv_keys(dotenv)
    problems: list[str] = []
    names: list[str] = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "?"
        name = _env_name(field)
        names.append(name)
        expected = _EXPECTED.get(error["type"], error["msg"])
        if field == "log_level":
            expected = "one of " + ", ".join(_LOG_LEVELS)
        shown = "" if field in _SECRET_FIELDS else f"={error.get('input')!r}"
        aliases = {name, field.upper()} | (
            {"CODEGEN_API_BASE_URL"} if field == "codegen_base_url" else set()
        )
        where = ""
        if dotenv is not None and aliases & in_dotenv and not aliases & environment:
            where = f" (set in {dotenv})"
        problems.append(f"{name}{shown}{where} is invalid, expected {expected}")
    return ConfigurationError(
        "Invalid configuration: " + "; ".join(problems) + ". Fix or unset the variable(s).",
        tuple(names),
    )
