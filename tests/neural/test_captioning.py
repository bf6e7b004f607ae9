"""ImageCaptioner and its network: learning digit strips, beam search
against greedy decoding, attention over the feature map, a fitted CNN as the
encoder, bad input, and the conformance a text-output estimator can have
(clone, pickle, GridSearchCV(n_jobs=2))."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from ml2learn.datasets import make_digit_captions
from ml2learn.neural import CNNClassifier, ImageCaptioner
from ml2learn.neural.modules._captioning import ImageCaptionNetwork
from ml2learn.neural.modules._decoding import BOS, EOS
from ml2learn.neural.modules._seq2seq import beam_search

SMALL = dict(hidden_size=64, learning_rate=3e-3, random_state=0)


@pytest.fixture(scope="module")
def strips():
    return make_digit_captions(1200, 200, max_digits=3, random_state=0)


@pytest.fixture(scope="module")
def captioner(strips):
    X_train, _, y_train, _ = strips
    return ImageCaptioner(max_epochs=25, **SMALL).fit(X_train, y_train)


def test_learns_to_caption_unseen_combinations(captioner, strips):
    _, X_test, _, y_test = strips
    assert captioner.token_accuracy(X_test, y_test) > 0.8
    assert captioner.score(X_test, y_test) > 0.5
    out = captioner.predict(X_test[:5])
    assert out.dtype == object and all(isinstance(t, str) for t in out)


def test_attention_maps_look_at_the_digit_being_named(captioner, strips):
    _, X_test, _, y_test = strips
    maps, tokens = captioner.attention_maps(X_test[:40], return_tokens=True)
    assert maps.shape == (40, 4, 2, 6) and captioner.grid_ == (2, 6)  # 3 words, <EOS>
    for row, words in zip(maps, tokens):
        for step in range(len(words)):
            np.testing.assert_allclose(row[step].sum(), 1.0)
        assert np.all(row[len(words) :] == 0)
    # word k of a correct caption attends most to the columns of digit k
    hits = total = 0
    for row, words, truth in zip(maps, tokens, y_test[:40]):
        for k, word in enumerate(truth.split()):
            if k < len(words) and words[k] == word:
                column = row[k].sum(axis=0).argmax()  # cells are 4 pixels wide
                hits += column // 2 == k
                total += 1
    assert hits / total > 0.8


def test_beam_width_one_is_greedy():
    torch.manual_seed(0)
    module = ImageCaptionNetwork((1, 8, 16), 9, filters=(4, 8), hidden_size=8)
    module = module.double().eval()
    pixels = torch.rand(3, 128, dtype=torch.float64)
    with torch.no_grad():
        tokens, beam_log_p, weights = beam_search(module, pixels, 1, 5)
        for row in range(3):
            memory, state = module.encode(pixels[row : row + 1])
            previous, greedy, total = torch.tensor([BOS]), [], 0.0
            for _ in range(5):
                logits, state, _ = module.step(previous, state, memory)
                step_log_p = torch.log_softmax(logits, dim=1)  # every token
                step_log_p[0, [0, BOS]] = -np.inf  # never produced
                previous = step_log_p.argmax(dim=1)
                total += float(step_log_p[0, previous])
                greedy.append(int(previous))
                if greedy[-1] == EOS:
                    break
            assert tokens[row, : len(greedy)].tolist() == greedy
            assert float(beam_log_p[row]) == pytest.approx(total, abs=1e-9)
    assert weights.shape[2] == 2 * 4  # the (8 / 4) x (16 / 4) grid


@pytest.mark.parametrize("kind", ["learned", "sinusoidal"])
def test_grid_positions_are_added_to_the_annotation_vectors(kind):
    from ml2learn.neural.modules._attention import sinusoidal_positions

    torch.manual_seed(0)
    module = ImageCaptionNetwork(
        (1, 8, 16), 9, filters=(4, 8), hidden_size=8, grid_positions=kind
    ).eval()
    pixels = torch.rand(3, 128)
    with torch.no_grad():
        content = module.features(pixels)  # (3, 8 cells, 8 channels)
        memory, _ = module.encode(pixels)
    table = (
        module.positions.table.weight
        if kind == "learned"
        else sinusoidal_positions(8, 8)
    )
    torch.testing.assert_close(memory.states, content + table)
    # two cells with equal content are now told apart
    assert torch.unique(table, dim=0).shape[0] == 8
    assert ("positions", module.positions) in module.freezable_blocks()
    plain = ImageCaptionNetwork((1, 8, 16), 9, filters=(4, 8), grid_positions=None)
    unattended = ImageCaptionNetwork(
        (1, 8, 16), 9, filters=(4, 8), attention=None, grid_positions=kind
    )
    assert plain.positions is None and unattended.positions is None


def test_show_and_tell_without_attention(strips):
    X_train, X_test, y_train, y_test = strips
    plain = ImageCaptioner(attention=None, max_epochs=3, **SMALL)
    plain.fit(X_train[:300], y_train[:300])
    assert plain.net_.module_.decoder.alignment is None
    assert len(plain.predict(X_test[:3])) == 3
    with pytest.raises(ValueError, match="no attention"):
        plain.attention_maps(X_test[:1])


def test_a_fitted_cnn_as_a_frozen_encoder(strips):
    X_train, _, y_train, _ = strips
    from sklearn.datasets import load_digits

    digits = load_digits()
    cnn = CNNClassifier((8, 16), max_epochs=2, random_state=0)
    cnn.fit(digits.images[:, None] / 16.0, digits.target)
    captioner = ImageCaptioner(encoder=cnn, freeze="encoder", max_epochs=2, **SMALL)
    captioner.fit(X_train[:200], y_train[:200])
    copied = captioner.net_.module_.encoder.state_dict()
    for name, value in cnn.net_.module_.features.state_dict().items():
        torch.testing.assert_close(copied[name], value)  # frozen: unchanged
    assert captioner.frozen_ == ["encoder"] and captioner.grid_ == (2, 6)
    with pytest.raises(ValueError, match="encoder must be a fitted CNN"):
        ImageCaptioner(encoder=cnn, max_epochs=1).fit(
            np.zeros((4, 3, 8, 8)), ["one"] * 4
        )


def test_bad_input(captioner, strips):
    X_train, X_test, y_train, _ = strips
    with pytest.raises(ValueError, match="128 features.*expecting 192"):
        captioner.predict(X_test[:2, :, :, :16])  # images of another size
    with pytest.raises(ValueError, match=r"shape \(1, 12, 16\).*\(1, 8, 24\)"):
        captioner.predict(X_test[:2].reshape(2, 1, 12, 16))  # as many pixels
    with pytest.raises(ValueError, match="empty caption at index 1"):
        ImageCaptioner(max_epochs=1).fit(X_train[:3], ["one", " ", "two"])
    with pytest.raises(ValueError, match="as many images as captions"):
        ImageCaptioner(max_epochs=1).fit(X_train[:3], ["one"])
    with pytest.raises(TypeError, match="strings"):
        ImageCaptioner(max_epochs=1).fit(X_train[:3], [1, 2, 3])
    with pytest.raises(NotFittedError):
        ImageCaptioner().predict(X_test[:1])


def test_conformance(captioner, strips):
    X_train, X_test, y_train, y_test = strips
    assert clone(captioner).get_params() == captioner.get_params()
    restored = pickle.loads(pickle.dumps(captioner))
    np.testing.assert_array_equal(restored.predict(X_test), captioner.predict(X_test))
    assert restored.transform(X_test[:2]).shape == (2, 64)
    assert captioner.get_feature_names_out()[0] == "imagecaptioner0"
    before = X_train[:100].copy()
    again = ImageCaptioner(max_epochs=2, **SMALL)
    first = again.fit(X_train[:100], y_train[:100]).predict(X_test[:20])
    second = again.fit(X_train[:100], y_train[:100]).predict(X_test[:20])
    np.testing.assert_array_equal(first, second)  # fitting twice: the same
    np.testing.assert_array_equal(X_train[:100], before)  # input untouched
    pipe = make_pipeline(
        FunctionTransformer(np.clip, kw_args={"a_min": 0.0, "a_max": 1.0}),
        ImageCaptioner(max_epochs=2, **SMALL),
    )
    grid = {"imagecaptioner__cell": ["lstm", "gru"]}
    search = GridSearchCV(pipe, grid, cv=2, n_jobs=2).fit(X_train[:200], y_train[:200])
    assert 0 <= search.best_score_ <= 1
    assert search.predict(X_test[:3]).shape == (3,)
