from collections import Counter

import numpy as np
import pytest

from ml2learn.datasets import load_dataset_descriptions
from ml2learn.text import BPETokenizer, TfidfVectorizer, learn_bpe_merges

NOTES_TABLE = {"hug": 10, "pug": 5, "pun": 12, "bun": 4, "hugs": 5}
NOTES_CORPUS = [" ".join(w for w, n in NOTES_TABLE.items() for _ in range(n))]


def _textbook_bpe(word_counts, n_merges, end_of_word=None):
    """The textbook loop: recount every pair of every word for every merge."""
    words = {}
    for word, count in word_counts.items():
        symbols = list(word)
        if end_of_word:
            symbols[-1] += end_of_word
        words[tuple(symbols)] = words.get(tuple(symbols), 0) + count
    merges = []
    for _ in range(n_merges):
        pairs = Counter()
        for symbols, count in words.items():
            for pair in zip(symbols[:-1], symbols[1:]):
                pairs[pair] += count
        if not pairs:
            break
        best = min(pairs, key=lambda p: (-pairs[p], p))
        merges.append(best)
        merged = {}
        for symbols, count in words.items():
            out, i = [], 0
            while i < len(symbols):
                if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == best:
                    out.append(symbols[i] + symbols[i + 1])
                    i += 2
                else:
                    out.append(symbols[i])
                    i += 1
            merged[tuple(out)] = merged.get(tuple(out), 0) + count
        words = merged
    return merges


def test_notes_worked_example():
    bpe = BPETokenizer(n_merges=3).fit(NOTES_CORPUS)
    assert dict(bpe.word_counts_) == NOTES_TABLE
    assert bpe.merges_ == [("u", "g"), ("u", "n"), ("h", "ug")]
    vocabulary = [s for s in bpe.vocabulary_ if s not in (bpe.unk_token, " ")]
    assert vocabulary == ["b", "g", "h", "n", "p", "s", "u", "ug", "un", "hug"]
    assert bpe.transform(["hug pug pun bun hugs"])[0] == [
        "hug",
        " ",
        "p",
        "ug",
        " ",
        "p",
        "un",
        " ",
        "b",
        "un",
        " ",
        "hug",
        "s",
    ]


@pytest.mark.parametrize("end_of_word", [None, "</w>"])
def test_incremental_merges_equal_textbook_loop_on_real_text(end_of_word):
    corpus = load_dataset_descriptions().data
    counts = Counter(w for doc in corpus for w, _ in BPETokenizer()._words(doc))
    fast, _ = learn_bpe_merges(counts, 300, end_of_word)
    assert fast == _textbook_bpe(counts, 300, end_of_word)


@pytest.mark.parametrize("end_of_word", [None, "</w>"])
def test_compiled_merges_equal_textbook_loop_to_exhaustion(end_of_word):
    # Two- and three-letter alphabets give runs ("aaaa"), repeats ("abab")
    # and many ties, where overlapping sites and the tie rule matter most.
    for seed in range(40):
        rng = np.random.default_rng(seed)
        letters = list("ab" if seed % 2 else "abc")
        table = {
            "".join(rng.choice(letters, rng.integers(1, 9))): int(rng.integers(1, 6))
            for _ in range(25)
        }
        fast, _ = learn_bpe_merges(table, 10_000, end_of_word)
        assert fast == _textbook_bpe(table, 10_000, end_of_word), seed


def test_word_counts_fast_path_equals_regular_expression():
    corpus = load_dataset_descriptions().data[:20] + [
        "Naïve café, ΣΑΣ ΟΔΟΣ! x_y  tab\there\u2003em-space",
        "",
    ]
    for lowercase in (False, True):
        bpe = BPETokenizer(lowercase=lowercase)
        expected = Counter(w for doc in corpus for w, _ in bpe._words(doc))
        assert bpe._count_words(corpus) == expected
        custom = BPETokenizer(lowercase=lowercase, token_pattern=r"\w+|[^\w\s]+")
        assert custom._count_words(corpus) == Counter(
            w for doc in corpus for w, _ in custom._words(doc)
        )


def test_vocab_size_and_stop_when_nothing_to_merge():
    corpus = load_dataset_descriptions().data
    bpe = BPETokenizer(vocab_size=200).fit(corpus)
    assert len(bpe.vocabulary_) == 200
    tiny = BPETokenizer(n_merges=100).fit(["ab ab"])
    assert tiny.merges_ == [("a", "b")]


def test_round_trip_unknown_characters_and_ids():
    corpus = load_dataset_descriptions().data
    bpe = BPETokenizer(vocab_size=300).fit(corpus)
    text = "The iris data set has 150 samples, in three classes."
    tokens = bpe.transform([text])[0]
    assert bpe.inverse_transform([tokens]) == [text]
    ids = bpe.set_params(output="ids").transform([text])[0]
    assert ids.dtype == np.int64
    assert bpe.inverse_transform([ids]) == [text]
    odd = bpe.set_params(output="tokens").transform(["héllo ☃"])[0]
    assert bpe.unk_token in odd
    assert bpe.inverse_transform([odd])[0].startswith("h")


def test_end_of_word_marker():
    bpe = BPETokenizer(n_merges=5, end_of_word="</w>").fit(NOTES_CORPUS)
    # "s" only ends words, so only its marked form is a base symbol
    assert "s</w>" in bpe.vocabulary_ and "s" not in bpe.vocabulary_
    tokens = bpe.transform(["hugs"])[0]
    assert tokens[-1].endswith("</w>")
    assert bpe.inverse_transform([tokens]) == ["hugs"]


def test_save_and_load(tmp_path):
    corpus = load_dataset_descriptions().data
    bpe = BPETokenizer(vocab_size=150).fit(corpus)
    path = tmp_path / "bpe.json"
    bpe.save(path)
    loaded = BPETokenizer.load(path)
    assert loaded.merges_ == bpe.merges_ and loaded.vocabulary_ == bpe.vocabulary_
    assert loaded.transform(corpus[:5]) == bpe.transform(corpus[:5])


def test_text_output_feeds_tfidf():
    corpus = load_dataset_descriptions().data
    bpe = BPETokenizer(vocab_size=150, output="text").fit(corpus)
    text = bpe.transform(corpus[:3])
    assert all(isinstance(t, str) for t in text)
    X = TfidfVectorizer(token_pattern=r"\S+", lowercase=False).fit_transform(text)
    assert X.shape[0] == 3


def test_bad_input():
    with pytest.raises(ValueError, match="one string"):
        BPETokenizer().fit("hello")
    with pytest.raises(TypeError, match="strings"):
        BPETokenizer().fit([1, 2])
    with pytest.raises(ValueError, match="no word"):
        BPETokenizer().fit(["   ", ""])
