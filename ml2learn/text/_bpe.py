"""Byte pair encoding (notes, lines 7348-7410; Sennrich et al., 2016).

Training starts from the characters of a word-frequency table and repeatedly
merges the most frequent adjacent pair. Pair counts are kept up to date
incrementally (``_bpe_kernel``, compiled): a merge only revisits the words
listed under its pair and recounts the pairs beside each merge site, and a
heap with lazy deletion yields the next most frequent pair.
"""

import json
import re
from collections import Counter
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..utils._param_validation import (
    Interval,
    RegularExpression,
    StrOptions,
    _fit_context,
)
from ._bpe_kernel import learn_merges
from ._validation import check_documents, iter_documents

__all__ = ["BPETokenizer", "learn_bpe_merges"]

_WORDS_AND_PUNCTUATION = r"\w+|[^\w\s]"


def _pairs(symbols):
    return zip(symbols[:-1], symbols[1:])


def _merge_word(symbols, pair, merged):
    """Replace every non-overlapping occurrence of ``pair``, left to right."""
    out = []
    i = 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(merged)
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return out


def learn_bpe_merges(word_counts, n_merges, end_of_word=None):
    """Learn BPE merges from a word-frequency table, incrementally.

    Parameters
    ----------
    word_counts : mapping of str to int
        How often each word occurs.
    n_merges : int
        Largest number of merges; fewer when no adjacent pair is left.
    end_of_word : str, default=None
        A marker appended to every word's last character (``"</w>"``), so
        that word-final and word-internal symbols differ; ``None`` for none.

    Returns
    -------
    merges : list of (str, str)
        The merged pairs in order.
    alphabet : list of str
        The base symbols, sorted.

    Notes
    -----
    The pair with the highest count wins; among equal counts, the smallest
    pair in Python's string order ``(left, right)``. That rule is
    deterministic and independent of the order of ``word_counts``.

    Examples
    --------
    >>> from ml2learn.text import learn_bpe_merges
    >>> table = {"hug": 10, "pug": 5, "pun": 12, "bun": 4, "hugs": 5}
    >>> learn_bpe_merges(table, 3)[0]
    [('u', 'g'), ('u', 'n'), ('h', 'ug')]
    """
    words, counts = [], []
    for word, count in sorted(word_counts.items()):
        if not word or count <= 0:
            continue
        symbols = list(word)
        if end_of_word:
            symbols[-1] += end_of_word
        words.append(symbols)
        counts.append(count)
    alphabet = sorted({s for symbols in words for s in symbols})
    if not words or n_merges == 0:
        return [], alphabet
    ids = {symbol: i for i, symbol in enumerate(alphabet)}
    code_points = [[ord(c) for c in symbol] for symbol in alphabet]
    lengths = np.array([len(c) for c in code_points], dtype=np.int64)
    merge_left, merge_right = learn_merges(
        np.array([ids[s] for symbols in words for s in symbols], dtype=np.int64),
        np.cumsum([0] + [len(symbols) for symbols in words], dtype=np.int64),
        np.array(counts, dtype=np.int64),
        np.array([c for points in code_points for c in points], dtype=np.int64),
        np.cumsum(lengths) - lengths,
        lengths,
        n_merges,
    )
    strings = list(alphabet)
    merges = []
    for a, b in zip(merge_left.tolist(), merge_right.tolist()):
        merges.append((strings[a], strings[b]))
        merged = strings[a] + strings[b]
        if merged not in ids:
            ids[merged] = len(strings)
            strings.append(merged)
    return merges, alphabet


class BPETokenizer(TransformerMixin, BaseEstimator):
    """Byte pair encoding tokenizer, trained on raw text.

    Words (``token_pattern``) are split into characters, and the most
    frequent adjacent pair over the corpus's word-frequency table is merged
    into a new symbol, again and again (``n_merges`` times, or until the
    vocabulary has ``vocab_size`` symbols). Encoding a word applies the
    learned merges in the order they were learned.

    Parameters
    ----------
    vocab_size : int, default=1000
        Target size of the vocabulary (base characters, learned symbols and
        the special tokens); ignored when ``n_merges`` is set.
    n_merges : int, default=None
        Number of merges to learn.
    end_of_word : str, default=None
        A marker appended to the last character of every word (``"</w>"``);
        ``None`` (the notes' setting) adds none.
    lowercase : bool, default=False
        Lowercase the text first.
    token_pattern : str, default=r"\\w+|[^\\w\\s]"
        What a word is; whitespace separates words and is not a word.
    output : {"tokens", "ids", "text"}, default="tokens"
        What :meth:`transform` returns per document: a list of symbols, an
        array of ids, or the symbols joined by single spaces (a string that a
        ``TfidfVectorizer(token_pattern=r"\\S+")`` can read).
    unk_token : str, default="<unk>"
        Stands for characters not seen in training.

    Attributes
    ----------
    merges_ : list of (str, str)
        The learned merges, in order.
    vocabulary_ : dict
        Symbol to id: ``unk_token`` and the word separator ``" "`` first,
        then the base characters (sorted), then the merged symbols in the
        order they were learned.
    word_counts_ : collections.Counter
        The word-frequency table of the training corpus.

    See Also
    --------
    learn_bpe_merges : The training algorithm on a word-frequency table.
    TfidfVectorizer : Can read ``output="text"``.

    Notes
    -----
    Ties between equally frequent pairs go to the smallest pair in string
    order. :meth:`transform` with ``output="tokens"`` or ``"ids"`` puts the
    separator token ``" "`` where the text had whitespace between two words,
    so that :meth:`inverse_transform` gives the text back (runs of
    whitespace become one space).

    References
    ----------
    .. [1] R. Sennrich, B. Haddow and A. Birch, "Neural machine translation
       of rare words with subword units", ACL 2016.
    .. [2] P. Gage, "A new algorithm for data compression", C Users Journal
       12(2), 1994.

    Examples
    --------
    >>> from ml2learn.text import BPETokenizer
    >>> corpus = ["hug " * 10 + "pug " * 5 + "pun " * 12 + "bun " * 4 + "hugs " * 5]
    >>> bpe = BPETokenizer(n_merges=3).fit(corpus)
    >>> bpe.merges_
    [('u', 'g'), ('u', 'n'), ('h', 'ug')]
    >>> bpe.transform(["hugs bun"])[0]
    ['hug', 's', ' ', 'b', 'un']
    """

    _parameter_constraints: dict = {
        "vocab_size": [Interval(Integral, 1, None, closed="left")],
        "n_merges": [Interval(Integral, 0, None, closed="left"), None],
        "end_of_word": [str, None],
        "lowercase": ["boolean"],
        "token_pattern": [RegularExpression()],
        "output": [StrOptions({"tokens", "ids", "text"})],
        "unk_token": [str],
    }

    def __init__(
        self,
        vocab_size=1000,
        *,
        n_merges=None,
        end_of_word=None,
        lowercase=False,
        token_pattern=_WORDS_AND_PUNCTUATION,
        output="tokens",
        unk_token="<unk>",
    ):
        self.vocab_size = vocab_size
        self.n_merges = n_merges
        self.end_of_word = end_of_word
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.output = output
        self.unk_token = unk_token

    def _words(self, document):
        """``(word, followed_by_space)`` pairs of one document."""
        text = document.lower() if self.lowercase else document
        matches = list(re.finditer(self.token_pattern, text))
        return [
            (
                m.group(),
                i + 1 < len(matches) and matches[i + 1].start() > m.end(),
            )
            for i, m in enumerate(matches)
        ]

    def _count_words(self, documents):
        """The word-frequency table of a corpus read once.

        With the default pattern, whose words never hold whitespace, the
        whitespace-separated chunks are counted first (in C) and only the
        distinct chunks go through the regular expression.
        """
        counts = Counter()
        if self.token_pattern != _WORDS_AND_PUNCTUATION:
            for document in iter_documents(documents):
                counts.update(word for word, _ in self._words(document))
            return counts
        chunks = Counter()
        for document in iter_documents(documents):
            chunks.update(document.split())
        pattern = re.compile(_WORDS_AND_PUNCTUATION)
        for chunk, n in chunks.items():
            for word in pattern.findall(chunk.lower() if self.lowercase else chunk):
                counts[word] += n
        return counts

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the merges from a corpus.

        The corpus is read once and never held: only the word counts are
        kept, so it may be a stream (a file read line by line).

        Parameters
        ----------
        X : iterable of str
            The training documents.
        y : None
            Ignored.

        Returns
        -------
        self : BPETokenizer
            The fitted tokenizer.
        """
        counts = self._count_words(X)
        if not counts:
            raise ValueError("The corpus holds no word; cannot learn BPE merges.")
        self.word_counts_ = counts
        specials = [self.unk_token, " "]
        if self.n_merges is not None:
            n_merges = self.n_merges
        else:
            marker = self.end_of_word or ""
            alphabet = {c for word in counts for c in word[:-1]}
            alphabet |= {word[-1] + marker for word in counts}
            n_merges = max(0, self.vocab_size - len(specials) - len(alphabet))
        self.merges_, alphabet = learn_bpe_merges(counts, n_merges, self.end_of_word)
        symbols = specials + alphabet + [a + b for a, b in self.merges_]
        self.vocabulary_ = {}
        for symbol in symbols:
            self.vocabulary_.setdefault(symbol, len(self.vocabulary_))
        self._build_encoder()
        return self

    def _build_encoder(self):
        self._ranks = {pair: rank for rank, pair in enumerate(self.merges_)}
        self._cache = {}

    def _encode_word(self, word):
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        symbols = list(word)
        if self.end_of_word:
            symbols[-1] += self.end_of_word
        while len(symbols) > 1:
            ranked = [(self._ranks[p], p) for p in _pairs(symbols) if p in self._ranks]
            if not ranked:
                break
            _, pair = min(ranked)
            symbols = _merge_word(symbols, pair, pair[0] + pair[1])
        symbols = [s if s in self.vocabulary_ else self.unk_token for s in symbols]
        self._cache[word] = symbols
        return symbols

    def _tokens(self, document):
        tokens = []
        for word, spaced in self._words(document):
            tokens.extend(self._encode_word(word))
            if spaced:
                tokens.append(" ")
        return tokens

    def transform(self, X):
        """Split documents into learned symbols.

        Parameters
        ----------
        X : iterable of str
            Documents.

        Returns
        -------
        tokens : list
            Per document: a list of symbols (with ``" "`` between words), an
            int64 array of ids, or a string of symbols joined by spaces,
            following ``output``.
        """
        check_is_fitted(self, "merges_")
        if not hasattr(self, "_ranks"):
            self._build_encoder()
        documents = check_documents(X)
        tokens = [self._tokens(document) for document in documents]
        if self.output == "ids":
            return [
                np.array([self.vocabulary_[t] for t in doc], dtype=np.int64)
                for doc in tokens
            ]
        if self.output == "text":
            return [" ".join(t for t in doc if t != " ") for doc in tokens]
        return tokens

    def inverse_transform(self, X):
        """Text back from symbol lists or id arrays.

        Parameters
        ----------
        X : list of lists of str or of arrays of int
            What :meth:`transform` returned (``output`` "tokens" or "ids").

        Returns
        -------
        documents : list of str
            The documents, whitespace runs as single spaces, unknown
            characters as ``unk_token``.
        """
        check_is_fitted(self, "merges_")
        symbols = {i: s for s, i in self.vocabulary_.items()}
        documents = []
        for doc in X:
            tokens = [symbols[int(t)] if not isinstance(t, str) else t for t in doc]
            text = "".join(tokens)
            if self.end_of_word:
                text = text.replace(self.end_of_word, "")
            documents.append(text)
        return documents

    def save(self, path):
        """Write the parameters, merges and vocabulary as JSON.

        Parameters
        ----------
        path : str or path-like
            Where to write.
        """
        check_is_fitted(self, "merges_")
        state = {
            "params": self.get_params(),
            "merges": [list(pair) for pair in self.merges_],
            "vocabulary": self.vocabulary_,
        }
        with open(path, "w", encoding="utf-8") as f:
            json.dump(state, f, ensure_ascii=False, indent=1)

    @classmethod
    def load(cls, path):
        """Read a tokenizer written by :meth:`save`.

        Parameters
        ----------
        path : str or path-like
            The JSON file.

        Returns
        -------
        tokenizer : BPETokenizer
            A fitted tokenizer equal to the saved one.
        """
        with open(path, encoding="utf-8") as f:
            state = json.load(f)
        tokenizer = cls(**state["params"])
        tokenizer.merges_ = [tuple(pair) for pair in state["merges"]]
        tokenizer.vocabulary_ = dict(state["vocabulary"])
        tokenizer.word_counts_ = Counter()
        tokenizer._build_encoder()
        return tokenizer

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_cache", None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if "merges_" in state:
            self._build_encoder()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags
