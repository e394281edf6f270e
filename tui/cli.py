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
    import sqlite3

    from .exchange.export import reuse_freed_memory, write_csv_file, write_jsonl
    from .exchange.files import atomic_text_output
    from .store import StoreError, check_database, default_db_path
    from .store.preflight import is_current

    db = db_path or default_db_path()
    try:
        check_database(db)
    except StoreError as exc:
        fail(str(exc))
    reuse_freed_memory()
    if not is_current(db):
        open_store(db).close()  # create or migrate it first (loads sqlite-utils)
    # A current database is read directly: no sqlite-utils import, no write.
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    article_id = _article_id_for(conn, article_file) if article_file is not None else None
    try:
        with atomic_text_output(output, bom=excel and fmt == "csv") as out:
            if fmt == "csv":
                count = write_csv_file(db, out, article_id, label, raw=raw)
            else:
                count = write_jsonl(conn, out, article_id, label)
    except OSError as exc:
        fail(f"{output}: cannot write ({exc.strerror or exc})")
    if output != "-":
        click.echo(f"tui: exported {count} annotation(s) to {output}", err=True)


def _article_id_for(conn, article_file: Path) -> int:
    try:
        article = load_article(article_file)
    except ArticleError as exc:
        fail(str(exc))
    from .store.identity import file_hash

    # The file's identity (header and body) first: two wire copies share a body.
    digest = file_hash(article)
    rows = conn.execute(
        "SELECT id FROM articles WHERE file_hash = ? OR path = ? ORDER BY file_hash = ? DESC",
        [digest, str(article_file.resolve()), digest],
    ).fetchall()
    if not rows:
        fail(f"{article_file}: no annotations recorded for this article")
    return rows[0][0]


@main.command("import")
@db_option
@click.argument("file", type=click.Path(path_type=Path))
def import_command(db_path, file: Path) -> None:
    """Import annotations from a CSV or JSONL export (idempotent)."""
    from .exchange.importer import ImportFormatError, import_file

    if not file.is_file():
        fail(f"{file}: no such file")
    store = open_store(db_path)
    try:
        report = import_file(store, file)
    except ImportFormatError as exc:
        fail(str(exc))
    click.echo(
        f"read {report.read}, added {report.added}, updated {report.updated}, "
        f"unchanged {report.unchanged}, not placed {len(report.unplaced)}"
    )
    for line in report.unplaced:
        click.echo(f"not placed: {line}", err=True)
    if report.unplaced:
        sys.exit(1)


@main.command()
@db_option
def orphans(db_path) -> None:
    """List annotations that no longer match a sentence of their article."""
    from .store.status import tags_without_file
    from .text.safe import printable

    store = open_store(db_path)
    rows = store.orphans()
    for row in rows:
        click.echo(f"{row['article_title']}\t{row['label']}\t{row['text']}")
    click.echo(f"{len(rows)} orphan(s)", err=True)
    # Tags of articles whose file is gone: kept, and listed so none is forgotten.
    missing = tags_without_file(store)
    for row in missing:
        click.echo("\t".join(printable(cell) for cell in (
            row["article_title"], row["label"], row["text"],
            f"(file missing: {row['article_path']})")))
    if missing:
        click.echo(f"{len(missing)} tag(s) of articles whose file is missing", err=True)


@main.command("status")
@db_option
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "tsv", "json"]), default="table",
              show_default=True, help="An aligned table, tab-separated lines, or JSON.")
def status_command(db_path, path: Path | None, fmt: str) -> None:
    """The library's table: PATH's articles (a folder or a file), or every article in the database.

    Edited files are re-anchored first, so the counts are true; articles whose
    file is missing are listed with their tags.
    """
    from .status_output import print_status
    from .store import StoreError
    from .store.status import collect

    if path is not None and not path.exists():
        fail(f"{path}: no such file or folder")
    store = open_store(db_path)
    try:
        rows = collect(store, path)
    except StoreError as exc:
        fail(str(exc))
    print_status(rows, fmt)


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
