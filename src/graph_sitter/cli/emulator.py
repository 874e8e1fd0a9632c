"""`graph-sitter emulator openai|anthropic|codegen`: serve a local vendor emulator."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

_REPO = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
_PLACEHOLDER_KEY = "emulator-key"


def _check_repo(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    for value in values:
        if not _REPO.fullmatch(value):
            raise click.BadParameter(f"{value!r} is not OWNER/NAME (e.g. acme/widgets)")
    return values


def _check_faults(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[Any]:
    from graph_sitter.testing import parse_fault_spec

    specs = []
    for value in values:
        try:
            specs.append(parse_fault_spec(value))
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    return specs


@click.command(
    epilog="""\b
What each emulator accepts:
  openai     POST /v1/chat/completions (JSON or SSE; tools, tool_choice,
             parallel_tool_calls), GET /v1/models[/ID]. Auth: Authorization:
             Bearer KEY. base URL ends in /v1 (OPENAI_BASE_URL).
  anthropic  POST /v1/messages (JSON or SSE; tools, tool_choice),
             GET /v1/models. Auth: x-api-key KEY or Authorization: Bearer
             KEY, plus an anthropic-version date header (YYYY-MM-DD).
  codegen    /v1/organizations/ORG/agent/run[s], .../agent/run/resume,
             .../repos, /v1/alpha/.../logs, /v1/users/me, /v1/organizations.
             Auth: Authorization: Bearer TOKEN; only --org-id is served
             (other organisations answer 403).
Without --api-key/--token any credential is accepted.

\b
--replies FILE: JSON lines, one reply per generating request, in order:
  "plain text"
  {"content": "text", "finish_reason": "stop"}
  {"tool_calls": [{"name": "answer", "arguments": {"answer": "..."}}]}
  {"status": "COMPLETE", "result": "Done", "polls": 1}      (codegen runs)
  {"fault": "503x2"}                                        (a fault in its place)
When a request forces a tool, a text reply fills the tool's first string
argument (a JSON object text is used as the arguments).

\b
--fault SPEC (repeatable, served before any reply): STATUS or NAME,
optional xTIMES, optional :key=value,...  e.g. 503x3, 429:retry-after=2,
429x2:retry-after-ms=500,path=/v1/chat/*, reset, overloaded, quota, context,
malformed, truncate, stream-error, slow:delay=5.
""",
)
@click.argument("kind", type=click.Choice(["openai", "anthropic", "codegen"]))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--port",
    default=0,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to bind; 0 picks a free one.",
)
@click.option("--api-key", help="OpenAI/Anthropic: the only API key accepted.")
@click.option("--token", help="Codegen: the only bearer token accepted.")
@click.option(
    "--org-id",
    type=click.IntRange(min=1),
    help="Codegen: the organisation id the token may use (default 1).",
)
@click.option(
    "--repo",
    "repos",
    multiple=True,
    callback=_check_repo,
    metavar="OWNER/NAME",
    help="Codegen: a repository listed by /repos (repeatable; default acme/widgets).",
)
@click.option("--reply", help="The answer to every request without a scripted reply.")
@click.option(
    "--replies",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON-lines file of replies consumed in order (format below).",
)
@click.option(
    "--fault",
    "faults",
    multiple=True,
    callback=_check_faults,
    metavar="SPEC",
    help="Inject a fault, e.g. 503x3 or 429:retry-after=2 (repeatable; format below).",
)
def emulator(
    kind: str,
    host: str,
    port: int,
    api_key: str | None,
    token: str | None,
    org_id: int | None,
    repos: tuple[str, ...],
    reply: str | None,
    replies: Path | None,
    faults: list[Any],
) -> None:
    """Serve a local emulator of a vendor API until Ctrl-C (for tests and demos).

    On start it prints the environment variables that point graph-sitter (and the official
    SDKs) at it, e.g. OPENAI_BASE_URL and OPENAI_API_KEY.
    """
    from graph_sitter.testing import load_replies, run_emulator

    codegen = kind == "codegen"
    misplaced = [
        flag
        for flag, given, allowed in (
            ("--api-key", api_key is not None, not codegen),
            ("--token", token is not None, codegen),
            ("--org-id", org_id is not None, codegen),
            ("--repo", bool(repos), codegen),
        )
        if given and not allowed
    ]
    if misplaced:
        owner = "the openai and anthropic emulators" if codegen else "the codegen emulator"
        raise click.UsageError(f"{', '.join(misplaced)} only applies to {owner}")
    options: dict[str, Any] = {}
    if codegen:
        options.update(token=token, org_id=org_id or 1)
        if repos:
            options["repos"] = repos
    else:
        options["api_key"] = api_key
    if reply is not None:
        options["default_reply"] = reply
    script: list[Any] = list(faults)
    if replies is not None:
        try:
            script.extend(load_replies(replies))
        except (OSError, ValueError) as exc:
            raise click.BadParameter(str(exc), param_hint="--replies") from None

    def ready(base_url: str) -> None:
        click.echo(f"{kind} emulator listening on {base_url} (Ctrl-C to stop)", err=True)
        for name, value in _environment(kind, base_url, api_key, token, org_id or 1):
            click.echo(f"export {name}={value}")
        if script:
            click.echo(f"{len(script)} scripted entries queued", err=True)

    try:
        run_emulator(kind, host, port, on_ready=ready, script=script, **options)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}"
        ) from None


def _environment(
    kind: str, base_url: str, api_key: str | None, token: str | None, org_id: int
) -> list[tuple[str, str]]:
    if kind == "openai":
        return [("OPENAI_BASE_URL", base_url), ("OPENAI_API_KEY", api_key or _PLACEHOLDER_KEY)]
    if kind == "anthropic":
        return [
            ("ANTHROPIC_BASE_URL", base_url),
            ("ANTHROPIC_API_KEY", api_key or _PLACEHOLDER_KEY),
        ]
    return [
        ("CODEGEN_BASE_URL", base_url),
        ("CODEGEN_ORG_ID", str(org_id)),
        ("CODEGEN_TOKEN", token or "emulator-token"),
    ]
