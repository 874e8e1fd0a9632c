"""`graph-sitter repair [PATH]`: finish or discard commits a crash interrupted."""

from __future__ import annotations

import click

from graph_sitter.core.journal import repair as repair_tree


@click.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False))
def repair(path: str) -> None:
    """Roll interrupted commits under PATH forward and remove stray temporary files.

    A commit of several files killed half-way leaves a journal in PATH/.graph-sitter/; every
    file it lists is brought to its committed content. Temporary files (.gs-*.tmp) left by
    commits that never started renaming are removed. `Codebase(PATH)` does the same.
    """
    report = repair_tree(path)
    if not report:
        click.echo(f"{path}: nothing to repair.")
        return
    if report.journals_completed:
        click.echo(
            f"finished {report.journals_completed} interrupted commit(s): "
            f"{len(report.rolled_forward)} file(s) rolled forward"
        )
    for rel in report.rolled_forward:
        click.echo(f"  {rel}")
    if report.kept_user_changes:
        kept = ", ".join(report.kept_user_changes)
        click.echo(f"kept changes made after the crash (not overwritten): {kept}")
    if report.journals_discarded:
        click.echo(f"discarded {report.journals_discarded} incomplete journal(s): no file changed")
    if report.removed_temps:
        click.echo(f"removed {len(report.removed_temps)} temporary file(s)")
