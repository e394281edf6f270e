"""The text layer: reading article files and splitting them into sentences.

Nothing here imports Textual; the UI and the store build on these types.
"""

from .article import Article, Paragraph, Sentence, article_from_body, load_article, parse_article
from .decode import ArticleError
from .cancel import SplitCancelled


def __getattr__(name: str):
    # split_sentences is loaded on first use: the splitter's module is not
    # needed to show an article's text (see tui.text.cancel).
    if name == "split_sentences":
        from .segment import split_sentences

        return split_sentences
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Article",
    "ArticleError",
    "Paragraph",
    "Sentence",
    "SplitCancelled",
    "article_from_body",
    "load_article",
    "parse_article",
    "split_sentences",
]
