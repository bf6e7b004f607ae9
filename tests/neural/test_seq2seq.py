"""Seq2SeqTranslator and its networks: learning, beam search against brute
force, teacher forcing, padding, scores and bad input."""

import itertools
import pickle
import warnings

import numpy as np
import pytest
import torch

from ml2learn.datasets import make_dates
from ml2learn.neural import Seq2SeqTranslator
from ml2learn.neural.modules._decoding import BOS, EOS
from ml2learn.neural.modules._language import TokenCrossEntropy
from ml2learn.neural.modules._seq2seq import (
    RecurrentSeq2Seq,
    TransformerSeq2Seq,
    beam_search,
)

WORDS = ["a b c", "b c d", "c d a", "d a b", "a c", "b d", "d c b a", "c a"]
BACKWARDS = [" ".join(reversed(w.split())) for w in WORDS]
SMALL = dict(hidden_size=32, embedding_dim=16, learning_rate=0.01, random_state=0)


@pytest.fixture(scope="module")
def reverser():
    return Seq2SeqTranslator(max_epochs=150, **SMALL).fit(WORDS, BACKWARDS)


@pytest.mark.parametrize(
    "params",
    [
        dict(attention="dot"),
        dict(attention="general", cell="gru"),
        dict(attention="concat"),
        dict(attention="concat", decoder="bahdanau", bidirectional_encoder=True),
        dict(attention="location"),
        dict(attention=None),
        dict(architecture="transformer", n_heads=2),
    ],
    ids=[
        "dot",
        "general-gru",
        "concat",
        "bahdanau",
        "location",
        "no-attention",
        "transformer",
    ],  # fmt: skip
)
def test_learns_to_reverse_words(params):
    model = Seq2SeqTranslator(max_epochs=150, **SMALL, **params).fit(WORDS, BACKWARDS)
    assert model.score(WORDS, BACKWARDS) == 1.0
    assert model.loss_curve_[-1] < 0.05 * model.loss_curve_[0]


def _modules(seed=0):
    torch.manual_seed(seed)
    modules = {
        "rnn": RecurrentSeq2Seq(7, 7, 4, 6, 8, 1, "lstm", "general", 0.0),
        "bahdanau": RecurrentSeq2Seq(
            7, 7, 4, 6, 8, 1, "gru", "concat", 0.0, decoder="bahdanau",
            bidirectional=True,
        ),
        "location": RecurrentSeq2Seq(7, 7, 4, 6, 8, 1, "lstm", "location", 0.0),
        "residual": RecurrentSeq2Seq(
            7, 7, 4, 6, 8, 3, "lstm", "general", 0.0, bidirectional=True,
            residual=True,
        ),
        "transformer": TransformerSeq2Seq(7, 7, 4, 5, 8, 2, 1, 16, 0.0),
    }  # fmt: skip
    return {name: module.double().eval() for name, module in modules.items()}


VARIANTS = ["rnn", "bahdanau", "location", "residual", "transformer"]


SOURCE = torch.tensor([[4, 5, 6, 0], [6, 1, 0, 0], [0, 0, 0, 0]])


def _sequence_log_probability(module, source, tokens):
    """``sum_t log p(y_t | y_<t, x)`` by stepping the decoder along ``tokens``."""
    memory, state = module.encode(source[None])
    previous, total = torch.tensor([BOS]), 0.0
    for token in tokens:
        logits, state, _ = module.step(previous, state, memory)
        total += float(torch.log_softmax(logits, dim=-1)[0, token])
        previous = torch.tensor([token])
    return total


@pytest.mark.parametrize("architecture", VARIANTS)
@pytest.mark.parametrize("length_penalty", [0.0, 1.0])
def test_wide_beam_finds_the_brute_force_optimum(architecture, length_penalty):
    module = _modules()[architecture]
    steps, vocabulary = 3, [1, EOS, 4, 5, 6]  # no padding, no <BOS>
    with torch.no_grad():
        tokens, log_p, _ = beam_search(
            module, SOURCE, beam_width=5**steps, max_steps=steps,
            length_penalty=length_penalty,
        )  # fmt: skip
        for row, source in enumerate(SOURCE):
            best, best_key = None, -np.inf
            for length in range(1, steps + 1):
                for seq in itertools.product(vocabulary, repeat=length):
                    if EOS in seq[:-1] or (length < steps and seq[-1] != EOS):
                        continue
                    value = _sequence_log_probability(module, source, seq)
                    key = value / length**length_penalty
                    if key > best_key:
                        best, best_key, best_value = seq, key, value
            found = [int(t) for t in tokens[row] if t > 0]
            assert found == list(best)
            assert float(log_p[row]) == pytest.approx(best_value, abs=1e-9)


@pytest.mark.parametrize("architecture", VARIANTS)
def test_beam_width_one_is_greedy(architecture):
    module = _modules(1)[architecture]
    with torch.no_grad():
        tokens, log_p, _ = beam_search(module, SOURCE, beam_width=1, max_steps=4)
        for row, source in enumerate(SOURCE):
            memory, state = module.encode(source[None])
            previous, greedy = torch.tensor([BOS]), []
            for _ in range(4):
                logits, state, _ = module.step(previous, state, memory)
                logits[0, [0, BOS]] = -np.inf
                previous = logits.argmax(dim=1)
                greedy.append(int(previous))
                if greedy[-1] == EOS:
                    break
            assert [int(t) for t in tokens[row, : len(greedy)]] == greedy
            assert float(log_p[row]) == pytest.approx(
                _sequence_log_probability(module, source, greedy), abs=1e-9
            )


@pytest.mark.parametrize("architecture", VARIANTS)
def test_teacher_forced_forward_equals_stepping(architecture):
    module = _modules(2)[architecture]
    target = torch.tensor(
        [[BOS, 4, 5, EOS, 0], [BOS, 6, EOS, 0, 0], [BOS, EOS, 0, 0, 0]]
    )
    x = torch.cat([SOURCE, target], dim=1).double()
    with torch.no_grad():
        log_p = torch.log_softmax(module(x), dim=-1)
        for row in range(3):
            tokens = [int(t) for t in target[row, 1:] if t > 0]
            forced = sum(float(log_p[row, t, tok]) for t, tok in enumerate(tokens))
            stepped = _sequence_log_probability(module, SOURCE[row], tokens)
            assert forced == pytest.approx(stepped, abs=1e-9)


def test_bahdanau_scores_the_previous_decoder_state():
    module = _modules()["bahdanau"]
    memory, state = module.encode(SOURCE)
    previous = torch.full((3,), BOS)
    with torch.no_grad():
        for token in [4, 5, EOS]:
            hidden, _ = state
            before = module.decoder.alignment(hidden[-1], memory.states, memory.mask)[1]
            _, state, weights = module.step(previous, state, memory)
            after = module.decoder.alignment(state[0][-1], memory.states, memory.mask)[
                1
            ]
            torch.testing.assert_close(weights, before)  # s_{t-1}, not s_t
            assert not torch.allclose(weights[:2], after[:2])
            previous = torch.full((3,), token)


def test_bahdanau_feeds_the_context_into_the_recurrence_and_starts_backwards():
    module = _modules()["bahdanau"]
    hidden = module.decoder.recurrent.hidden_size
    embedding = module.decoder.embedding.embedding_dim
    assert module.decoder.recurrent.input_size == embedding + 2 * hidden  # [E y; c]
    memory, (start, _) = module.encode(SOURCE)
    assert memory.states.shape == (3, 3, 2 * hidden)  # [->h_s; <-h_s], padding trimmed
    # s_0 = tanh(W_s <-h_1): the backward direction's state at position 0
    backward_first = memory.states[:, 0, hidden:]
    expected = torch.tanh(module.bridge[0](backward_first))
    torch.testing.assert_close(start[0][:2], expected[:2])


def test_location_attention_depends_only_on_the_decoder_state():
    module = _modules()["location"]
    h = torch.randn(2, 8, dtype=torch.float64)
    one = torch.randn(2, 4, 8, dtype=torch.float64)
    other = torch.randn(2, 4, 8, dtype=torch.float64)
    with torch.no_grad():
        scores, weights, context = module.decoder.alignment(h, one, None)
        scores_other, weights_other, _ = module.decoder.alignment(h, other, None)
        torch.testing.assert_close(scores, module.decoder.alignment.W(h))
        torch.testing.assert_close(weights, weights_other)
        torch.testing.assert_close(context, torch.einsum("bs,bsd->bd", weights, one))
        mask = torch.tensor([[False, False, True, True]] * 2)
        masked = module.decoder.alignment(h, one, mask)[1]
    assert torch.all(masked[:, 2:] == 0)
    np.testing.assert_allclose(masked.sum(1), 1.0)


def test_residual_layers_add_their_input():
    from ml2learn.neural.modules._rnn import ResidualRecurrent

    torch.manual_seed(0)
    stack = ResidualRecurrent("gru", 3, 4, 3).double()
    x = torch.randn(2, 5, 3, dtype=torch.float64)
    outputs, final = stack(x)
    first, _ = stack.layers[0](x)
    second, _ = stack.layers[1](first)
    third, _ = stack.layers[2](first + second)
    torch.testing.assert_close(outputs, first + second + third)
    assert final.shape == (3, 2, 4)
    # with the same weights and no shortcuts: torch's stacked GRU
    plain = torch.nn.GRU(3, 4, 3, batch_first=True).double()
    for i, layer in enumerate(stack.layers):
        for name, value in layer.named_parameters():
            getattr(plain, name.replace("l0", f"l{i}")).data.copy_(value)
    chain = stack.layers[2](stack.layers[1](first)[0])[0]
    torch.testing.assert_close(plain(x)[0], chain)


def test_transformer_decoder_does_not_see_the_future():
    module = _modules()["transformer"]
    target = torch.tensor([[BOS, 4, 5, 6, EOS]]).double()
    x = torch.cat([SOURCE[:1].double(), target], dim=1).requires_grad_(False)
    embedded = {}
    hook = module.target_embedding.register_forward_hook(
        lambda m, i, out: embedded.setdefault("out", out.retain_grad() or out)
    )
    logits = module(x)
    hook.remove()
    logits[0, 1].sum().backward()  # the prediction after <BOS> 4
    gradient = embedded["out"].grad[0].abs().sum(dim=1)
    assert gradient[:2].sum() > 0 and torch.all(gradient[2:] == 0)


@pytest.mark.parametrize("architecture", ["rnn", "transformer"])
def test_extra_source_padding_changes_nothing(architecture):
    torch.manual_seed(0)
    if architecture == "rnn":
        module = RecurrentSeq2Seq(7, 7, 7, 6, 8, 2, "gru", "concat", 0.0)
    else:
        module = TransformerSeq2Seq(7, 7, 7, 5, 8, 2, 2, 16, 0.0)
    module = module.double().eval()
    padded = torch.nn.functional.pad(SOURCE, (0, 3))
    with torch.no_grad():
        short = beam_search(module, SOURCE, beam_width=3, max_steps=4)
        long = beam_search(module, padded, beam_width=3, max_steps=4)
    assert torch.equal(short[0], long[0])
    torch.testing.assert_close(short[1], long[1])
    torch.testing.assert_close(short[2], long[2][..., :4])
    assert torch.all(long[2][..., 4:] == 0)


def test_attention_weights(reverser):
    weights, source, output = reverser.attention_weights("b c d", return_tokens=True)
    assert source == ["b", "c", "d"] and output == ["d", "c", "b", "<EOS>"]
    assert weights.shape == (4, 3)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0)
    # reversing words: output token k looks at source token 2 - k
    assert weights[:3].argmax(axis=1).tolist() == [2, 1, 0]
    np.testing.assert_array_equal(reverser.attention_weights("b c d"), weights)
    assert reverser.attention_weights("").shape[1] == 0


def test_scores(reverser):
    assert reverser.score(WORDS, BACKWARDS) == 1.0
    # word tokens: spacing does not matter; one wrong text of two is 0.5
    assert reverser.score(["a b c", "b d"], ["c  b a", "b d"]) == 0.5
    assert reverser.score(["a b c", "b d"], ["c b a", "b d"], [3, 1]) == 0.75
    # 3 of the 4 tokens of "c b a <EOS>" and all of "d b <EOS>"
    assert reverser.token_accuracy(["a b c", "b d"], ["c b d", "d b"]) == 6 / 7
    # an unseen reference token can never be matched
    assert reverser.score(["a b c"], ["c b z"]) == 0.0


def test_beam_search_predictions(reverser):
    wide = pickle.loads(pickle.dumps(reverser)).set_params(beam_width=4)
    assert wide.predict(WORDS).tolist() == BACKWARDS
    assert wide.predict(WORDS[:1])[0] == wide.predict(WORDS)[0]


def test_predict_is_independent_of_the_batch(reverser):
    alone = [reverser.predict([w])[0] for w in WORDS]
    assert reverser.predict(WORDS).tolist() == alone


def test_teacher_forcing_ratio_changes_training():
    forced = Seq2SeqTranslator(max_epochs=20, **SMALL).fit(WORDS, BACKWARDS)
    free = Seq2SeqTranslator(max_epochs=20, teacher_forcing_ratio=0.0, **SMALL)
    free.fit(WORDS, BACKWARDS)
    again = Seq2SeqTranslator(max_epochs=20, teacher_forcing_ratio=0.0, **SMALL)
    again.fit(WORDS, BACKWARDS)
    assert not np.allclose(forced.loss_curve_, free.loss_curve_)
    np.testing.assert_array_equal(free.loss_curve_, again.loss_curve_)


def test_dates_attention_beats_no_attention():
    X, y = make_dates(3500, random_state=0)
    params = dict(
        target_tokenizer="char", hidden_size=64, embedding_dim=32, max_epochs=4,
        learning_rate=5e-3, batch_size=64, random_state=0,
    )  # fmt: skip
    attention = Seq2SeqTranslator(**params).fit(X[:3000], y[:3000])
    plain = Seq2SeqTranslator(attention=None, **params).fit(X[:3000], y[:3000])
    with_attention = attention.score(X[3000:], y[3000:])
    assert with_attention >= 0.9
    assert with_attention > plain.score(X[3000:], y[3000:]) + 0.1
    assert attention.token_accuracy(X[3000:], y[3000:]) > 0.97


def test_bad_input(reverser):
    with pytest.raises(ValueError, match="as many texts"):
        Seq2SeqTranslator().fit(["a b"], ["b a", "c"])
    with pytest.raises(ValueError, match="y must hold"):
        Seq2SeqTranslator().fit(["a b"], None)
    with pytest.raises(TypeError, match="y must hold strings"):
        Seq2SeqTranslator().fit(["a b"], [1])
    with pytest.raises(TypeError, match="strings"):
        Seq2SeqTranslator().fit([[1, 2], [3]], ["a", "b"])  # ragged ids
    with pytest.raises(ValueError, match="no text"):
        Seq2SeqTranslator().fit([], [])
    with pytest.raises(ValueError, match="divisible"):
        Seq2SeqTranslator("transformer", hidden_size=10, n_heads=4).fit(["a"], ["b"])
    with pytest.raises(ValueError, match="no attention"):
        Seq2SeqTranslator(attention=None, max_epochs=1).fit(
            ["a"], ["b"]
        ).attention_weights("a")
    with pytest.raises(ValueError, match="dot.*bidirectional_encoder"):
        Seq2SeqTranslator(attention="dot", bidirectional_encoder=True).fit(["a"], ["b"])
    with pytest.raises(ValueError, match="decoder='bahdanau'.*attention=None"):
        Seq2SeqTranslator(attention=None, decoder="bahdanau").fit(["a"], ["b"])
    with pytest.raises(ValueError, match="decoder"):
        Seq2SeqTranslator(decoder="gnmt").fit(["a"], ["b"])
    with pytest.raises(TypeError, match="one string"):
        reverser.attention_weights(["a b"])
    # empty and unseen inputs translate to some text, never crash
    out = reverser.predict(["", "zz yy", "a b c"])
    assert out.dtype == object and all(isinstance(t, str) for t in out)
    assert out[2] == "c b a"
    assert reverser.predict([]).shape == (0,)


def test_long_sources_are_truncated_with_one_warning():
    model = Seq2SeqTranslator(max_source_len=3, max_epochs=2, **SMALL)
    with pytest.warns(UserWarning, match="truncated"):
        model.fit(WORDS, BACKWARDS)  # "d c b a" is cut to "d c b"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.predict(["a b c d e"])  # warned once already
    assert model.attention_weights("a b c d e").shape[1] == 3


def test_warm_start_and_partial_fit_continue_training():
    model = Seq2SeqTranslator(max_epochs=5, warm_start=True, **SMALL)
    model.fit(WORDS, BACKWARDS).fit(WORDS, BACKWARDS)
    assert model.n_epochs_ == 10
    stepwise = Seq2SeqTranslator(**SMALL)
    for _ in range(3):
        stepwise.partial_fit(WORDS, BACKWARDS)
    assert stepwise.n_epochs_ == 3


def test_make_dates():
    words, iso = make_dates(200, random_state=3)
    assert make_dates(200, random_state=3) == (words, iso)
    assert all(len(d) == 10 and d[4] == d[7] == "-" for d in iso)
    assert all(1900 <= int(d[:4]) <= 2099 for d in iso)
    weekdays = [w for w in words if w.split()[0].endswith("day") and " the " in w]
    assert weekdays  # the weekday style, whose weekday is the date's
    with pytest.raises(ValueError, match="end_year"):
        make_dates(5, start_year=2000, end_year=1999)


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_batch_is_trimmed_to_its_own_longest_source_and_target(variant):
    module = _modules()[variant]
    source = torch.tensor([[4, 5, 0, 0], [6, 0, 0, 0], [5, 6, 0, 0]])
    target = torch.tensor(
        [[BOS, 4, EOS, 0, 0], [BOS, EOS, 0, 0, 0], [BOS, 6, 5, 0, 0]]
    )  # the longest holds 3 tokens (the third row, no <EOS> yet)
    x = torch.cat([source, target], dim=1)
    with torch.no_grad():
        memory, _ = module.encode(source)
        logits = module(x)
        assert memory.states.shape[1] == 2  # not the 4 positions of source_len
        assert logits.shape[:2] == (3, 2)  # next tokens after 2 of 3 target ids
        for i in range(3):  # each row alone is trimmed to its own lengths
            alone = module(x[i : i + 1])
            n = alone.shape[1]
            torch.testing.assert_close(logits[i, :n], alone[0], rtol=0, atol=1e-12)


def test_the_token_loss_refuses_logits_shorter_than_the_real_targets():
    loss = TokenCrossEntropy()
    logits = torch.zeros(2, 2, 5)
    padded = torch.tensor([[3, 2, 0, 0], [4, 0, 0, 0]])
    torch.testing.assert_close(loss(logits, padded), loss(logits, padded[:, :2]))
    with pytest.raises(ValueError, match="real tokens"):
        loss(logits, torch.tensor([[3, 2, 4, 0], [4, 0, 0, 0]]))


def test_a_transformer_too_long_to_attend_over_names_max_source_len():
    long_source = " ".join(["a b c d"] * 5000)  # 20,000 tokens
    model = Seq2SeqTranslator("transformer", hidden_size=8, n_heads=2, max_epochs=1)
    with pytest.raises(ValueError, match="max_source_len"):
        model.fit([long_source, "a b"], ["b a", "a"])
    capped = Seq2SeqTranslator(
        "transformer", hidden_size=8, n_heads=2, max_epochs=1, max_source_len=50
    )
    with pytest.warns(UserWarning, match="truncated"):
        capped.fit([long_source, "a b"], ["b a", "a"])
    assert capped.source_encoder_.max_len_ == 50
