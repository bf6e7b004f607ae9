"""Text representations: TF-IDF and byte pair encoding (word embeddings to
come)."""

from ._bpe import BPETokenizer, learn_bpe_merges
from ._tfidf import TfidfVectorizer

__all__ = ["BPETokenizer", "TfidfVectorizer", "learn_bpe_merges"]
