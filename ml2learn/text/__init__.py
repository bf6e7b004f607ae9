"""Text representations: preprocessing, TF-IDF, byte pair encoding and
co-occurrence word embeddings (word2vec and GloVe to come)."""

from ._bpe import BPETokenizer, learn_bpe_merges
from ._cooccurrence import CooccurrenceEmbedding, cooccurrence_matrix
from ._keyed_vectors import KeyedVectors
from ._preprocessing import ENGLISH_STOP_WORDS, TextPreprocessor
from ._tfidf import TfidfVectorizer

__all__ = [
    "BPETokenizer",
    "CooccurrenceEmbedding",
    "ENGLISH_STOP_WORDS",
    "KeyedVectors",
    "TextPreprocessor",
    "TfidfVectorizer",
    "cooccurrence_matrix",
    "learn_bpe_merges",
]
