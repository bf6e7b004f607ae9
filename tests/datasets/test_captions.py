import numpy as np
import pytest
from sklearn.datasets import load_digits

from ml2learn.datasets import make_digit_captions
from ml2learn.datasets._captions import DIGIT_WORDS


@pytest.fixture(scope="module")
def captions():
    return make_digit_captions(600, 300, random_state=0)


def test_strips_show_their_captions(captions):
    X_train, X_test, y_train, y_test = captions
    assert X_train.shape == (600, 1, 8, 32) and X_test.shape == (300, 1, 8, 32)
    assert 0 <= X_train.min() and X_train.max() <= 1
    digits = load_digits()
    images = digits.images / 16.0
    for strips, texts in ((X_train, y_train), (X_test, y_test)):
        for strip, text in zip(strips[:50], texts[:50]):
            words = text.split()
            assert 1 <= len(words) <= 4
            for slot, word in enumerate(words):
                patch = strip[0, :, 8 * slot : 8 * slot + 8]
                digit = DIGIT_WORDS.index(word)
                matches = np.flatnonzero(np.all(np.isclose(images, patch), axis=(1, 2)))
                assert len(matches) and digit in digits.target[matches]
            assert np.all(strip[0, :, 8 * len(words) :] == 0)  # black beyond


def test_test_combinations_and_pixels_are_never_seen_in_training(captions):
    X_train, X_test, y_train, y_test = captions
    assert not set(y_test) & set(y_train)
    assert all(len(t.split()) >= 2 for t in y_test)
    assert {len(t.split()) for t in y_train} == {1, 2, 3, 4}
    # no digit image appears on both sides
    train_patches = {
        X_train[i, 0, :, 8 * s : 8 * s + 8].tobytes()
        for i in range(len(X_train))
        for s in range(len(y_train[i].split()))
    }
    test_patches = {
        X_test[i, 0, :, 8 * s : 8 * s + 8].tobytes()
        for i in range(len(X_test))
        for s in range(len(y_test[i].split()))
    }
    assert not train_patches & test_patches


def test_reproducible_and_validated():
    a = make_digit_captions(20, 10, max_digits=3, random_state=1)
    b = make_digit_captions(20, 10, max_digits=3, random_state=1)
    np.testing.assert_array_equal(a[0], b[0])
    assert a[2] == b[2] and a[0].shape == (20, 1, 8, 24)
    with pytest.raises(ValueError, match="test_combinations"):
        make_digit_captions(test_combinations=1.5)
    with pytest.raises(ValueError, match="max_digits"):
        make_digit_captions(max_digits=1)
