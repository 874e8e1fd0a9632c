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
}


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
    codegen_timeout: float | None = Field(default=None, gt=0)
    codegen_max_retries: int | None = Field(default=None, ge=0)
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    openai_timeout: float | None = Field(default=None, gt=0)
    openai_max_retries: int | None = Field(default=None, ge=0)
    anthropic_api_key: SecretStr | None = None
    anthropic_base_url: str | None = None
    anthropic_timeout: float | None = Field(default=None, gt=0)
    anthropic_max_retries: int | None = Field(default=None, ge=0)
    log_level: Literal["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"] | None = None

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
        token = _ENV.set(env)
        try:
            if env_file is not None:
                path = Path(env_file)
                if not path.is_absolute():
                    path = Path.cwd() / path
                return cls(_env_file=path if path.is_file() else None, **given)  # type: ignore[call-arg]
            return cls(_env_file=None, **given)  # type: ignore[call-arg]
        except ValidationError as exc:
            raise _configuration_error(exc) from None
        finally:
            _ENV.reset(token)

    def secret(self, name: str) -> str | None:
        """The plain value of a secret field (``"openai_api_key"``...), or ``None``."""
        value = getattr(self, name)
        if isinstance(value, SecretStr):
            plain = value.get_secret_value()
            return plain or None
        return value if isinstance(value, str) else None


def _configuration_error(exc: ValidationError) -> ConfigurationError:
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
        problems.append(f"{name}{shown}: expected {expected}")
    return ConfigurationError(
        "Invalid configuration: " + "; ".join(problems) + ". Fix or unset the variable(s).",
        tuple(names),
    )
