import warnings

import numpy as np
import pytest
import torch

from ml2learn.neural import RNNLanguageModel, TransformerLanguageModel
from ml2learn.neural._language_model import DEFAULT_CONTEXT
from ml2learn.neural.modules._decoding import (
    BOS,
    EOS,
    beam_search_steps,
    top_k_filter,
    top_p_filter,
)
from ml2learn.text import BPETokenizer

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


@pytest.mark.parametrize("kind", ["rnn", "transformer"])
def test_texts_longer_than_the_context_train_in_consecutive_windows(kind):
    texts = ["the cat sat", "the dog sat down", "a cat"]
    lm = MODELS[kind](tokenizer="word", max_len=4, max_epochs=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing is cut, so nothing to warn about
        inputs, targets = lm.fit(texts)._training_rows(texts)
    vocabulary = lm.encoder_.vocabulary_
    the, dog, sat, down = (vocabulary[w] for w in "the dog sat down".split())
    assert lm.n_features_in_ == 3  # <BOS> + 3 words of context
    # "the dog sat down" is <BOS> the dog sat down <EOS>: two windows of 4 ids,
    # the second starting where the first ends, every id after <BOS> a target
    # once ("the cat sat", 5 ids, is two windows too; "a cat" is one)
    np.testing.assert_array_equal(inputs[2:4], [[BOS, the, dog], [sat, down, EOS]])
    np.testing.assert_array_equal(targets[2:4], [[the, dog, sat], [down, EOS, 0]])
    assert len(inputs) == 5 and (targets > 0).sum() == 4 + 5 + 3
    default = MODELS[kind](max_epochs=1).fit(["ab" * 600])  # 1,202 ids
    assert default.encoder_.max_len_ == DEFAULT_CONTEXT == 512
    assert (default._training_rows(["ab" * 600])[1] > 0).sum() == 1201


def test_words_partial_fit():
    texts = ["the cat sat", "the dog sat down", "a cat"]
    lm = RNNLanguageModel(
        hidden_size=8, tokenizer="word", max_len=4, max_epochs=5, random_state=0
    ).fit(texts)
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
        (dict(top_p=0), "top_p"),
        (dict(top_p=1.5), "top_p"),
        (dict(top_p=float("nan")), "top_p"),
        (dict(beam_width=0), "beam_width"),
        (dict(length_penalty=-1), "length_penalty"),
        (dict(beam_width=2, top_p=0.9), "beam search"),
        (dict(beam_width=2, top_k=3), "beam search"),
    ],
)
def test_generate_rejects_bad_arguments(kwargs, message):
    lm = RNNLanguageModel(hidden_size=4, max_epochs=1, random_state=0).fit(["ab"])
    with pytest.raises(ValueError, match=message):
        lm.generate("a", **kwargs)


@pytest.mark.parametrize(
    "top_p, kept",
    [
        (0.3, [0]),
        (0.74, [0, 1]),
        (0.76, [0, 1, 2]),
        (0.99, [0, 1, 2, 3]),
        (1, [0, 1, 2, 3]),
    ],
)
def test_top_p_keeps_the_smallest_set_that_reaches_p(top_p, kept):
    p = torch.tensor([0.1875, 0.5, 0.0625, 0.25], dtype=torch.float64)
    order = [1, 3, 0, 2]  # by decreasing probability
    filtered = top_p_filter(p.log(), top_p)
    assert torch.isfinite(filtered).nonzero()[:, 0].tolist() == sorted(
        order[i] for i in kept
    )


def test_top_p_against_a_brute_force_search():
    rng = np.random.RandomState(0)
    for _ in range(50):
        logits = torch.from_numpy(rng.normal(size=(7,)) * 2)
        top_p = rng.uniform(0.05, 1)
        p = torch.softmax(logits, 0).numpy()
        kept = np.isfinite(top_p_filter(logits, top_p).numpy())
        sizes = [k for k in range(1, 8) if np.sort(p)[::-1][:k].sum() >= top_p - 1e-12]
        assert kept.sum() == sizes[0]  # the smallest such set ...
        assert p[kept].min() >= p[~kept].max(initial=0)  # ... of the most likely
    logits = torch.tensor([[1.0, 3.0, 2.0], [0.0, 0.0, 5.0]])
    assert torch.isfinite(top_k_filter(logits, 2)).tolist() == [
        [False, True, True],
        [True, True, True],  # a tie with the second is kept
    ]


def test_beam_search_finds_what_greedy_misses():
    # From the start, token 4 (0.6) beats token 5 (0.4), but after 4 every
    # continuation is unsure while after 5 the end is certain.
    table = {
        1: [0.0, 0, 0, 0.0, 0.6, 0.4],
        4: [0.0, 0, 0, 0.3, 0.4, 0.3],
        5: [0.0, 0, 0, 1.0, 0.0, 0.0],
    }
    table[0] = table[EOS] = table[5]  # after the end: ignored by the search

    def step(previous, state):
        p = torch.tensor([table[int(t)] for t in previous], dtype=torch.float64)
        return p.clamp_min(1e-12).log(), state, None

    greedy, greedy_log_p, _ = beam_search_steps(
        step, lambda s, r: s, None, torch.tensor([1]), 1, 4
    )
    beam, beam_log_p, _ = beam_search_steps(
        step, lambda s, r: s, None, torch.tensor([1]), 2, 4
    )
    assert greedy[0].tolist() == [4, 4, 4, 4] and beam[0].tolist() == [5, EOS, 0, 0]
    assert float(greedy_log_p[0]) == pytest.approx(np.log(0.6 * 0.4**3))
    assert float(beam_log_p[0]) == pytest.approx(np.log(0.4))
    assert float(beam_log_p[0]) > float(greedy_log_p[0])


@pytest.mark.parametrize("kind", ["rnn", "transformer"])
def test_beam_search_and_nucleus_sampling_in_generate(kind):
    lm = MODELS[kind](max_epochs=80).fit(["hello"])
    assert lm.generate("he", beam_width=3) == "llo"
    assert lm.generate("", beam_width=2) == lm.generate("", temperature=0)
    # a tiny nucleus holds only the most likely token: sampling is greedy
    for seed in range(3):
        assert lm.generate("h", top_p=1e-6, random_state=seed) == "ello"


def test_a_bpe_tokenizer_for_the_language_models():
    verses = ["in the beginning god created the heaven and the earth"] * 4 + [
        "and the earth was without form"
    ] * 4
    bpe = BPETokenizer(vocab_size=40)
    lm = TransformerLanguageModel(
        32, 2, num_layers=1, tokenizer=bpe, max_epochs=60, random_state=0
    ).fit(verses)
    assert not hasattr(bpe, "merges_") and lm.encoder_.tokenizer_.merges_
    assert lm.generate("in the", temperature=0).startswith(" beginning god")
    assert lm.score(verses) > lm.score(["zebra quartz"])


def test_a_huge_text_is_refused_before_allocating():
    text = "abcdefgh " * 120_000  # one document of about a million characters
    with pytest.raises(ValueError, match="GiB.*max_len|max_len.*GiB"):
        TransformerLanguageModel(max_len=len(text) + 2, max_epochs=1).fit([text])


@pytest.mark.parametrize("kind", ["rnn", "transformer"])
def test_long_texts_are_scored_whole_in_overlapping_windows(kind):
    lm = MODELS[kind](max_len=8, max_epochs=3).fit(["abcab", "bcabc"] * 5)
    context = lm.encoder_.max_len_
    assert context == 8
    short, long_text = "abca", "abcabcabcabcabcabcab"  # 20 characters
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no truncation: nothing is cut
        picked, real = lm._token_log_likelihoods([long_text, short])
    ids = lm.encoder_.encode([long_text])[0]
    assert real[0].sum() == len(ids) - 1 == 21 and real[1].sum() == len(short) + 1

    def log_p(window, position):
        """log p of window[position + 1] from the window's own first tokens."""
        padded = np.zeros((1, context), dtype=np.int64)
        padded[0, : len(window)] = window
        logits = torch.from_numpy(lm._forward(padded[:, :-1]))
        return torch.log_softmax(logits, -1)[0, position, window[position + 1]].item()

    # windows of 8 ids with a stride of 3: the first scores targets 0-6 with
    # all that precedes them, every later one the targets past the last
    assert picked[0, 4] == pytest.approx(log_p(ids[0:8], 4))
    assert picked[0, 7] == pytest.approx(log_p(ids[3:11], 4))
    assert picked[0, 20] == pytest.approx(log_p(ids[15:22], 5))
    # a text that fits is scored in one window, as before
    row = lm.encoder_.transform([short])
    logits = torch.log_softmax(torch.from_numpy(lm._forward(row[:, :-1])), -1)
    expected = logits[0, np.arange(len(short) + 1), row[0, 1 : len(short) + 2]]
    np.testing.assert_allclose(picked[1, : len(short) + 1], expected.numpy())
    assert lm.score_samples([long_text])[0] == pytest.approx(picked[0].mean())
