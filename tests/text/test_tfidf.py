import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction import text as sk_text

from ml2learn.text import TfidfVectorizer

CORPUS = [
    "The cat sat on the mat.",
    "The dog sat on the log, and the dog barked.",
    "Cats and dogs: cats chase dogs, dogs chase cats!",
    "A completely different sentence about cosine similarity.",
    "",
]


def test_notes_worked_example():
    # 10,000 documents; D has 2,000 words, "get" 30 times and "cosine" 6 times;
    # "get" is in 6,000 documents and "cosine" in 10.
    document = " ".join(["get"] * 30 + ["cosine"] * 6 + ["filler"] * 1964)
    others = ["get"] * 5999 + ["cosine"] * 9 + ["other"] * (10000 - 1 - 5999 - 9)
    vec = TfidfVectorizer()
    X = vec.fit_transform([document, *others])
    get, cosine = vec.vocabulary_["get"], vec.vocabulary_["cosine"]
    assert round(X[0, get], 4) == 0.0077
    assert round(X[0, cosine], 4) == 0.0207
    assert X[0, get] == pytest.approx(30 / 2000 * np.log(10000 / 6000))
    assert X[0, cosine] == pytest.approx(6 / 2000 * np.log(10000 / 10))


def test_default_is_the_course_formula():
    vec = TfidfVectorizer()
    X = vec.fit_transform(CORPUS).toarray()
    counts = sk_text.CountVectorizer().fit(CORPUS)
    C = counts.transform(CORPUS).toarray().astype(float)
    lengths = C.sum(axis=1, keepdims=True)
    tf = np.divide(C, lengths, out=np.zeros_like(C), where=lengths > 0)
    idf = np.log(len(CORPUS) / (C > 0).sum(axis=0))
    np.testing.assert_allclose(X, tf * idf, atol=1e-15)
    assert vec.n_documents_ == 5
    assert sp.isspmatrix_csr(vec.transform(CORPUS))


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (dict(tf="raw", idf="smooth", norm="l2"), dict()),
        (dict(tf="raw", idf="log+1", norm="l2"), dict(smooth_idf=False)),
        (dict(tf="sublinear", idf="smooth", norm="l2"), dict(sublinear_tf=True)),
        (dict(tf="raw", idf=None, norm="l1"), dict(use_idf=False, norm="l1")),
        (
            dict(
                tf="raw",
                idf="smooth",
                norm=None,
                ngram_range=(1, 2),
                stop_words="english",
                min_df=1,
            ),
            dict(norm=None, ngram_range=(1, 2), stop_words="english"),
        ),
        (dict(tf="binary", idf="smooth", norm="l2"), dict(binary=True)),
    ],
)
def test_agrees_with_sklearn(ours, theirs):
    mine = TfidfVectorizer(**ours).fit(CORPUS)
    ref = sk_text.TfidfVectorizer(**theirs).fit(CORPUS)
    assert mine.vocabulary_ == ref.vocabulary_
    np.testing.assert_allclose(
        mine.transform(CORPUS).toarray(), ref.transform(CORPUS).toarray(), atol=1e-12
    )
    np.testing.assert_array_equal(
        mine.get_feature_names_out(), ref.get_feature_names_out()
    )


def test_vocabulary_and_document_frequency_cuts():
    vec = TfidfVectorizer(vocabulary=["cat", "dog", "zebra"]).fit(CORPUS)
    assert vec.transform(CORPUS).shape == (5, 3)
    # a fixed term no document contains counts as in one: ln(N / 1)
    assert vec.idf_[2] == pytest.approx(np.log(5))
    cut = TfidfVectorizer(min_df=2, max_features=3).fit(CORPUS)
    assert len(cut.vocabulary_) <= 3


def test_unseen_terms_and_empty_documents():
    vec = TfidfVectorizer().fit(CORPUS)
    X = vec.transform(["zebra unicorn", ""])
    assert X.nnz == 0


def test_bad_input():
    with pytest.raises(ValueError, match="one string"):
        TfidfVectorizer().fit("just one string")
    with pytest.raises(ValueError, match="tf"):
        TfidfVectorizer(tf="log").fit(CORPUS)
    with pytest.raises(ValueError, match="empty vocabulary"):
        TfidfVectorizer().fit(["", "  "])


STREAM_DOCS = [
    "the cat sat on the mat", "the dog chased the cat", "dogs and cats are friends",
    "a bird sang on the tree", "the bird and the cat", "dogs bark at birds",
    "the the the cat", "mat mat dog", "",
]  # fmt: skip


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"min_df": 2},
        {"max_df": 0.5, "min_df": 0.2},
        {"max_features": 4},
        {"max_features": 3, "binary": True},
        {"ngram_range": (1, 2), "max_features": 6},
        {"analyzer": "char_wb", "ngram_range": (2, 3), "min_df": 2},
        {"vocabulary": ["cat", "dog", "zebra"]},
        {"stop_words": ["the", "a"], "idf": "smooth", "tf": "sublinear"},
    ],
)
def test_streaming_fit_equals_fit_transform(params):
    streamed = TfidfVectorizer(**params).fit(iter(STREAM_DOCS))  # one pass
    batch = TfidfVectorizer(**params)
    expected = batch.fit_transform(STREAM_DOCS)
    assert streamed.vocabulary_ == batch.vocabulary_
    np.testing.assert_array_equal(streamed.idf_, batch.idf_)
    assert streamed.n_documents_ == batch.n_documents_ == len(STREAM_DOCS)
    np.testing.assert_array_equal(
        streamed.transform(STREAM_DOCS).toarray(), expected.toarray()
    )


def test_streaming_fit_errors_match():
    with pytest.raises(ValueError, match="empty vocabulary"):
        TfidfVectorizer().fit(["", "a"])
    with pytest.raises(ValueError, match="no terms remain"):
        TfidfVectorizer(min_df=0.9).fit(STREAM_DOCS)
    with pytest.raises(ValueError, match="max_df corresponds"):
        TfidfVectorizer(min_df=5, max_df=2).fit(STREAM_DOCS)


def test_an_integer_dtype_warns_and_gives_float_weights():
    docs = ["aa bb", "aa cc"]
    with pytest.warns(UserWarning, match="cannot hold TF-IDF weights"):
        X = TfidfVectorizer(dtype=int).fit_transform(docs)
    assert X.dtype == np.float64 and X.nnz == 2  # "aa" is in every document
    np.testing.assert_array_equal(
        X.toarray(), TfidfVectorizer().fit_transform(docs).toarray()
    )


@pytest.mark.parametrize("ngram_range", [(0, 1), (2, 1), (-1, 2)])
def test_ngram_range_must_start_at_one(ngram_range):
    with pytest.raises(ValueError, match="ngram_range"):
        TfidfVectorizer(ngram_range=ngram_range).fit(["a b", "a c"])
    with pytest.raises(ValueError, match="ngram_range"):
        TfidfVectorizer(ngram_range=ngram_range).fit_transform(["a b", "a c"])
