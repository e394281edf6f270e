"""The text layer: reading article files and splitting them into sentences.

Nothing here imports Textual; the UI and the store build on these types.
"""

from .article import Article, Paragraph, Sentence, article_from_body, load_article, parse_article
from .decode import ArticleError
from .segment import SplitCancelled, split_sentences

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
