"""Conformance of the text-input estimators (scikit-learn's checks skip them).

The equivalent of ``parametrize_with_checks`` for estimators whose ``X`` is an
iterable of documents: clone and parameters, pickling, idempotent fits,
untouched input, ``NotFittedError``, empty corpora, documents with no usable
token, non-string items, unicode, and use inside ``GridSearchCV(n_jobs=2)``.
"""

import copy
import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from ml2learn import all_estimators
from ml2learn.neural import (
    RNNLanguageModel,
    Seq2SeqTranslator,
    TransformerLanguageModel,
    TransformerMaskedLM,
)
from ml2learn.text import (
    BPETokenizer,
    CooccurrenceEmbedding,
    GloVe,
    SequenceEncoder,
    TextPreprocessor,
    TfidfVectorizer,
    Word2Vec,
)
from ml2learn.utils.discovery import _text_estimators

TEXT_ESTIMATORS = _text_estimators(all_estimators())

# Each text estimator in a pipeline that ends in a classifier, with a grid.
PIPELINES = {
    "TfidfVectorizer": (
        lambda: make_pipeline(TfidfVectorizer(), LogisticRegression()),
        {"tfidfvectorizer__tf": ["proportion", "sublinear"]},
    ),
    "BPETokenizer": (
        lambda: make_pipeline(
            BPETokenizer(output="text"),
            TfidfVectorizer(token_pattern=r"\S+", lowercase=False),
            LogisticRegression(),
        ),
        {"bpetokenizer__vocab_size": [30, 60]},
    ),
    "CooccurrenceEmbedding": (
        lambda: make_pipeline(
            CooccurrenceEmbedding(n_components=4, window=2, random_state=0),
            LogisticRegression(),
        ),
        {"cooccurrenceembedding__weighting": ["count", "ramp"]},
    ),
    "GloVe": (
        lambda: make_pipeline(
            GloVe(8, window=2, min_count=1, epochs=5, random_state=0),
            LogisticRegression(),
        ),
        {"glove__vectors": ["sum", "words"]},
    ),
    "Word2Vec": (
        lambda: make_pipeline(
            Word2Vec(8, window=2, min_count=1, epochs=5, random_state=0),
            LogisticRegression(),
        ),
        {"word2vec__architecture": ["skipgram", "cbow"]},
    ),
    "SequenceEncoder": (
        lambda: make_pipeline(SequenceEncoder(max_len=8), LogisticRegression()),
        {"sequenceencoder__padding": ["right", "left"]},
    ),
    "RNNLanguageModel": (
        lambda: RNNLanguageModel(hidden_size=8, max_epochs=3, random_state=0),
        {"cell": ["gru", "lstm"]},
    ),
    "TransformerLanguageModel": (
        lambda: TransformerLanguageModel(
            8, 2, num_layers=1, max_epochs=3, random_state=0
        ),
        {"positions": ["sinusoidal", "learned"]},
    ),
    "TransformerMaskedLM": (
        lambda: TransformerMaskedLM(16, 2, num_layers=1, max_epochs=3, random_state=0),
        {"mask_probability": [0.15, 0.3]},
    ),
    "Seq2SeqTranslator": (
        lambda: Seq2SeqTranslator(
            hidden_size=16, embedding_dim=8, learning_rate=0.02, random_state=0
        ),
        {"attention": ["dot", None]},
    ),
    "TextPreprocessor": (
        lambda: make_pipeline(
            TextPreprocessor(output="text", stop_words="english"),
            TfidfVectorizer(),
            LogisticRegression(),
        ),
        {"textpreprocessor__stemmer": [None, "porter"]},
    ),
}

DOCS = [
    "the cat sat on the mat",
    "the dog chased the cat",
    "dogs and cats are friends",
    "a bird sang on the tree",
    "the bird and the cat",
    "dogs bark at birds",
] * 3
LABELS = np.array([0, 1, 1, 0, 0, 1] * 3)
IDS = [name for name, _ in TEXT_ESTIMATORS]


def _make(cls):
    """A default instance, seeded where the estimator is random and keeping
    every word of these small corpora where it has a ``min_count``."""
    estimator = cls()
    params = estimator.get_params()
    if "random_state" in params:
        estimator.set_params(random_state=0)
    if "min_count" in params:
        estimator.set_params(min_count=1)
    return estimator


def _targets(docs):
    """Target texts for a text-to-text estimator: the words backwards."""
    return [" ".join(reversed(str(doc).split())) for doc in docs]


def _supervised(estimator):
    return estimator.__sklearn_tags__().target_tags.required


def _fit(estimator, docs):
    if _supervised(estimator):
        return estimator.fit(docs, _targets(docs))
    return estimator.fit(docs)


def _output(estimator, X):
    """What a fitted text estimator makes of documents: ``transform`` (for
    the neural ones, each text's mean token state)."""
    return estimator.transform(X)


def _dense(X):
    """Outputs in a form ``==`` and ``np.isfinite`` can check."""
    if sp.issparse(X):
        return X.toarray()
    if isinstance(X, list):
        return [x.tolist() if isinstance(x, np.ndarray) else x for x in X]
    return np.asarray(X)


def _assert_same(a, b):
    a, b = _dense(a), _dense(b)
    if isinstance(a, list):
        assert a == b
    else:
        np.testing.assert_array_equal(a, b)


def _assert_finite(out, n_documents):
    assert len(out) == n_documents
    if isinstance(out, np.ndarray) and out.dtype == object:
        assert all(isinstance(text, str) for text in out)
    elif not isinstance(out, list):
        assert np.all(np.isfinite(out))


def test_text_estimators_are_registered():
    assert set(IDS) == set(PIPELINES)


@pytest.mark.parametrize("name, cls", TEXT_ESTIMATORS, ids=IDS)
def test_clone_and_params(name, cls):
    est = cls()
    params = est.get_params()
    assert clone(est).get_params() == params
    est.set_params(**params)
    assert repr(est)


@pytest.mark.parametrize("name, cls", TEXT_ESTIMATORS, ids=IDS)
def test_pickle_round_trip_and_idempotent_fit(name, cls):
    fitted = _fit(_make(cls), DOCS)
    first = _output(fitted, DOCS)
    restored = pickle.loads(pickle.dumps(fitted))
    _assert_same(_output(restored, DOCS), first)
    _assert_same(_output(_fit(_make(cls), DOCS), DOCS), first)
    _assert_same(_output(_fit(fitted, DOCS), DOCS), first)


@pytest.mark.parametrize("name, cls", TEXT_ESTIMATORS, ids=IDS)
def test_input_not_mutated(name, cls):
    docs = copy.deepcopy(DOCS)
    targets = _targets(DOCS)
    estimator = _make(cls)
    if _supervised(estimator):
        estimator.fit(docs, targets)
    else:
        estimator.fit(docs)
    _output(estimator, docs)
    assert docs == DOCS and targets == _targets(DOCS)


@pytest.mark.parametrize("name, cls", TEXT_ESTIMATORS, ids=IDS)
def test_not_fitted(name, cls):
    with pytest.raises(NotFittedError):
        _output(cls(), DOCS)


@pytest.mark.parametrize("name, cls", TEXT_ESTIMATORS, ids=IDS)
def test_empty_and_stopword_only_corpora(name, cls):
    with pytest.raises(ValueError):
        cls().fit([], []) if _supervised(cls()) else cls().fit([])
    fitted = _fit(cls(), DOCS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "no known word"
        _assert_finite(_dense(_output(fitted, ["", "zzz qqq"])), 2)


@pytest.mark.parametrize("name, cls", TEXT_ESTIMATORS, ids=IDS)
def test_non_string_items_are_rejected(name, cls):
    # a clear error naming what is wrong, not one from deep inside
    for corpus in ([1, 2, 3], ["a first document", None], [b"bytes", "text"]):
        if name == "TfidfVectorizer" and isinstance(corpus[0], bytes):
            # documented: bytes are decoded with `encoding`, as scikit-learn does
            decoded = _fit(cls(), ["bytes", "text"]).transform(["bytes"])
            np.testing.assert_array_equal(
                _fit(cls(), corpus).transform([b"bytes"]).toarray(), decoded.toarray()
            )
            continue
        with pytest.raises((TypeError, ValueError), match="str|token"):
            _fit(cls(), corpus)
    with pytest.raises(ValueError, match="string"):
        _fit(cls(), "a single string")


@pytest.mark.parametrize("name, cls", TEXT_ESTIMATORS, ids=IDS)
def test_unicode(name, cls):
    docs = ["café crème brûlée", "naïve façade", "日本語 テキスト", "emoji 🙂 text"]
    _assert_finite(_dense(_output(_fit(_make(cls), docs), docs)), 4)


@pytest.mark.parametrize("name, cls", TEXT_ESTIMATORS, ids=IDS)
def test_pipeline_grid_search_parallel(name, cls):
    make, grid = PIPELINES[name]
    if _supervised(cls()):
        # a translator is scored by its exact-match accuracy
        search = GridSearchCV(make(), grid, cv=3, n_jobs=2).fit(DOCS, _targets(DOCS))
        assert search.best_score_ > 0.5
        assert search.predict(DOCS).shape == (len(DOCS),)
        assert search.score(DOCS, _targets(DOCS)) > 0.5
        return
    if hasattr(cls, "perplexity"):
        # a language model is scored by its own mean log-likelihood
        search = GridSearchCV(make(), grid, cv=3, n_jobs=2).fit(DOCS)
        assert np.isfinite(search.best_score_) and search.best_score_ < 0
        if hasattr(cls, "generate"):
            assert len(search.best_estimator_.generate("the", random_state=0)) >= 0
        else:
            assert len(search.best_estimator_.fill_mask(["the [MASK]"])[0]) == 1
        return
    search = GridSearchCV(make(), grid, cv=3, n_jobs=2).fit(DOCS, LABELS)
    assert search.best_score_ > 0.5
    assert search.predict(DOCS).shape == (len(DOCS),)


@pytest.mark.parametrize("name, cls", TEXT_ESTIMATORS, ids=IDS)
def test_set_output_pandas_where_the_output_is_dense(name, cls):
    pd = pytest.importorskip("pandas")
    out = _fit(_make(cls), DOCS).transform(DOCS)
    if not (isinstance(out, np.ndarray) and out.ndim == 2):
        # token lists and sparse matrices have no pandas form
        assert isinstance(out, list) or sp.issparse(out)
        return
    est = _fit(_make(cls).set_output(transform="pandas"), DOCS)
    frame = est.transform(DOCS)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == list(est.get_feature_names_out())
    np.testing.assert_allclose(frame.to_numpy(), out)


@pytest.mark.parametrize("name, cls", TEXT_ESTIMATORS, ids=IDS)
def test_a_decomposed_accent_reads_as_the_composed_letter(name, cls):
    composed = [doc.replace("cat", "caf\u00e9 cat") for doc in DOCS]
    decomposed = [doc.replace("caf\u00e9", "cafe\u0301") for doc in composed]
    assert decomposed != composed
    _assert_same(
        _output(_fit(_make(cls), decomposed), decomposed),
        _output(_fit(_make(cls), composed), composed),
    )


TOKEN_PATTERN_ESTIMATORS = [
    (name, cls)
    for name, cls in TEXT_ESTIMATORS
    if "token_pattern" in cls().get_params()
]


@pytest.mark.parametrize(
    "name, cls", TOKEN_PATTERN_ESTIMATORS, ids=[n for n, _ in TOKEN_PATTERN_ESTIMATORS]
)
def test_an_invalid_token_pattern_is_named(name, cls):
    assert len(TOKEN_PATTERN_ESTIMATORS) >= 5
    with pytest.raises(ValueError, match="'token_pattern' parameter .* regular"):
        _fit(_make(cls).set_params(token_pattern="("), DOCS)


def test_an_unknown_lemmatiser_language_is_named():
    from ml2learn.text import TextPreprocessor

    with pytest.raises(ValueError, match="language='xx' is not a language"):
        TextPreprocessor(lemmatize=True, language="xx").fit(DOCS)


N_JOBS_ESTIMATORS = [
    (name, cls) for name, cls in TEXT_ESTIMATORS if "n_jobs" in cls().get_params()
]


@pytest.mark.parametrize(
    "name, cls", N_JOBS_ESTIMATORS, ids=[n for n, _ in N_JOBS_ESTIMATORS]
)
def test_n_jobs_zero_is_named_and_minus_two_is_all_cores_but_one(name, cls):
    assert len(N_JOBS_ESTIMATORS) >= 2  # Word2Vec and GloVe
    with pytest.raises(ValueError, match="'n_jobs' parameter .* Got 0"):
        _fit(_make(cls).set_params(n_jobs=0), DOCS)
    _fit(_make(cls).set_params(n_jobs=-2), DOCS)
