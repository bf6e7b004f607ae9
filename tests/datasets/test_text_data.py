import re
import shutil

import pytest

from ml2learn.datasets import (
    load_kjv_verses,
    load_kjv_word_relations,
    load_kjv_word_vectors,
    load_sklearn_docstrings,
)


def test_sklearn_docstrings_are_labelled_paragraphs():
    corpus = load_sklearn_docstrings(modules=("svm", "cluster"))
    assert set(corpus.target) == {0, 1}
    assert all(len(re.findall(r"[A-Za-z]{2,}", p)) >= 8 for p in corpus.data)
    assert not any(p.startswith((">>>", "Read more in the")) for p in corpus.data)
    svm = [p for p, t in zip(corpus.data, corpus.target) if t == 0]
    assert any("support vector" in p.lower() for p in svm)


def test_shipped_vectors_cover_the_relations():
    wv = load_kjv_word_vectors()
    relations = load_kjv_word_relations()
    assert wv.evaluate_analogies(relations.analogies).n_skipped == 0
    assert wv.evaluate_similarities(relations.similarities).n_skipped == 0


def test_kjv_verses_need_the_bible_program(monkeypatch):
    if shutil.which("bible"):
        verses = load_kjv_verses()
        assert len(verses) == 31102
        assert verses[0].startswith("In the beginning God created")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(OSError, match="apt-get install bible-kjv-text"):
        load_kjv_verses()
