import numpy as np
import pytest
import torch

from ml2learn.neural import RNNLanguageModel, TransformerLanguageModel

MODELS = {
    "rnn": lambda **kw: RNNLanguageModel(hidden_size=16, random_state=0, **kw),
    "transformer": lambda **kw: TransformerLanguageModel(
        16, 2, num_layers=1, random_state=0, **kw
    ),
}


@pytest.mark.parametrize("kind", ["rnn", "transformer"])
def test_notes_hello_example(kind):
    lm = MODELS[kind](max_epochs=80).fit(["hello"])
    assert lm.generate("hel", temperature=0) == "lo"
    assert lm.generate("", temperature=0) == "hello"
    assert lm.perplexity(["hello"]) < 1.2
    assert lm.perplexity(["hello"]) == pytest.approx(np.exp(-lm.score(["hello"])))


@pytest.mark.parametrize("kind", ["rnn", "transformer"])
def test_scores_and_sampling(kind):
    texts = ["abab", "abba", "baab"] * 10
    lm = MODELS[kind](max_epochs=30).fit(texts)
    per_text = lm.score_samples(["abab", "zzzz", ""])
    assert per_text.shape == (3,) and np.all(per_text <= 0)
    assert per_text[0] > per_text[1]  # seen text beats unseen characters
    a = lm.generate("a", max_new_tokens=10, temperature=1.5, top_k=2, random_state=3)
    b = lm.generate("a", max_new_tokens=10, temperature=1.5, top_k=2, random_state=3)
    assert a == b and set(a) <= {"a", "b", "<UNK>"} | set("<UNK>")
    with pytest.raises(ValueError, match="temperature"):
        lm.generate("a", temperature=-1)


def test_transformer_language_model_is_causal():
    lm = MODELS["transformer"](max_epochs=2).fit(["abcabc", "cbacba"])
    module = lm.net_.module_.eval()
    x = torch.tensor([[2.0, 4.0, 5.0, 6.0, 4.0]])
    changed = x.clone()
    changed[0, 3:] = 5.0  # rewrite the future
    with torch.no_grad():
        torch.testing.assert_close(module(x)[0, :3], module(changed)[0, :3])


def test_words_truncation_and_partial_fit():
    texts = ["the cat sat", "the dog sat down", "a cat"]
    lm = RNNLanguageModel(
        hidden_size=8, tokenizer="word", max_len=4, max_epochs=5, random_state=0
    )
    with pytest.warns(UserWarning, match="truncated"):
        lm.fit(texts)
    assert lm.n_features_in_ == 3  # <BOS> + 3 words of context
    words = lm.generate("the", max_new_tokens=3, random_state=0).split()
    assert len(words) <= 3
    online = RNNLanguageModel(hidden_size=8, max_epochs=1, random_state=0)
    online.partial_fit(["abc"]).partial_fit(["abd"])
    assert online.n_epochs_ == 2 and "d" not in online.encoder_.vocabulary_
    with pytest.raises(ValueError, match="no text"):
        RNNLanguageModel().fit([])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(max_new_tokens=-1), "max_new_tokens"),
        (dict(max_new_tokens=0), "max_new_tokens"),
        (dict(max_new_tokens=2.5), "max_new_tokens"),
        (dict(max_new_tokens=None), "max_new_tokens"),
        (dict(temperature=float("nan")), "temperature"),
        (dict(temperature=float("inf")), "temperature"),
        (dict(temperature=-1), "temperature"),
        (dict(top_k=0), "top_k"),
        (dict(top_k=-1), "top_k"),
    ],
)
def test_generate_rejects_bad_arguments(kwargs, message):
    lm = RNNLanguageModel(hidden_size=4, max_epochs=1, random_state=0).fit(["ab"])
    with pytest.raises(ValueError, match=message):
        lm.generate("a", **kwargs)


def test_a_huge_text_is_refused_before_allocating():
    text = "abcdefgh " * 120_000  # one document of about a million characters
    with pytest.raises(ValueError, match="GiB.*max_len|max_len.*GiB"):
        TransformerLanguageModel(max_epochs=1).fit([text])
    with pytest.warns(UserWarning, match="truncated"):
        lm = TransformerLanguageModel(16, 2, num_layers=1, max_len=32, max_epochs=1)
        lm.fit([text, "abc"])
    assert lm.encoder_.max_len_ == 32
