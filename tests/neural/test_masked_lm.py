"""TransformerMaskedLM: BERT's masking rule, the masked-token loss, filling
masks, pseudo-log-likelihood scores, embeddings, fine-tuning a classifier
from it, and bad input."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from ml2learn.neural import TransformerClassifier, TransformerMaskedLM
from ml2learn.neural._masked_lm import mask_tokens
from ml2learn.neural.modules._language import MaskedTokenCrossEntropy

CORPUS = [
    "the cat sat on the mat",
    "the dog sat on the rug",
    "a bird sang in the tree",
    "the cat chased the dog",
] * 10
SMALL = dict(d_model=32, n_heads=4, learning_rate=3e-3, random_state=0)


@pytest.fixture(scope="module")
def mlm():
    return TransformerMaskedLM(max_epochs=60, **SMALL).fit(CORPUS)


def test_the_masking_rule_proportions():
    rng = np.random.RandomState(0)
    ids = rng.randint(4, 100, size=(2000, 100))
    ids[:, 0], ids[:, 60] = 2, 3  # [CLS] ... [SEP]
    ids[:, 61:] = 0  # padding
    ids = torch.from_numpy(ids)
    inputs, targets = mask_tokens(ids, 100, torch.Generator().manual_seed(0))
    real = (ids > 3).numpy()
    chosen = (targets > 0).numpy()
    assert not chosen[~real].any()  # padding, [CLS] and [SEP] are never chosen
    assert chosen[real].mean() == pytest.approx(0.15, abs=0.003)
    np.testing.assert_array_equal(targets.numpy()[chosen], ids.numpy()[chosen])
    picked_in, picked_ids = inputs.numpy()[chosen], ids.numpy()[chosen]
    as_mask = picked_in == 100
    other_word = ~as_mask & (picked_in != picked_ids)
    kept = picked_in == picked_ids
    # 80 % [MASK]; 10 % a random word (one in 96 draws the word itself); 10 % kept
    assert as_mask.mean() == pytest.approx(0.8, abs=0.006)
    assert other_word.mean() == pytest.approx(0.1 * 95 / 96, abs=0.004)
    assert kept.mean() == pytest.approx(0.1 + 0.1 / 96, abs=0.004)
    assert picked_in[other_word].min() >= 4 and picked_in[other_word].max() < 100
    unchosen = real & ~chosen
    np.testing.assert_array_equal(inputs.numpy()[unchosen], ids.numpy()[unchosen])


def test_unmasked_positions_carry_no_loss():
    torch.manual_seed(0)
    logits = torch.randn(3, 5, 7, dtype=torch.float64, requires_grad=True)
    targets = torch.tensor([[0, 4, 0, 0, 0], [5, 0, 6, 0, 0], [0, 0, 0, 0, 0]])
    loss = MaskedTokenCrossEntropy()(logits, targets)
    by_hand = -torch.stack(
        [
            torch.log_softmax(logits[0, 1], 0)[4],
            torch.log_softmax(logits[1, 0], 0)[5],
            torch.log_softmax(logits[1, 2], 0)[6],
        ]
    ).mean()
    torch.testing.assert_close(loss.mean(), by_hand)  # the mean over masked tokens
    loss.mean().backward()
    gradient = logits.grad.abs().sum(-1)
    assert torch.all(gradient[targets == 0] == 0)
    assert torch.all(gradient[targets > 0] > 0)


def test_fill_mask_recovers_what_it_was_trained_on(mlm):
    candidates = mlm.fill_mask(
        ["the cat [MASK] on the mat", "a bird [MASK] in the tree"]
    )
    assert [masks[0][0][0] for masks in candidates] == ["sat", "sang"]
    first = candidates[0][0]
    assert len(first) == 5 and all(p >= q for (_, p), (_, q) in zip(first, first[1:]))
    assert 0 < sum(p for _, p in first) <= 1 + 1e-9
    two = mlm.fill_mask(["the [MASK] sat on the [MASK]"], top_k=2)[0]
    assert len(two) == 2 and all(len(m) == 2 for m in two)
    assert {t for t, _ in two[1]} & {"mat", "rug"}


def test_pseudo_log_likelihood(mlm):
    text = "the cat sat on the mat"
    ids = mlm.encoder_.transform([text])[0]
    total = []
    for position in range(1, 7):  # every word in turn, [CLS] and [SEP] not
        masked = ids.copy()
        masked[position] = mlm.mask_id_
        logits = torch.from_numpy(mlm._forward(masked[None]))[0, position]
        total.append(float(torch.log_softmax(logits, -1)[ids[position]]))
    assert mlm.score_samples([text])[0] == pytest.approx(np.mean(total), abs=1e-10)
    seen, shuffled = mlm.score_samples([text, "mat the on sat cat the"])
    assert seen > shuffled
    assert mlm.score(CORPUS[:4]) == pytest.approx(
        np.average(mlm.score_samples(CORPUS[:4]), weights=[6, 6, 6, 5])
    )


def test_embeddings(mlm):
    cls = mlm.transform(["the cat sat", "a bird"])
    mean = mlm.set_params(pooling="mean").transform(["the cat sat", "a bird"])
    mlm.set_params(pooling="cls")
    assert cls.shape == mean.shape == (2, 32) and not np.allclose(cls, mean)
    assert mlm.get_feature_names_out()[0] == "transformermaskedlm0"


def test_fine_tuning_copies_the_encoder_and_adds_a_head(mlm):
    labels = np.array([0, 0, 1, 0] * 10)  # is it about a bird?
    classifier = TransformerClassifier(
        32, 4, token_input=True, pooling="mean", init_from=FrozenEstimator(mlm),
        freeze="features", max_epochs=1, random_state=0,
    )  # fmt: skip
    pipe = make_pipeline(FrozenEstimator(mlm.encoder_), classifier).fit(CORPUS, labels)
    source = mlm.net_.module_.state_dict()
    target = pipe[-1].net_.module_.state_dict()
    assert pipe[-1].n_tokens_ == mlm.n_tokens_
    for name, value in target.items():
        if name.startswith("output"):
            assert value.shape[0] == 2 and source[name].shape[0] == mlm.n_tokens_
        else:
            torch.testing.assert_close(value, source[name])
    assert pipe[-1].new_layers_ == ["output"]
    tuned = TransformerClassifier(
        32, 4, token_input=True, pooling="mean", init_from=FrozenEstimator(mlm),
        max_epochs=30, learning_rate=3e-3, random_state=0,
    )  # fmt: skip
    tuned = make_pipeline(FrozenEstimator(mlm.encoder_), tuned).fit(CORPUS, labels)
    assert tuned.score(CORPUS, labels) == 1.0


def test_a_classifier_fine_tuned_from_the_masked_lm_reads_texts(mlm):
    labels = np.array([0, 0, 1, 0] * 10)
    classifier = TransformerClassifier(
        32, 4, init_from=mlm, freeze="features", max_epochs=1, random_state=0
    ).fit(CORPUS, labels)
    source = mlm.net_.module_.state_dict()
    target = classifier.net_.module_.state_dict()
    assert classifier.new_layers_ == ["output"]
    assert all(
        torch.equal(value, source[name])
        for name, value in target.items()
        if not name.startswith("output")
    )
    # BERT's pooling: the final state at the text's own [CLS] token
    ids = torch.from_numpy(mlm.encoder_.transform(CORPUS[:3]))
    assert (ids[:, 0] == 2).all()  # [CLS] is SequenceEncoder's <BOS>
    module = classifier.net_.module_.double().eval()
    with torch.no_grad():
        hidden, _ = module.encode(ids)
        logits = module.output(hidden[:, 0])
    np.testing.assert_allclose(
        classifier.predict_proba(CORPUS[:3]), torch.softmax(logits, 1), rtol=1e-9
    )
    assert classifier.__sklearn_tags__().input_tags.string
    loaded = pickle.loads(pickle.dumps(classifier))
    np.testing.assert_array_equal(
        loaded.predict_proba(CORPUS), classifier.predict_proba(CORPUS)
    )
    with pytest.raises(TypeError):
        classifier.predict(np.ones((2, 8)))
    # as a model selection candidate, the source stays fitted through clone
    search = GridSearchCV(
        TransformerClassifier(32, 4, init_from=FrozenEstimator(mlm), max_epochs=20,
                              learning_rate=3e-3, random_state=0),
        {"pooling": ["cls", "mean"]}, cv=2, n_jobs=2,
    ).fit(CORPUS, labels)  # fmt: skip
    assert search.best_score_ > 0.7
    assert search.predict(["a bird sang"]).shape == (1,)


def test_bad_input(mlm):
    with pytest.raises(ValueError, match=r"\[MASK\].*text 1 has none"):
        mlm.fill_mask(["the [MASK] sat", "no mask here"])
    with pytest.raises(ValueError, match="top_k"):
        mlm.fill_mask(["the [MASK] sat"], top_k=0)
    with pytest.raises(ValueError, match="at most"):
        mlm.fill_mask(["the [MASK] " + "cat " * 20])
    with pytest.raises(ValueError, match="mask_probability"):
        TransformerMaskedLM(mask_probability=0).fit(CORPUS)
    with pytest.raises(ValueError, match="no text"):
        TransformerMaskedLM().fit([])
    with pytest.raises(ValueError, match="divisible"):
        TransformerMaskedLM(30, 4).fit(CORPUS)
