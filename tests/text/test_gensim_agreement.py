"""Agreement with gensim (in the [dev] and [bench] extras): the word2vec file
formats both ways, nearest neighbours and analogy accuracy on the same
vectors."""

import numpy as np
import pytest

from ml2learn.datasets import load_kjv_word_relations
from ml2learn.text import KeyedVectors, Word2Vec

gensim_models = pytest.importorskip("gensim.models")


def _corpus(n=300, seed=0):
    rng = np.random.RandomState(seed)
    groups = [
        ["king", "queen", "prince", "throne"],
        ["man", "woman", "child", "son", "daughter"],
        ["gold", "silver", "bread", "wine"],
    ]
    return [list(rng.choice(groups[i % 3], size=7)) for i in range(n)]


@pytest.fixture(scope="module")
def fitted():
    return Word2Vec(16, window=3, min_count=1, epochs=3, random_state=0).fit(_corpus())


@pytest.mark.parametrize("binary", [False, True])
def test_gensim_reads_what_we_write(fitted, tmp_path, binary):
    path = tmp_path / "vectors.bin"
    fitted.wv_.save_word2vec_format(path, binary=binary)
    theirs = gensim_models.KeyedVectors.load_word2vec_format(str(path), binary=binary)
    assert list(theirs.index_to_key) == fitted.wv_.index_to_key
    np.testing.assert_allclose(theirs.vectors, fitted.wv_.vectors, rtol=1e-6)


@pytest.mark.parametrize("binary", [False, True])
def test_we_read_what_gensim_writes(fitted, tmp_path, binary):
    theirs = gensim_models.KeyedVectors(16)
    theirs.add_vectors(fitted.wv_.index_to_key, fitted.wv_.vectors)
    path = tmp_path / "vectors.txt"
    theirs.save_word2vec_format(str(path), binary=binary)
    ours = KeyedVectors.load_word2vec_format(path, binary=binary)
    assert ours.index_to_key == list(theirs.index_to_key)
    np.testing.assert_allclose(ours.vectors, theirs.vectors, rtol=1e-6)


def test_same_neighbours_and_analogy_accuracy_as_gensim(fitted, tmp_path):
    theirs = gensim_models.KeyedVectors(16)
    theirs.add_vectors(fitted.wv_.index_to_key, fitted.wv_.vectors)
    for word in ["king", "gold", "child"]:
        ours = fitted.wv_.most_similar(word, topn=5)
        expected = theirs.most_similar(word, topn=5)
        assert [w for w, _ in ours] == [w for w, _ in expected]
        np.testing.assert_allclose([s for _, s in ours], [s for _, s in expected], 1e-5)
    ours = fitted.wv_.analogy("man", "king", "woman", topn=3)
    expected = theirs.most_similar(positive=["king", "woman"], negative=["man"], topn=3)
    assert [w for w, _ in ours] == [str(w) for w, _ in expected]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in expected], 1e-5)
    # the same questions, in gensim's questions-words format
    pairs = [("man", "woman"), ("king", "queen"), ("son", "daughter"), ("gold", "wine")]
    questions = [(a, b, c, d) for a, b in pairs for c, d in pairs if (a, b) != (c, d)]
    path = tmp_path / "questions.txt"
    path.write_text(": toy\n" + "\n".join(" ".join(q) for q in questions) + "\n")
    score, _ = theirs.evaluate_word_analogies(str(path), case_insensitive=False)
    assert fitted.wv_.evaluate_analogies(questions).accuracy == pytest.approx(score)


def test_kjv_relations_read_by_gensim(fitted, tmp_path):
    relations = load_kjv_word_relations()
    path = tmp_path / "kjv_questions.txt"
    lines = []
    for section, questions in relations.analogies.items():
        lines.append(f": {section}")
        lines += [" ".join(q) for q in questions]
    path.write_text("\n".join(lines) + "\n")
    theirs = gensim_models.KeyedVectors(16)
    theirs.add_vectors(fitted.wv_.index_to_key, fitted.wv_.vectors)
    # most questions have a word outside this toy vocabulary: both skip them
    ours = fitted.wv_.evaluate_analogies(relations.analogies)
    _, sections = theirs.evaluate_word_analogies(str(path))
    total = sections[-1]
    assert total["section"] == "Total accuracy"
    assert ours.n_questions == len(total["correct"]) + len(total["incorrect"]) > 0
    assert ours.accuracy == pytest.approx(len(total["correct"]) / ours.n_questions)


@pytest.mark.parametrize("binary", [False, True])
def test_limit_reads_the_first_words_as_gensim(fitted, tmp_path, binary):
    path = tmp_path / "vectors"
    fitted.wv_.save_word2vec_format(path, binary=binary)
    for limit in (1, 3, 1000):
        ours = KeyedVectors.load_word2vec_format(path, binary=binary, limit=limit)
        theirs = gensim_models.KeyedVectors.load_word2vec_format(
            str(path), binary=binary, limit=limit
        )
        assert ours.index_to_key == list(theirs.index_to_key)
        np.testing.assert_array_equal(ours.vectors, theirs.vectors)
    for bad in (0, -1, 2.5):  # gensim reads every word for limit=0
        with pytest.raises(ValueError, match="limit must be"):
            KeyedVectors.load_word2vec_format(path, binary=binary, limit=bad)


def test_glove_files_without_a_header(fitted, tmp_path):
    path = tmp_path / "glove.txt"
    fitted.wv_.save_word2vec_format(path)
    lines = path.read_text().splitlines()[1:]
    path.write_text("\n".join(lines) + "\n")
    ours = KeyedVectors.load_word2vec_format(path, no_header=True)
    theirs = gensim_models.KeyedVectors.load_word2vec_format(str(path), no_header=True)
    assert ours.index_to_key == list(theirs.index_to_key) == fitted.wv_.index_to_key
    np.testing.assert_array_equal(ours.vectors, theirs.vectors)
    assert len(KeyedVectors.load_word2vec_format(path, no_header=True, limit=2)) == 2
    with pytest.raises(ValueError, match="text files only"):
        KeyedVectors.load_word2vec_format(path, binary=True, no_header=True)
    # with a header line the first word line is read as a header: a clear error
    with pytest.raises(ValueError):
        KeyedVectors.load_word2vec_format(path)


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("errors", ["replace", "ignore"])
def test_unicode_errors_as_gensim(tmp_path, binary, errors):
    wv = KeyedVectors(["caf\u00e9", "tea"], np.array([[1.0, 2.0], [3.0, 4.0]]))
    path = tmp_path / "vectors"
    wv.save_word2vec_format(path, binary=binary)
    raw = path.read_bytes().replace("caf\u00e9".encode(), b"caf\xc3")  # a cut character
    path.write_bytes(raw)
    with pytest.raises(UnicodeDecodeError):
        KeyedVectors.load_word2vec_format(path, binary=binary)
    ours = KeyedVectors.load_word2vec_format(path, binary=binary, unicode_errors=errors)
    theirs = gensim_models.KeyedVectors.load_word2vec_format(
        str(path), binary=binary, unicode_errors=errors
    )
    assert ours.index_to_key == list(theirs.index_to_key)
    np.testing.assert_array_equal(ours.vectors, theirs.vectors)
    with pytest.raises(ValueError, match="unicode_errors must be"):
        KeyedVectors.load_word2vec_format(path, unicode_errors="bogus")


def test_vectors_are_float32_as_gensim(fitted, tmp_path):
    assert fitted.wv_.vectors.dtype == np.float32
    path = tmp_path / "vectors.txt"
    fitted.wv_.save_word2vec_format(path)
    loaded = KeyedVectors.load_word2vec_format(path)
    theirs = gensim_models.KeyedVectors.load_word2vec_format(str(path))
    assert loaded.vectors.dtype == theirs.vectors.dtype == np.float32
    assert loaded.vectors.nbytes == theirs.vectors.nbytes
    wide = KeyedVectors.load_word2vec_format(path, dtype=np.float64)
    assert wide.vectors.dtype == np.float64
