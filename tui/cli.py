"""The ``tui`` command line: read, parse, export, import, orphans.

Every failure a user can cause (a bad path, a foreign database) ends with one
line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from click_default_group import DefaultGroup

from . import __version__
from .text import ArticleError, load_article
from .text.to_json import article_to_dict, article_to_lines

BUNDLED_SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def fail(message: str) -> None:
    """Print one line on stderr and exit with status 2."""
    click.echo(f"tui: {message}", err=True)
    sys.exit(2)


def warn(lines: list[str] | tuple[str, ...]) -> None:
    """Show warnings (such as a non-UTF-8 file) on stderr."""
    for line in lines:
        click.echo(f"tui: warning: {line}", err=True)


@click.group(cls=DefaultGroup, default="read", default_if_no_args=True)
@click.version_option(__version__, prog_name="tui")
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
