"""Text representations: preprocessing, TF-IDF and byte pair encoding (word
embeddings to come)."""

from ._bpe import BPETokenizer, learn_bpe_merges
from ._preprocessing import ENGLISH_STOP_WORDS, TextPreprocessor
from ._tfidf import TfidfVectorizer

__all__ = [
    "BPETokenizer",
    "ENGLISH_STOP_WORDS",
    "TextPreprocessor",
    "TfidfVectorizer",
    "learn_bpe_merges",
]
