"""LineCorpus: a corpus re-read from disk, accepted by every text estimator
that fits in passes, with the results of the in-memory list."""

import numpy as np
import pytest

from ml2learn.text import BPETokenizer, GloVe, LineCorpus, TfidfVectorizer, Word2Vec

LINES = [
    "the cat sat on the mat", "the dog chased the cat", "dogs and cats are friends",
    "a bird sang on the tree", "the bird and the cat", "dogs bark at birds",
] * 5  # fmt: skip


@pytest.fixture
def corpus_file(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(LINES) + "\n")
    return path


def test_lines_are_read_on_every_pass(corpus_file):
    corpus = LineCorpus(corpus_file, repeat=3)
    assert list(corpus) == LINES * 3
    assert list(corpus) == LINES * 3  # a second pass reads the file again
    assert list(LineCorpus([corpus_file, corpus_file])) == LINES * 2


def test_estimators_fit_a_line_corpus_like_a_list(corpus_file):
    corpus = LineCorpus(corpus_file)
    a, b = TfidfVectorizer().fit(corpus), TfidfVectorizer().fit(LINES)
    assert a.vocabulary_ == b.vocabulary_
    np.testing.assert_array_equal(a.idf_, b.idf_)
    assert BPETokenizer(vocab_size=40).fit(corpus).merges_ == (
        BPETokenizer(vocab_size=40).fit(LINES).merges_
    )
    for cls in (Word2Vec, GloVe):
        params = dict(min_count=1, epochs=2, window=2, random_state=0)
        streamed, listed = cls(8, **params).fit(corpus), cls(8, **params).fit(LINES)
        np.testing.assert_array_equal(streamed.wv_.vectors, listed.wv_.vectors)


def test_bad_paths_and_repeat(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        LineCorpus(tmp_path / "missing.txt")
    (tmp_path / "a.txt").write_text("x\n")
    with pytest.raises(ValueError, match="repeat"):
        LineCorpus(tmp_path / "a.txt", repeat=0)
