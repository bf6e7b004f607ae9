"""Transfer learning, the notes' two recipes (lines 3387-3480): a fitted
network as a feature extractor (``transform``) and fine-tuning onto a new
task (``init_from`` with a new output layer, ``freeze``, a lower rate)."""

import copy

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from ml2learn.adaptation import DANNClassifier
from ml2learn.neural import (
    CNNClassifier,
    CNNRegressor,
    LSTMClassifier,
    MLPClassifier,
    RNNLanguageModel,
    Seq2SeqTranslator,
    TransformerClassifier,
)

DIGITS_X, DIGITS_Y = load_digits(return_X_y=True)
DIGITS_X = (DIGITS_X / 16).astype(np.float32)
LOW, HIGH = DIGITS_Y < 5, DIGITS_Y >= 5
CNN = dict(filters=(8, 16), image_shape=(8, 8), max_epochs=4, random_state=0)


@pytest.fixture(scope="module")
def pretrained():
    """A CNN trained on the digits 0-4."""
    return CNNClassifier(**CNN).fit(DIGITS_X[LOW], DIGITS_Y[LOW])


def test_transform_is_the_input_of_the_output_layer_mlp():
    mlp = MLPClassifier((12, 7), max_epochs=3, random_state=0)
    mlp.fit(DIGITS_X[:300], DIGITS_Y[:300])
    features = mlp.transform(DIGITS_X[:5])
    module = copy.deepcopy(mlp.net_.module_).eval().double()
    with torch.no_grad():
        expected = module.hidden(torch.from_numpy(DIGITS_X[:5]).double()).numpy()
    assert features.shape == (5, 7) and features.dtype == np.float64
    np.testing.assert_allclose(features, expected, rtol=1e-12)
    logits = features @ module.output.weight.detach().numpy().T
    logits += module.output.bias.detach().numpy()
    np.testing.assert_allclose(logits, mlp.decision_function(DIGITS_X[:5]), rtol=1e-10)
    assert list(mlp.get_feature_names_out()) == [f"mlpclassifier{i}" for i in range(7)]


def test_transform_of_a_cnn_is_its_pooled_feature_maps(pretrained):
    features = pretrained.transform(DIGITS_X[:4])
    module = copy.deepcopy(pretrained.net_.module_).eval().double()
    images = torch.from_numpy(DIGITS_X[:4]).double().reshape(4, 1, 8, 8)
    with torch.no_grad():
        maps = module.features(images)
    np.testing.assert_allclose(features, maps.mean(dim=(2, 3)).numpy(), rtol=1e-10)


def test_feature_layer_picks_another_block(pretrained):
    est = CNNClassifier(**CNN, feature_layer="features.0")
    est.fit(DIGITS_X[:200], DIGITS_Y[:200])
    assert est.transform(DIGITS_X[:3]).shape == (3, 8 * 4 * 4)  # after pooling
    assert len(est.get_feature_names_out()) == 8 * 4 * 4
    with pytest.raises(ValueError, match="not a layer"):
        est.set_params(feature_layer="nope").transform(DIGITS_X[:3])


def test_a_frozen_pretrained_cnn_as_the_features_of_a_pipeline(pretrained):
    pipe = make_pipeline(FrozenEstimator(pretrained), LogisticRegression(max_iter=500))
    pipe.fit(DIGITS_X[HIGH][:200], DIGITS_Y[HIGH][:200])
    assert pipe.score(DIGITS_X[HIGH][200:], DIGITS_Y[HIGH][200:]) > 0.7
    pandas = pytest.importorskip("pandas")
    frame = CNNClassifier(**CNN).set_output(transform="pandas")
    frame = frame.fit(DIGITS_X[:200], DIGITS_Y[:200]).transform(DIGITS_X[:3])
    assert isinstance(frame, pandas.DataFrame) and frame.shape == (3, 16)


@pytest.mark.parametrize(
    "make",
    [
        lambda: LSTMClassifier(hidden_size=8, max_epochs=1, random_state=0),
        lambda: TransformerClassifier(8, 2, num_layers=1, max_epochs=1, random_state=0),
        lambda: DANNClassifier((10,), domain_layer_sizes=(4,), max_epochs=1),
    ],
    ids=["LSTM", "transformer", "DANN"],
)
def test_every_array_estimator_transforms(make):
    est = make().fit(DIGITS_X[:100, :16], DIGITS_Y[:100])
    features = est.transform(DIGITS_X[:4, :16])
    assert features.shape[0] == 4 and features.shape[1] == len(
        est.get_feature_names_out()
    )


def test_every_neural_estimator_has_a_transform():
    from ml2learn import all_estimators
    from ml2learn.neural._engine import NeuralEngine

    neural = [cls for _, cls in all_estimators() if issubclass(cls, NeuralEngine)]
    assert len(neural) >= 18
    assert [c.__name__ for c in neural if not hasattr(c, "transform")] == []


def test_fine_tuning_onto_new_classes(pretrained):
    tuned = CNNClassifier(
        **{**CNN, "random_state": 1, "max_epochs": 20},
        init_from=pretrained,
        freeze="features",
        learning_rate=0.03,
    ).fit(DIGITS_X[HIGH][:300], DIGITS_Y[HIGH][:300])
    np.testing.assert_array_equal(tuned.classes_, [5, 6, 7, 8, 9])
    assert tuned.new_layers_ == ["output"]
    assert tuned.copied_layers_ == [
        "features.0.conv",
        "features.0.norm",
        "features.1.conv",
        "features.1.norm",
    ]
    assert tuned.frozen_ == ["features"]
    before = pretrained.net_.module_.state_dict()
    after = tuned.net_.module_.state_dict()
    for name, value in after.items():
        if name.startswith("features.") and "num_batches" not in name:
            assert torch.equal(value, before[name]), name  # frozen: bit-identical
    assert after["output.weight"].shape == (5, 16)
    # only the head trained, and it learned the new classes
    assert tuned.score(DIGITS_X[HIGH][300:], DIGITS_Y[HIGH][300:]) > 0.6
    assert tuned.loss_curve_[-1] < 0.6 * tuned.loss_curve_[0]


def test_fine_tuning_at_a_lower_rate_for_the_copied_layers(pretrained):
    tuned = CNNClassifier(**CNN, init_from=pretrained, fine_tune_lr_factor=0.1)
    tuned.set_params(max_epochs=1).fit(DIGITS_X[HIGH][:100], DIGITS_Y[HIGH][:100])
    groups = tuned.net_.optimizer_.param_groups
    rates = sorted((g["lr_factor"], g["lr"], len(g["params"])) for g in groups)
    assert rates == [(0.1, pytest.approx(1e-4), 8), (1.0, pytest.approx(1e-3), 2)]


def test_fine_tuning_across_estimator_classes(pretrained):
    regressor = CNNRegressor(**CNN, init_from=pretrained, freeze=1)
    regressor.fit(DIGITS_X[:200], DIGITS_Y[:200].astype(float))
    assert regressor.new_layers_ == ["output"]
    assert regressor.frozen_ == ["features.0"]
    torch.testing.assert_close(
        regressor.net_.module_.features[0].conv.weight,
        pretrained.net_.module_.features[0].conv.weight,
        rtol=0,
        atol=0,
    )
    with pytest.raises(ValueError, match="same feature extractor"):
        CNNClassifier(filters=(4,), image_shape=(8, 8), init_from=pretrained).fit(
            DIGITS_X[:50], DIGITS_Y[:50]
        )


def test_frozen_layers_train_in_evaluation_mode(pretrained):
    tuned = CNNClassifier(**CNN, init_from=pretrained, freeze="features")
    tuned.fit(DIGITS_X[HIGH][:100], DIGITS_Y[HIGH][:100])
    stats = tuned.net_.module_.features[0].norm.running_mean
    torch.testing.assert_close(
        stats, pretrained.net_.module_.features[0].norm.running_mean, rtol=0, atol=0
    )


TEXTS = ["the cat sat", "a dog ran far", "the cat ran", "a dog sat"] * 5
TOPIC = np.array([0, 1, 0, 1] * 5)


def test_a_language_models_transform_is_the_mean_state_of_a_texts_tokens():
    lm = RNNLanguageModel(hidden_size=8, tokenizer="word", max_epochs=3, random_state=0)
    lm.fit(TEXTS)
    features = lm.transform(["the cat sat", "a dog"])
    assert features.shape == (2, 8) and lm.get_feature_names_out().shape == (8,)
    module = copy.deepcopy(lm.net_.module_).eval().double()
    ids = torch.from_numpy(lm._pairs(["a dog"])[0])
    with torch.no_grad():
        states, _ = module.recurrent(module.embedding(ids))
    real = ids[0] > 0  # <BOS> a dog, then padding
    expected = states[0, real].mean(0).numpy()
    np.testing.assert_allclose(features[1], expected, rtol=1e-10)
    pipe = make_pipeline(FrozenEstimator(lm), LogisticRegression())
    assert pipe.fit(TEXTS, TOPIC).score(TEXTS, TOPIC) == 1.0


def test_a_translators_transform_is_the_mean_encoder_state():
    model = Seq2SeqTranslator(hidden_size=8, embedding_dim=4, max_epochs=2)
    model.fit(TEXTS, [t.upper() for t in TEXTS])
    features = model.transform(["the cat", "a dog ran far"])
    module = copy.deepcopy(model.net_.module_).eval().double()
    source = torch.from_numpy(model.source_encoder_.transform(["the cat"]))
    with torch.no_grad():
        memory, _ = module.encode(source)
    expected = memory.states[0, :2].mean(0).numpy()
    np.testing.assert_allclose(features[0], expected, rtol=1e-10)
    assert features.shape == (2, 8)


def test_reading_a_layer_skips_the_layers_after_it():
    # a masked LM's transform used to run its output layer over the whole
    # vocabulary at every position and keep those logits: (n, T, V) floats
    from ml2learn.neural import TransformerMaskedLM

    mlm = TransformerMaskedLM(16, 2, max_epochs=1, random_state=0)
    mlm.fit(["the cat sat on the mat", "a dog sat on a rug"] * 4)
    calls = []
    hook = mlm.net_.module_.output.register_forward_hook(lambda *_: calls.append(1))
    features = mlm.transform(["the cat sat"] * 9)
    hook.remove()
    assert features.shape == (9, 16) and calls == []
    # the MLP's features are still the whole input of its output layer
    mlp = MLPClassifier((6,), max_epochs=2, random_state=0)
    mlp.fit(DIGITS_X[:100], DIGITS_Y[:100])
    assert mlp.transform(DIGITS_X[:7]).shape == (7, 6)
