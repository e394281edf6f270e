"""The ``tui`` command line: read, parse, export, import, orphans.

Every failure a user can cause (a bad path, a foreign database) ends with one
line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path

import click
from click_default_group import DefaultGroup

from .text import ArticleError, load_article
from .text.to_json import article_to_dict, article_to_lines

def bundled_seeds() -> Path:
    """The sample articles: seeds/ in a source checkout, else those in the wheel."""
    checkout = Path(__file__).resolve().parent.parent / "seeds"
    return checkout if checkout.is_dir() else Path(__file__).resolve().parent / "_seeds"


def fail(message: str) -> None:
    """Print one line on stderr and exit with status 2."""
    click.echo(f"tui: {message}", err=True)
    sys.exit(2)


def warn(lines: list[str] | tuple[str, ...]) -> None:
    """Show warnings (such as a non-UTF-8 file) on stderr."""
    for line in lines:
        click.echo(f"tui: warning: {line}", err=True)


@click.group(cls=DefaultGroup, default="read", default_if_no_args=True)
@click.version_option(package_name="tui-annotate", prog_name="tui")
def main() -> None:
    """Read news articles and tag each sentence as claim, quote or background.

    With no command, `tui [PATH]` opens the reader (same as `tui read`).
    """


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--text", "as_text", is_flag=True, help="One sentence per line as P.S<TAB>text.")
def parse(file: Path, as_text: bool) -> None:
    """Print FILE parsed into paragraphs and sentences (JSON by default)."""
    try:
        article = load_article(file)
    except ArticleError as exc:
        fail(str(exc))
    warn(article.warnings)
    if as_text:
        for line in article_to_lines(article):
            click.echo(line)
    else:
        click.echo(json.dumps(article_to_dict(article), ensure_ascii=False, indent=2))


def db_option(func):
    """The --db option every command shares (TUI_DB overrides the default)."""
    return click.option(
        "--db",
        "db_path",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Annotation database (default: $TUI_DB or ./annotations.db).",
    )(func)


def open_store(db_path: Path | None):
    """Open the store or exit with a one-line message."""
    from .store import AnnotationStore, StoreError, default_db_path

    try:
        return AnnotationStore(db_path or default_db_path())
    except StoreError as exc:
        fail(str(exc))


@main.command("export")
@db_option
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv",
              show_default=True, help="CSV for spreadsheets, JSONL for lossless exchange.")
@click.option("--article", "article_file", type=click.Path(path_type=Path),
              help="Only this article file's annotations.")
@click.option("--label", type=click.Choice(["claim", "quote", "background"]),
              help="Only annotations with this label.")
@click.option("-o", "--output", default="-", show_default=True,
              help="Output file, or - for standard output.")
@click.option("--excel", is_flag=True, help="Start the CSV with a BOM so Excel reads accents.")
@click.option("--raw", is_flag=True, help="Do not neutralise spreadsheet formulas in cells.")
def export_command(db_path, fmt, article_file, label, output, excel, raw) -> None:
    """Export annotations as CSV (default) or JSONL, ordered by article and position."""
    from .store import default_db_path
    from .store.readonly import side_files, tidy_side_files
    from .text.safe import printable

    db = db_path or default_db_path()
    # A read-only command never creates a database.
    # TODO(lead): H1 adds a shared "database must exist" helper in cli.py; use it here.
    if not db.exists():
        fail(f"{printable(str(db))}: no such database")
    # Read-only connections create -wal/-shm they cannot remove: tidy them
    # at the end if they were not there before.
    had_side_files = any(p.exists() for p in side_files(db))
    try:
        _export(db, fmt, article_file, label, output, excel, raw)
    finally:
        if not had_side_files:
            tidy_side_files(db)


def _export(db: Path, fmt, article_file, label, output, excel, raw) -> None:
    """The body of `tui export`, once the database is known to exist."""
    import sqlite3

    from .exchange.export import reuse_freed_memory, write_csv_file, write_jsonl
    from .exchange.files import OutputError, atomic_text_output, database_files, stdout_is_utf8
    from .store import StoreError, check_database
    from .store.preflight import is_current
    from .store.readonly import connect_read_only
    from .text.safe import printable

    try:
        check_database(db)
    except StoreError as exc:
        fail(str(exc))
    reuse_freed_memory()
    if not is_current(db):
        open_store(db).close()  # an older tui's database: migrate it first
    if output == "-" and not stdout_is_utf8():
        warn([f"standard output expects {sys.stdout.encoding}; writing UTF-8, as exports always are"])
    shown = printable(str(output))
    try:
        # A current database is read directly: no sqlite-utils import, no write.
        conn = connect_read_only(db)
        try:
            article_id = _article_id_for(conn, article_file) if article_file is not None else None
            with atomic_text_output(output, bom=excel and fmt == "csv",
                                    protect=database_files(db)) as out:
                if fmt == "csv":
                    count = write_csv_file(db, out, article_id, label, raw=raw)
                else:
                    count = write_jsonl(conn, out, article_id, label)
        finally:
            conn.close()
    except BrokenPipeError:
        _quiet_broken_pipe()
    except OutputError as exc:
        fail(printable(str(exc)))
    except OSError as exc:
        fail(f"{shown}: cannot write ({exc.strerror or exc})")
    except StoreError as exc:
        fail(str(exc))
    except sqlite3.Error as exc:
        fail(f"{printable(str(db))}: cannot read database ({exc})")
    if output != "-":
        click.echo(f"tui: exported {count} annotation(s) to {shown}", err=True)


def _quiet_broken_pipe() -> None:
    """The reader of our output went away (`tui export | head`): stop quietly.

    Exit status 141 (128 + SIGPIPE), as `seq` and `sqlite3` end in a pipe;
    standard output now points at /dev/null, so Python's own final flush
    raises nothing.
    """
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(141)


def _article_id_for(conn, article_file: Path) -> int:
    try:
        article = load_article(article_file)
    except ArticleError as exc:
        fail(str(exc))
    rows = conn.execute(
        "SELECT id FROM articles WHERE content_hash = ? OR path = ? ORDER BY content_hash = ? DESC",
        [article.content_hash, str(article_file.resolve()), article.content_hash],
    ).fetchall()
    if not rows:
        from .text.safe import printable

        fail(f"{printable(str(article_file))}: no annotations recorded for this article")
    return rows[0][0]


@main.command("import")
@db_option
@click.argument("file", type=click.Path(path_type=Path, allow_dash=True))
def import_command(db_path, file: Path) -> None:
    """Import annotations from a CSV or JSONL export (idempotent); FILE - reads standard input.

    One transaction: every row lands, or (on a malformed file) none does.
    """
    from .exchange.importer import ImportFormatError, import_into
    from .store import StoreError, default_db_path
    from .text.safe import printable

    db = db_path or default_db_path()
    try:
        report = import_into(db, file)
    except (ImportFormatError, StoreError) as exc:
        fail(printable(str(exc)))
    for line in report.warnings:
        warn([printable(line)])
    for path in report.files_read:
        click.echo(f"tui: read article file {printable(path)}", err=True)
    click.echo(
        f"read {report.read}, added {report.added}, updated {report.updated}, "
        f"unchanged {report.unchanged}, not placed {report.not_placed}"
    )
    for line in report.unplaced:
        click.echo(f"not placed: {printable(line)}", err=True)
    if report.not_placed > len(report.unplaced):
        click.echo(f"not placed: ... and {report.not_placed - len(report.unplaced)} more row(s)",
                   err=True)
    if report.not_placed:
        sys.exit(1)


@main.command()
@db_option
def orphans(db_path) -> None:
    """List annotations that no longer match a sentence of their article."""
    store = open_store(db_path)
    rows = store.orphans()
    for row in rows:
        click.echo(f"{row['article_title']}\t{row['label']}\t{row['text']}")
    click.echo(f"{len(rows)} orphan(s)", err=True)


@main.command()
@db_option
@click.argument("path", required=False, type=click.Path(path_type=Path))
def read(db_path, path: Path | None) -> None:
    """Open PATH in the reader: a file opens the article, a folder the library.

    With no PATH, opens the bundled seeds/ (straight into the reader when
    there is one article). Keys are in the footer; ? shows them all.
    """
    # No garbage-collector passes while Textual's modules and the article
    # load: they would walk every object just created, to free nothing.
    gc.disable()
    target = path or bundled_seeds()
    article = folder = None
    if target.is_dir():
        from .ui.screens.library import find_articles

        if not find_articles(target):
            fail(f"{target}: no .txt articles in this folder")
        folder = target
    else:
        try:
            article = load_article(target)
        except ArticleError as exc:
            fail(str(exc))
    from .store import StoreError, check_database, default_db_path

    db = db_path or default_db_path()
    try:
        check_database(db)  # a bad --db fails here, before any screen
    except StoreError as exc:
        fail(str(exc))
    from .ui.app import AnnotateApp

    app = AnnotateApp(db_path=db, article=article, folder=folder)
    # Everything loaded so far lives as long as the app: keep it out of the
    # collector's full passes, which otherwise walk it all (20-50 ms pauses
    # at the first paint and on keys), then collect as usual.
    gc.freeze()
    gc.enable()
    app.run()
    sys.exit(app.return_code or 0)
