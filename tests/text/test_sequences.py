import numpy as np
import pytest

from ml2learn.text import BPETokenizer, SequenceEncoder

TEXTS = ["the cat sat on the mat", "the dog sat", "a cat"]


def test_ids_by_frequency_with_padding_and_unknowns():
    encoder = SequenceEncoder().fit(TEXTS)
    v = encoder.vocabulary_
    assert encoder.index_to_token_[:4] == ["<PAD>", "<UNK>", "<BOS>", "<EOS>"]
    assert v["the"] == 4 and v["cat"] == 5 and v["sat"] == 6  # by frequency
    assert encoder.max_len_ == 6
    ids = encoder.transform(["the cat flew"])
    assert ids.tolist() == [[4, 5, 1, 0, 0, 0]]
    assert encoder.inverse_transform(ids) == ["the cat <UNK>"]
    rare = SequenceEncoder(min_freq=2).fit(TEXTS)
    assert "mat" not in rare.vocabulary_
    assert rare.transform(["mat"])[0, 0] == 1


def test_special_tokens_truncation_and_sides():
    encoder = SequenceEncoder(max_len=4, add_special_tokens=True).fit(TEXTS)
    with pytest.warns(UserWarning, match="1 text"):
        ids = encoder.transform(["the cat sat on the mat", "a cat"])
    assert ids[0].tolist() == [2, 4, 5, 6]  # <BOS> the cat sat (cut on the right)
    assert ids[1].tolist() == [2, encoder.vocabulary_["a"], 5, 3]
    left = SequenceEncoder(max_len=3, truncation="left", padding="left").fit(TEXTS)
    with pytest.warns(UserWarning):
        assert left.transform(["the cat sat on the mat"])[0].tolist() == [
            left.vocabulary_[w] for w in ["on", "the", "mat"]
        ]
    assert left.transform(["cat"])[0].tolist() == [0, 0, left.vocabulary_["cat"]]


def test_characters_and_a_fitted_tokenizer():
    chars = SequenceEncoder("char").fit(["hello"])
    assert chars.inverse_transform(chars.transform(["hell"])) == ["hell"]
    bpe = BPETokenizer(vocab_size=20).fit(TEXTS * 3)
    encoder = SequenceEncoder(bpe).fit(TEXTS)
    ids = encoder.transform(TEXTS)
    assert ids.shape[0] == 3 and np.all(ids[:, 0] > 3)
    assert encoder.inverse_transform(ids) == bpe.inverse_transform(bpe.transform(TEXTS))


def test_an_unfitted_tokenizer_is_cloned_and_fitted_on_the_training_texts():
    bpe = BPETokenizer(vocab_size=20)
    encoder = SequenceEncoder(bpe).fit(TEXTS * 3)
    assert not hasattr(bpe, "merges_")  # the parameter is left as it was
    reference = BPETokenizer(vocab_size=20).fit(TEXTS * 3)
    assert encoder.tokenizer_.merges_ == reference.merges_
    assert encoder.inverse_transform(encoder.transform(TEXTS)) == (
        reference.inverse_transform(reference.transform(TEXTS))
    )


@pytest.mark.parametrize("output", ["ids", "text"])
def test_a_tokenizer_must_give_string_tokens(output):
    bpe = BPETokenizer(vocab_size=20, output=output)
    with pytest.raises(TypeError, match="list of string tokens.*output='tokens'"):
        SequenceEncoder(bpe).fit(TEXTS)


def test_bad_input():
    encoder = SequenceEncoder().fit(TEXTS)
    assert encoder.transform([""]).tolist() == [[0] * 6]
    with pytest.raises(ValueError, match="2-D"):
        encoder.inverse_transform([1, 2])
    with pytest.raises(ValueError, match="ids must lie"):
        encoder.inverse_transform([[99]])
    with pytest.raises(ValueError, match="no text"):
        SequenceEncoder().fit([])
