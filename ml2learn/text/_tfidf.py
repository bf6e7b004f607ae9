"""TF-IDF with the course's formula by default (notes, lines 7517-7610).

:class:`TfidfVectorizer` is scikit-learn's :class:`CountVectorizer` (tokens,
n-grams, document-frequency cuts, vocabulary) followed by a term-frequency
and an inverse-document-frequency weighting chosen by name.
"""

import warnings
from collections import Counter
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted

from ..utils._param_validation import RegularExpression, StrOptions, _fit_context
from ._validation import normalize_unicode

__all__ = ["TfidfVectorizer"]

TF_OPTIONS = ("proportion", "raw", "sublinear", "binary")
IDF_OPTIONS = ("log", "log+1", "smooth")


def _term_frequency(counts, tf):
    """Weight a CSR count matrix row by row."""
    counts = counts.astype(np.float64)
    if tf == "raw":
        return counts
    if tf == "binary":
        counts.data[:] = 1.0
        return counts
    if tf == "sublinear":
        counts.data = 1.0 + np.log(counts.data)
        return counts
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    scale = np.divide(1.0, lengths, out=np.zeros_like(lengths), where=lengths > 0)
    return sp.csr_matrix(sp.diags(scale) @ counts)


def _inverse_document_frequency(document_frequency, n_documents, idf):
    # a term of a fixed vocabulary that no training document contains counts
    # as in one document, so that its idf stays finite
    if idf != "smooth":
        document_frequency = np.maximum(document_frequency, 1.0)
    if idf == "log":
        return np.log(n_documents / document_frequency)
    if idf == "log+1":
        return np.log(n_documents / document_frequency) + 1.0
    return np.log((1.0 + n_documents) / (1.0 + document_frequency)) + 1.0


class TfidfVectorizer(CountVectorizer):
    """Documents as TF-IDF vectors, by default exactly the course's formula.

    ``TF-IDF(t, d) = TF(t, d) * IDF(t)`` with, by default,
    ``TF(t, d) = n_td / n_d`` (the share of ``d``'s terms that are ``t``) and
    ``IDF(t) = ln(N / n_t)`` (``N`` documents, ``n_t`` of them contain
    ``t``). The front end is scikit-learn's :class:`CountVectorizer`, so every
    tokenising option of it is available.

    Parameters
    ----------
    input : {"content", "filename", "file"}, default="content"
        What the items of the corpus are.
    encoding : str, default="utf-8"
        Encoding of bytes or files.
    decode_error : {"strict", "ignore", "replace"}, default="strict"
        What to do with bytes that do not decode.
    strip_accents : {"ascii", "unicode"} or callable, default=None
        Accent removal.
    lowercase : bool, default=True
        Lowercase before tokenising.
    preprocessor : callable, default=None
        Replaces the preprocessing step.
    tokenizer : callable, default=None
        Replaces the tokenising step.
    stop_words : {"english"}, list or None, default=None
        Words to drop.
    token_pattern : str, default=r"(?u)\\b\\w\\w+\\b"
        What a token is.
    ngram_range : tuple (min_n, max_n), default=(1, 1)
        Lengths of the n-grams counted.
    analyzer : {"word", "char", "char_wb"} or callable, default="word"
        Word or character n-grams.
    max_df : float or int, default=1.0
        Drop terms in more documents than this (share or count).
    min_df : float or int, default=1
        Drop terms in fewer documents than this (share or count).
    max_features : int, default=None
        Keep the most frequent terms only.
    vocabulary : mapping or iterable, default=None
        A fixed vocabulary.
    binary : bool, default=False
        Count presence only (before ``tf``).
    dtype : dtype, default=np.float64
        Type of the output.
    tf : {"proportion", "raw", "sublinear", "binary"}, default="proportion"
        ``n_td / n_d`` (the course), ``n_td``, ``1 + ln(n_td)``, or
        ``[n_td > 0]``.
    idf : {"log", "log+1", "smooth"} or None, default="log"
        ``ln(N / n_t)`` (the course), ``ln(N / n_t) + 1`` (scikit-learn's
        ``smooth_idf=False``), ``ln((1 + N) / (1 + n_t)) + 1`` (scikit-learn's
        default), or no idf.
    norm : {"l1", "l2"} or None, default=None
        Normalise every document vector (the course does not).

    Attributes
    ----------
    vocabulary_ : dict
        Term to column index.
    idf_ : ndarray of shape (n_features,)
        ``IDF(t)`` per column (ones when ``idf=None``).
    n_documents_ : int
        ``N``, the number of training documents.

    See Also
    --------
    sklearn.feature_extraction.text.TfidfVectorizer : scikit-learn's, with
        ``tf="raw", idf="smooth", norm="l2"`` as its defaults.

    Notes
    -----
    With ``tf="raw", idf="smooth", norm="l2"`` (or ``idf="log+1"``) the output
    equals scikit-learn's ``TfidfVectorizer`` with ``smooth_idf=True`` (or
    ``False``); ``tf="sublinear"`` is its ``sublinear_tf=True``.

    References
    ----------
    .. [1] K. Sparck Jones, "A statistical interpretation of term specificity
       and its application in retrieval", Journal of Documentation 28(1),
       1972.

    Examples
    --------
    >>> from ml2learn.text import TfidfVectorizer
    >>> docs = ["the cat sat", "the dog sat", "the cat ran"]
    >>> X = TfidfVectorizer().fit_transform(docs)
    >>> vec = TfidfVectorizer().fit(docs)
    >>> round(float(vec.idf_[vec.vocabulary_["cat"]]), 4)  # ln(3 / 2)
    0.4055
    """

    _parameter_constraints: dict = {
        **CountVectorizer._parameter_constraints,
        "token_pattern": [RegularExpression(), None],
        "tf": [StrOptions(set(TF_OPTIONS))],
        "idf": [StrOptions(set(IDF_OPTIONS)), None],
        "norm": [StrOptions({"l1", "l2"}), None],
    }

    def __init__(
        self,
        *,
        input="content",
        encoding="utf-8",
        decode_error="strict",
        strip_accents=None,
        lowercase=True,
        preprocessor=None,
        tokenizer=None,
        stop_words=None,
        token_pattern=r"(?u)\b\w\w+\b",
        ngram_range=(1, 1),
        analyzer="word",
        max_df=1.0,
        min_df=1,
        max_features=None,
        vocabulary=None,
        binary=False,
        dtype=np.float64,
        tf="proportion",
        idf="log",
        norm=None,
    ):
        super().__init__(
            input=input,
            encoding=encoding,
            decode_error=decode_error,
            strip_accents=strip_accents,
            lowercase=lowercase,
            preprocessor=preprocessor,
            tokenizer=tokenizer,
            stop_words=stop_words,
            token_pattern=token_pattern,
            ngram_range=ngram_range,
            analyzer=analyzer,
            max_df=max_df,
            min_df=min_df,
            max_features=max_features,
            vocabulary=vocabulary,
            binary=binary,
            dtype=dtype,
        )
        self.tf = tf
        self.idf = idf
        self.norm = norm

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, raw_documents, y=None):
        """Learn the vocabulary and the document frequencies.

        The corpus is read once, document by document, and never held:
        memory grows with the vocabulary, not with the corpus, so any
        re-iterable or one-shot iterable of documents (a file read line by
        line) can be larger than memory. The result equals that of
        ``fit_transform``.

        Parameters
        ----------
        raw_documents : iterable of str
            The corpus.
        y : None
            Ignored.

        Returns
        -------
        self : TfidfVectorizer
            The fitted vectorizer.
        """
        if isinstance(raw_documents, str):
            raise ValueError(
                "raw_documents must be an iterable of documents; got one string."
            )
        self._check_settings()
        self._validate_ngram_range()
        self._warn_for_unused_params()
        self._validate_vocabulary()
        analyze = self.build_analyzer()
        fixed = self.vocabulary_ if self.fixed_vocabulary_ else None
        document_counts, term_counts = Counter(), Counter()
        n_documents = 0
        for document in raw_documents:
            n_documents += 1
            tokens = analyze(document)
            if fixed is not None:
                tokens = [t for t in tokens if t in fixed]
            # a Counter counts an iterable in C, a mapping in Python
            term_counts.update(tokens)
            document_counts.update(set(tokens))
        if fixed is None:
            self.vocabulary_ = self._streamed_vocabulary(
                document_counts, term_counts, n_documents
            )
        terms = sorted(self.vocabulary_, key=self.vocabulary_.get)
        frequency = np.array([document_counts[t] for t in terms], dtype=np.float64)
        self.n_documents_ = n_documents
        if self.idf is None:
            self.idf_ = np.ones(len(terms))
        else:
            self.idf_ = _inverse_document_frequency(frequency, n_documents, self.idf)
        return self

    def _streamed_vocabulary(self, document_counts, term_counts, n_documents):
        """scikit-learn's document-frequency cuts and ``max_features``, on
        counts instead of a document-term matrix."""
        if not document_counts:
            raise ValueError(
                "empty vocabulary; perhaps the documents only contain stop words"
            )
        terms = sorted(document_counts)
        dfs = np.array([document_counts[t] for t in terms])
        tfs = dfs if self.binary else np.array([term_counts[t] for t in terms])
        max_df, min_df = self.max_df, self.min_df
        high = max_df if isinstance(max_df, Integral) else max_df * n_documents
        low = min_df if isinstance(min_df, Integral) else min_df * n_documents
        if high < low:
            raise ValueError("max_df corresponds to < documents than min_df")
        mask = (dfs <= high) & (dfs >= low)
        if self.max_features is not None and mask.sum() > self.max_features:
            # the same ranking as CountVectorizer._limit_features
            keep = (-tfs[mask]).argsort()[: self.max_features]
            limited = np.zeros(len(dfs), dtype=bool)
            limited[np.where(mask)[0][keep]] = True
            mask = limited
        kept = [t for t, m in zip(terms, mask) if m]
        if not kept:
            raise ValueError(
                "After pruning, no terms remain. Try a lower min_df or a higher max_df."
            )
        return {t: i for i, t in enumerate(kept)}

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, raw_documents, y=None):
        """Learn the vocabulary and idf; return the TF-IDF matrix.

        Parameters
        ----------
        raw_documents : iterable of str
            The corpus.
        y : None
            Ignored.

        Returns
        -------
        X : sparse matrix of shape (n_documents, n_features)
            TF-IDF weights (CSR).
        """
        if isinstance(raw_documents, str):
            raise ValueError(
                "raw_documents must be an iterable of documents; got one string."
            )
        self._check_settings()
        counts = super().fit_transform(raw_documents)
        self.n_documents_ = counts.shape[0]
        document_frequency = np.bincount(counts.indices, minlength=counts.shape[1])
        if self.idf is None:
            self.idf_ = np.ones(counts.shape[1])
        else:
            self.idf_ = _inverse_document_frequency(
                document_frequency.astype(np.float64), self.n_documents_, self.idf
            )
        return self._weight(counts)

    def transform(self, raw_documents):
        """TF-IDF vectors of documents, with the fitted vocabulary and idf.

        Parameters
        ----------
        raw_documents : iterable of str
            Documents.

        Returns
        -------
        X : sparse matrix of shape (n_documents, n_features)
            TF-IDF weights (CSR).
        """
        check_is_fitted(self, "idf_")
        if isinstance(raw_documents, str):
            raise ValueError(
                "raw_documents must be an iterable of documents; got one string."
            )
        return self._weight(super().transform(raw_documents))

    def _weight(self, counts):
        weighted = _term_frequency(sp.csr_matrix(counts), self.tf)
        weighted = sp.csr_matrix(weighted @ sp.diags(self.idf_))
        if self.norm is not None:
            weighted = normalize(weighted, norm=self.norm, copy=False)
        return weighted.astype(self._output_dtype(), copy=False)

    def _output_dtype(self):
        return self.dtype if np.issubdtype(self.dtype, np.floating) else np.float64

    def build_preprocessor(self):
        """scikit-learn's preprocessor, after putting the document in Unicode
        normal form C (as every ml2learn text estimator reads documents).

        Returns
        -------
        preprocessor : callable
            Maps a document to the string the tokenizer cuts.
        """
        preprocess = super().build_preprocessor()
        return lambda document: preprocess(
            normalize_unicode(document, name="raw_documents")
        )

    def _check_settings(self):
        """Settings scikit-learn's CountVectorizer lets through."""
        min_n, max_n = self.ngram_range
        if not (
            isinstance(min_n, Integral)
            and isinstance(max_n, Integral)
            and 1 <= min_n <= max_n
        ):
            raise ValueError(
                "ngram_range must be (min_n, max_n) with 1 <= min_n <= max_n; "
                f"got {self.ngram_range!r}."
            )
        if not np.issubdtype(self.dtype, np.floating):
            warnings.warn(
                f"dtype={self.dtype!r} cannot hold TF-IDF weights (fractions); "
                "the output is float64, as scikit-learn's TfidfVectorizer makes it.",
                UserWarning,
                stacklevel=3,
            )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags
