"""The ``tui`` command line: read, parse, export, import, orphans.

Every failure a user can cause (a bad path, a foreign database) ends with one
line on stderr and exit status 2, never a traceback. Text from outside
(file names, article text, database cells) goes through
:func:`tui.text.safe.printable` before it reaches a terminal.
"""

from __future__ import annotations

import gc
import os
import re
import sys
from pathlib import Path

import click
from click_default_group import DefaultGroup

from .text import ArticleError, load_article
from .text.safe import printable

# Paths as given, with no click checks: click's own (exists, readable,
# dir_okay) print a four-line usage block; ours say what is wrong in one line.
PATH = click.Path(path_type=Path, readable=False)

# Characters json.dumps(ensure_ascii=False) leaves raw (it escapes only
# U+0000-U+001F): DEL, the C1 controls and the bidi controls.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

def bundled_seeds() -> Path:
    """The sample articles: seeds/ in a source checkout, else those in the wheel."""
    checkout = Path(__file__).resolve().parent.parent / "seeds"
    return checkout if checkout.is_dir() else Path(__file__).resolve().parent / "_seeds"


def fail(message: str) -> None:
    """Print one line on stderr and exit with status 2.

    The message usually holds a path or text from outside: control
    characters (a newline or ESC in a file name) are shown as visible
    symbols, so it stays one inert line.
    """
    click.echo(f"tui: {printable(message)}", err=True)
    sys.exit(2)


def warn(lines: list[str] | tuple[str, ...]) -> None:
    """Show warnings (such as a non-UTF-8 file) on stderr, one line each."""
    for line in lines:
        click.echo(f"tui: warning: {printable(line)}", err=True)


def json_for_terminal(data) -> str:
    """``data`` as indented JSON with every control character escaped.

    json.dumps escapes U+0000-U+001F; DEL, C1 and bidi controls are escaped
    here too. They can only occur inside strings, so ``\\uXXXX`` there is
    valid JSON for the same value.
    """
    import json  # here: `tui read` never needs it

    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class _Group(DefaultGroup):
    """The default group; `tui --db X` with nothing after opens the reader too."""

    def parse_args(self, ctx, args):
        # DefaultGroup inserts `read` only when there are no arguments at
        # all; after the group's own --db there may be nothing left either.
        if self.default_if_no_args and args and _only_db_options(args):
            args = [*args, self.default_cmd_name]
        return super().parse_args(ctx, args)


def _only_db_options(args: list[str]) -> bool:
    """True if ``args`` is nothing but `--db VALUE` / `--db=VALUE` pairs
    (and `--annotator NAME` ones)."""
    index = 0
    while index < len(args):
        if args[index] in ("--db", "--annotator") and index + 1 < len(args):
            index += 2
        elif args[index].startswith(("--db=", "--annotator=")):
            index += 1
        else:
            return False
    return True


@click.group(cls=_Group, default="read", default_if_no_args=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_path", type=PATH, default=None,
              help="Annotation database for every command (default: $TUI_DB or "
                   "./annotations.db); a command's own --db wins.")
@click.option("--annotator", "annotator", default=None, metavar="NAME",
              help="Who is coding: tags are kept per coder (default: $TUI_ANNOTATOR, "
                   "else your user name).")
@click.version_option(package_name="tui-annotate", prog_name="tui")
@click.pass_context
def main(ctx: click.Context, db_path: Path | None, annotator: str | None) -> None:
    """Read news articles and tag each sentence as claim, quote or background.

    With no command, `tui [PATH]` opens the reader (same as `tui read`).
    """
    if annotator is not None:  # checked at once, whichever command follows
        from .store.coders import CoderNameError, check_coder_name

        try:
            annotator = check_coder_name(annotator, "--annotator")
        except CoderNameError as exc:
            fail(str(exc))
    ctx.obj = {"db": db_path, "annotator": annotator}


@main.command()
@click.argument("file", type=PATH)
@click.option("--text", "as_text", is_flag=True, help="One sentence per line as P.S<TAB>text.")
def parse(file: Path, as_text: bool) -> None:
    """Print FILE parsed into paragraphs and sentences (JSON by default)."""
    from .text.to_json import article_to_dict, article_to_lines

    try:
        article = load_article(file)
    except ArticleError as exc:
        fail(str(exc))
    warn(article.warnings)
    if as_text:
        # One line per sentence: a control character in the text must not
        # act on the terminal (sentences hold no tab or newline, so the
        # P.S<TAB>text layout is unchanged).
        for line in article_to_lines(article):
            number, tab, text = line.partition("\t")
            click.echo(f"{number}{tab}{printable(text)}")
    else:
        click.echo(json_for_terminal(article_to_dict(article)))


def _db_from_group(ctx: click.Context, _param, value: Path | None) -> Path | None:
    """A command's --db, else the one given before the command (`tui --db X cmd`)."""
    if value is not None:
        return value
    return (ctx.find_root().obj or {}).get("db")


def db_option(func):
    """The --db option every command shares (TUI_DB overrides the default).

    No click checks on the path (they print a usage block): the store's
    check_database says what is wrong in one line.
    """
    return click.option(
        "--db",
        "db_path",
        type=PATH,
        default=None,
        callback=_db_from_group,
        help="Annotation database (default: $TUI_DB or ./annotations.db).",
    )(func)


def existing_db(db_path: Path | None) -> Path:
    """The database a read-only command reads: it must exist; never created.

    Path-level and header checks as for every command; a missing database
    is one line and exit 2 (a command that only reads has nothing to show).
    """
    from .store import StoreError, check_database, default_db_path
    from .text.paths import is_missing

    db = db_path or default_db_path()
    try:
        check_database(db)
    except StoreError as exc:
        fail(str(exc))
    if is_missing(db):
        fail(f"{db}: no such database (nothing has been tagged with it yet)")
    if os.path.getsize(db) == 0:
        # SQLite takes an empty file for a new database: reading it would
        # migrate it (write the whole schema) just to show nothing.
        fail(f"{db}: an empty file, not a database yet (nothing has been tagged with it)")
    return db


def coder() -> str:
    """The coder of this run: --annotator, else $TUI_ANNOTATOR, else the OS
    user (tui/store/coders.py); a bad name is one line and exit 2."""
    from .store.coders import CoderNameError, current_coder

    ctx = click.get_current_context(silent=True)
    given = ((ctx.find_root().obj or {}) if ctx else {}).get("annotator")
    try:
        return current_coder(given)
    except CoderNameError as exc:
        fail(str(exc))


def open_store(db_path: Path | None):
    """Open the store (as this run's coder) or exit with a one-line message."""
    from .store import AnnotationStore, StoreError, default_db_path

    name = coder()
    try:
        return AnnotationStore(db_path or default_db_path(), annotator=name)
    except StoreError as exc:
        fail(str(exc))


@main.command("export")
@db_option
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv",
              show_default=True, help="CSV for spreadsheets, JSONL for lossless exchange.")
@click.option("--article", "article_file", type=PATH,
              help="Only this article file's annotations.")
@click.option("--label", type=click.Choice(["claim", "quote", "background"]),
              help="Only annotations with this label.")
@click.option("-o", "--output", default="-", show_default=True,
              help="Output file, or - for standard output.")
@click.option("--excel", is_flag=True, help="Start the CSV with a BOM so Excel reads accents.")
@click.option("--raw", is_flag=True, help="Do not neutralise spreadsheet formulas in cells.")
@click.option("--annotator", "only_coder", default=None, metavar="NAME",
              help="Only this coder's tags (default: every coder's, one row each).")
def export_command(db_path, fmt, article_file, label, output, excel, raw, only_coder) -> None:
    """Export annotations as CSV (default) or JSONL, ordered by article and position."""
    from .store.readonly import side_files, tidy_side_files

    db = existing_db(db_path)  # a read-only command never creates a database
    # Read-only connections create -wal/-shm they cannot remove: tidy them
    # at the end if they were not there before.
    had_side_files = any(p.exists() for p in side_files(db))
    if only_coder is not None:
        from .store.coders import CoderNameError, check_coder_name

        try:
            label = (label, check_coder_name(only_coder, "--annotator"))
        except CoderNameError as exc:
            fail(str(exc))
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
    from .store import StoreError
    from .store.preflight import is_current
    from .store.dangling import count_dangling
    from .store.readonly import connect_read_only

    reuse_freed_memory()
    if not is_current(db):
        open_store(db).close()  # an older tui's database: migrate it first
    if output == "-" and not stdout_is_utf8():
        warn([f"standard output expects {sys.stdout.encoding}; writing UTF-8, as exports always are"])
    shown = printable(str(output))
    # On a terminal the cells are shown, not stored: the export goes to a
    # temporary file, then to the screen with control characters inert.
    screen = _terminal_copy() if output == "-" and sys.stdout.isatty() else None
    try:
        # A current database is read directly: no sqlite-utils import, no write.
        conn = connect_read_only(db)
        try:
            article_id = _article_id_for(conn, article_file) if article_file is not None else None
            with atomic_text_output(screen.name if screen else output, bom=excel and fmt == "csv",
                                    protect=database_files(db)) as out:
                if fmt == "csv":
                    count = write_csv_file(db, out, article_id, label, raw=raw)
                else:
                    count = write_jsonl(conn, out, article_id, label)
            # Tags whose article was deleted (sqlite3 shell, foreign keys
            # off) have no article row to export with: say so, never skip silently.
            dangling = count_dangling(conn) if article_id is None else 0
        finally:
            conn.close()
        if screen is not None:
            _show_on_terminal(screen, fmt)
    except BrokenPipeError:
        _quiet_broken_pipe()
    except OutputError as exc:
        fail(printable(str(exc)))
    except OSError as exc:
        fail(f"{shown}: cannot write ({exc.strerror or exc})")
    except StoreError as exc:
        fail(str(exc))
    except sqlite3.Error as exc:  # e.g. a page damaged in the middle of the file
        from .store.preflight import describe_error

        fail(describe_error(exc, db))
    if output != "-":
        click.echo(f"tui: exported {count} annotation(s) to {shown}", err=True)
    if dangling:
        warn([f"{dangling} annotation(s) whose article is no longer in the database are not "
              "exported; `tui orphans` lists them"])


def _terminal_copy():
    """A temporary file (deleted when closed) for an export bound for a terminal."""
    import tempfile

    return tempfile.NamedTemporaryFile(prefix="tui-export-screen-", suffix=".tmp")


def _show_on_terminal(screen, fmt: str) -> None:
    """Copy the export in ``screen`` to standard output, a terminal, line by line.

    JSONL: DEL, C1 and bidi controls become ``\\uXXXX`` (json.dumps escaped
    the rest), the same values. CSV: every control character is shown as a
    visible symbol (printable()), line ends kept: an escape sequence in an
    article must not retitle the window or write the clipboard.
    """
    with screen, open(screen.name, encoding="utf-8", newline="") as source:
        for line in source:
            body = line.rstrip("\r\n")
            if fmt == "jsonl":
                body = _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", body)
            else:
                body = printable(body)
            click.echo(body)


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
    from .store.identity import file_hash

    # The file's identity (header and body) first: two wire copies share a body.
    digest = file_hash(article)
    rows = conn.execute(
        "SELECT id FROM articles WHERE file_hash = ? OR path = ? ORDER BY file_hash = ? DESC",
        [digest, str(article_file.resolve()), digest],
    ).fetchall()
    if not rows:
        fail(f"{printable(str(article_file))}: no annotations recorded for this article")
    return rows[0][0]


@main.command("import")
@db_option
@click.argument("file", type=click.Path(path_type=Path, readable=False, allow_dash=True))
def import_command(db_path, file: Path) -> None:
    """Import annotations from a CSV or JSONL export (idempotent); FILE - reads standard input.

    One transaction: every row lands, or (on a malformed file) none does.
    """
    from .exchange.importer import ImportFormatError, import_into
    from .store import StoreError, default_db_path

    db = db_path or default_db_path()
    try:
        report = import_into(db, file, annotator=coder())
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
    from .store.status import tags_without_file

    store = open_store(existing_db(db_path))
    rows = store.orphans()
    for row in rows:
        # Cells from the database: no control character reaches the
        # terminal, and a tab inside a cell cannot shift the columns.
        title = "(article deleted)" if row.get("article_missing") else row["article_title"]
        cells = (title, row["label"], row["text"])
        click.echo("\t".join(printable(str(cell)) for cell in cells))
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
@click.argument("path", required=False, type=PATH)
@click.option("--format", "fmt", type=click.Choice(["table", "tsv", "json"]), default="table",
              show_default=True, help="An aligned table, tab-separated lines, or JSON.")
def status_command(db_path, path: Path | None, fmt: str) -> None:
    """The library's table: PATH's articles (a folder or a file), or every article in the database.

    Edited files are re-anchored first, so the counts are true; articles whose
    file is missing are listed with their tags.
    """
    import contextlib
    import tempfile

    from .store import StoreError, check_database, default_db_path
    from .text.paths import is_missing

    if path is None:
        db = existing_db(db_path)  # every article of the database: it must exist
    else:
        _check_status_path(path)
        db = db_path or default_db_path()
        try:
            check_database(db)
        except StoreError as exc:
            fail(str(exc))
    scratch = contextlib.ExitStack()
    if is_missing(db):
        # Nothing tagged yet, so every file is new: look without leaving an
        # annotations.db behind (a throw-away database does the counting).
        db = Path(scratch.enter_context(tempfile.TemporaryDirectory(prefix="tui-status-"))) / "s.db"
    with scratch:
        store = open_store(db)
        try:
            _status(store, path, fmt)
        finally:
            store.close()


def _status(store, path: Path | None, fmt: str) -> None:
    """Print ``tui status`` rows from ``store``."""
    from .status_output import print_status
    from .store import StoreError
    from .store.status import collect

    try:
        rows = collect(store, path)
    except StoreError as exc:
        fail(str(exc))
    print_status(rows, fmt)
    try:
        dangling = store.dangling_count()  # no article row, so in no status row
    except StoreError as exc:
        fail(str(exc))
    if dangling:
        warn([f"{dangling} annotation(s) whose article is no longer in the database; "
              "`tui orphans` lists them"])


def _check_status_path(path: Path) -> None:
    """Exit with one line unless ``path`` is a folder we may list or an
    article file we may read (no FIFO, device, oversized file, name too
    long or folder we may not enter: the checks every other command makes)."""
    from .text.paths import MAX_ARTICLE_BYTES, PathError, check_regular_file, is_missing, show_path

    if is_missing(path):
        fail(f"{path}: no such file or folder")
    if _is_folder(path):
        try:
            with os.scandir(path):
                pass
        except OSError as exc:
            fail(f"{show_path(path)}: cannot open this folder ({exc.strerror or exc})")
        return
    try:
        check_regular_file(path, "an article file", max_bytes=MAX_ARTICLE_BYTES)
    except PathError as exc:
        fail(str(exc))


def _is_folder(path: Path) -> bool:
    """True for a folder; any error (name too long, no permission) is left
    for load_article to put in one line."""
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


@main.command()
@db_option
@click.argument("path", required=False, type=PATH)
@click.option("--adjudicate", is_flag=True,
              help="Step through the sentences where coders disagree (d / D) and record "
                   "the settled label as the coder --gold.")
@click.option("--gold", default="gold", show_default=True, metavar="NAME",
              help="The coder adjudication records as.")
def read(db_path, path: Path | None, adjudicate: bool, gold: str) -> None:
    """Open PATH in the reader: a file opens the article, a folder the library.

    With no PATH, opens the bundled seeds/ (straight into the reader when
    there is one article). Keys are in the footer; ? shows them all.
    """
    # No garbage-collector passes while Textual's modules and the article
    # load: they would walk every object just created, to free nothing.
    gc.disable()
    target = path or bundled_seeds()
    article = folder = None
    if _is_folder(target):
        from .store.library_peek import has_articles  # not Textual yet

        try:
            with os.scandir(target):
                pass
        except OSError as exc:
            fail(f"{target}: cannot open this folder ({exc.strerror or exc})")

        if not has_articles(target):
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
    name = coder()  # a bad --annotator / $TUI_ANNOTATOR too
    if adjudicate:
        from .store.coders import CoderNameError, check_coder_name

        try:
            name = check_coder_name(gold, "--gold")
        except CoderNameError as exc:
            fail(str(exc))
    if not all(stream.isatty() for stream in (sys.stdin, sys.stdout, sys.stderr)):
        # Textual would draw into a file or a pipe and wait for keys that
        # never come, until killed.
        fail("the reader needs a terminal (standard input, output and error are not "
             "all one); for scripts use `tui parse`, `tui export` or `tui orphans`")
    from .store.coders import ENV_VAR

    if folder is not None:  # the library's cached rows, for its first frame
        from .store.library_peek import start_early

        start_early(db, folder, name)
    from .ui.app import AnnotateApp

    # The reader's store resolves its coder from the environment (as every
    # store does without a name): --annotator reaches it that way.
    os.environ[ENV_VAR] = name
    app = AnnotateApp(db_path=db, article=article, folder=folder)
    if adjudicate:
        from .ui.screens.adjudicate import AdjudicateScreen

        app.reader_class = AdjudicateScreen
    # Everything loaded so far lives as long as the app: keep it out of the
    # collector's full passes, which otherwise walk it all (20-50 ms pauses
    # at the first paint and on keys), then collect as usual.
    gc.freeze()
    gc.enable()
    app.run()
    sys.exit(app.return_code or 0)


@main.command("merge")
@db_option
@click.argument("others", nargs=-1, required=True, type=PATH)
def merge_command(db_path, others: tuple[Path, ...]) -> None:
    """Bring every coder's tags, notes and articles from OTHERS into this database.

    Idempotent; a different coder's tag is never overwritten; when the same
    coder has two versions of one tag, the newer wins and is listed. All in
    one transaction: a refused database changes nothing.
    """
    from .store import StoreError
    from .store.merge import check_source, merge_databases
    from .store.preflight import default_db_path

    target = db_path or default_db_path()
    try:
        for other in others:  # before the target is created or migrated
            check_source(other, target)
    except StoreError as exc:
        fail(str(exc))
    store = open_store(target)
    try:
        reports = merge_databases(store, list(others))
    except StoreError as exc:
        fail(str(exc))
    finally:
        store.close()
    for report in reports:
        coders = ", ".join(report.coders) or "no coders"
        click.echo(printable(
            f"{report.source}: added {report.articles_added} article(s), "
            f"{report.tags_added} tag(s), {report.orphans_added} orphan(s); "
            f"{report.tags_updated} replaced by a newer version, "
            f"{report.kept_newer_here} kept (newer here), {report.tags_unchanged} unchanged "
            f"({coders})"))
        for item in report.replaced:
            verb = "kept" if item.here_newer else "newer"
            click.echo(printable(
                f"  {verb}: {item.coder} on {item.article} {item.place}: "
                f"{item.new} (was {item.old})" if not item.here_newer else
                f"  {verb}: {item.coder} on {item.article} {item.place}: "
                f"{item.new} here is newer than {item.old}"))
        if report.unknown_labels:
            click.echo(printable(f"  not merged: {report.unknown_labels} tag(s) with a label "
                                 "tui does not know"), err=True)


@main.command("agreement")
@db_option
@click.argument("path", required=False, type=PATH)
@click.option("--annotators", default=None, metavar="A,B,...",
              help="Only these coders (default: every coder with tags but gold).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text",
              show_default=True)
@click.option("--untagged", type=click.Choice(["none", "missing"]), default="none",
              show_default=True,
              help="An untagged sentence of an article a coder has coded: the category "
                   "`none`, or a missing value.")
def agreement_command(db_path, path: Path | None, annotators: str | None, fmt: str,
                      untagged: str) -> None:
    """Inter-coder agreement over the sentences of PATH's articles (or every article).

    Every coder but `gold` (adjudication) unless --annotators names them.

    Units are sentences; a sentence counts for a coder when the coder has
    coded its article (tagged at least one sentence in it). Reports
    Krippendorff's alpha (nominal), and per pair Cohen's kappa, percent
    agreement and Gwet's AC1, and per label a coder x coder confusion.
    """
    import csv as csv_module

    from .exchange.agreement import AgreementError, as_rows, as_text, compute
    from .exchange.csv_safety import neutralise
    from .store.agreement import coded_units
    from .store.coders import GOLD, CoderNameError, check_coder_name

    coders = None
    if annotators is not None:
        try:
            coders = list(dict.fromkeys(check_coder_name(name, "--annotators name")
                                        for name in annotators.split(",")))
        except CoderNameError as exc:
            fail(str(exc))
    store = open_store(existing_db(db_path))
    try:
        article_ids = _article_ids_in(store, path) if path is not None else None
        known = set(store.coders())
        for name in coders or []:
            if name not in known:
                fail(f"no tags by coder {name!r} in {store.path}")
        if coders is None:  # the adjudicator's settled labels are not a coding
            coders = sorted(known - {GOLD})
        units = coded_units(store.db.conn, coders, article_ids, untagged)
        report = compute(units)
    except AgreementError as exc:
        fail(str(exc))
    finally:
        store.close()
    if fmt == "json":
        click.echo(json_for_terminal(report))
    elif fmt == "csv":
        writer = csv_module.writer(sys.stdout, lineterminator="\n")
        for row in as_rows(report):
            writer.writerow([neutralise(cell) for cell in row])
    else:
        for line in as_text(report):
            click.echo(printable(line.replace("\t", "  ")))


def _article_ids_in(store, path: Path) -> list[int]:
    """The database ids of the articles in PATH (a file, or the .txt files of
    a folder), matched by their text's content hash."""
    files = sorted(p for p in path.rglob("*.txt") if p.is_file()) if _is_folder(path) else [path]
    hashes = []
    for file in files:
        try:
            hashes.append(load_article(file).content_hash)
        except ArticleError as exc:
            if len(files) == 1:
                fail(str(exc))
            warn([f"{exc}; skipped"])
    ids = [article_id for h in hashes for (article_id,) in store.db.conn.execute(
        "SELECT id FROM articles WHERE content_hash = ?", [h])]
    if not ids:
        fail(f"{path}: none of its articles is in the database")
    return ids
