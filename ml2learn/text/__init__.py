"""Text representations: preprocessing, TF-IDF, byte pair encoding and
word embeddings (co-occurrence SVD, word2vec, GloVe)."""

from ._bpe import BPETokenizer, learn_bpe_merges
from ._cooccurrence import CooccurrenceEmbedding, cooccurrence_matrix
from ._corpus import LineCorpus
from ._glove import GloVe, glove_weight
from ._keyed_vectors import KeyedVectors
from ._preprocessing import ENGLISH_STOP_WORDS, TextPreprocessor
from ._sequences import SequenceEncoder
from ._tfidf import TfidfVectorizer
from ._word2vec import Word2Vec, negative_sampling_loss, skipgram_pairs

__all__ = [
    "BPETokenizer",
    "CooccurrenceEmbedding",
    "ENGLISH_STOP_WORDS",
    "GloVe",
    "KeyedVectors",
    "LineCorpus",
    "SequenceEncoder",
    "TextPreprocessor",
    "TfidfVectorizer",
    "Word2Vec",
    "cooccurrence_matrix",
    "glove_weight",
    "learn_bpe_merges",
    "negative_sampling_loss",
    "skipgram_pairs",
]
