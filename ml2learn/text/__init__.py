"""Text representations: TF-IDF (more to come: BPE, word embeddings)."""

from ._tfidf import TfidfVectorizer

__all__ = ["TfidfVectorizer"]
