"""CycleGAN: the least-squares, cycle and identity losses against the
paper's formulas, the residual generator, the image pool, unpaired batches,
which networks each step updates, both directions of translation, bad
input."""

import pickle

import numpy as np
import pytest
import torch

from ml2learn.datasets import make_unpaired_digits
from ml2learn.generative import (
    CycleGAN,
    ImagePool,
    ResNetGenerator,
    cycle_consistency_loss,
    least_squares_losses,
)
from ml2learn.generative._cyclegan import _UnpairedDataset

SMALL = dict(
    generator_width=4,
    discriminator_width=4,
    n_blocks=1,
    max_epochs=1,
    random_state=0,
)


@pytest.fixture(scope="module")
def domains():
    thin, thick, _, _ = make_unpaired_digits(random_state=0)
    return thin[:60], thick[:50]


def _parameters(module):
    return [p.detach().clone() for p in module.parameters()]


def _changed(before, module):
    return any(not torch.equal(a, b) for a, b in zip(before, module.parameters()))


def _scaled(model, thin, thick):
    a = torch.from_numpy(model._inputs.scale(thin.reshape(len(thin), -1)))
    b = torch.from_numpy(model._targets.scale(thick.reshape(len(thick), -1)))
    return a, b


# -- the losses -----------------------------------------------------------


def test_least_squares_losses_are_mao_et_als():
    rng = np.random.RandomState(0)
    real, fake = rng.normal(size=(3, 1, 4, 4)), rng.normal(size=(3, 1, 4, 4))
    d_loss, g_loss = least_squares_losses(torch.tensor(real), torch.tensor(fake))
    assert float(d_loss) == pytest.approx(
        0.5 * (np.mean((real - 1) ** 2) + np.mean(fake**2)), rel=1e-12
    )
    assert float(g_loss) == pytest.approx(np.mean((fake - 1) ** 2), rel=1e-12)
    none, alone = least_squares_losses(None, torch.tensor(fake))
    assert none is None and float(alone) == pytest.approx(float(g_loss))


def test_cycle_and_identity_losses_are_the_papers():
    rng = np.random.RandomState(1)
    a, rec_a, b, rec_b = (torch.tensor(rng.normal(size=(2, 3, 5, 5))) for _ in "1234")
    expected = np.mean(np.abs(rec_a.numpy() - a.numpy()))
    expected += np.mean(np.abs(rec_b.numpy() - b.numpy()))
    assert float(cycle_consistency_loss(a, rec_a, b, rec_b)) == pytest.approx(
        expected, rel=1e-12
    )
    # a perfect cycle costs nothing
    assert float(cycle_consistency_loss(a, a, b, b)) == 0


# -- the networks ---------------------------------------------------------


@pytest.mark.parametrize("shape, n_down", [((16, 16), 2), ((13, 10), 2), ((1, 1), 0)])
def test_resnet_generator_keeps_the_image_size(shape, n_down):
    torch.manual_seed(0)
    padding = "reflect" if min(shape) > 3 else "zeros"
    norm = "instance" if shape != (1, 1) else "batch"
    net = ResNetGenerator(1, 3, n_down, 2, 4, norm, padding).eval()
    out = net(torch.randn(4, 1, *shape))
    assert out.shape == (4, 3, *shape) and out.abs().max() <= 1


def test_image_pool_keeps_past_images_and_swaps_half():
    generator = torch.Generator().manual_seed(0)
    assert torch.equal(
        ImagePool(0, generator).query(torch.ones(3, 1)), torch.ones(3, 1)
    )
    pool = ImagePool(4, generator)
    first = torch.arange(4.0)[:, None]
    assert torch.equal(pool.query(first), first)  # filling: passes through
    swapped = 0
    for step in range(200):
        new = torch.full((1, 1), 100.0 + step)
        before = torch.cat(pool.images)
        out = pool.query(new)
        swapped += int(out[0, 0] != new[0, 0])
        assert len(pool.images) == 4 and out[0, 0] in torch.cat([before, new[0]])
        if out[0, 0] != new[0, 0]:  # the new image took the returned one's place
            assert new[0] in torch.cat(pool.images)
    assert 0.4 < swapped / 200 < 0.6


# -- training ---------------------------------------------------------------


def test_each_step_updates_only_its_networks(domains):
    thin, thick = domains
    model = CycleGAN(**SMALL).fit(thin, thick)
    net, module = model.net_, model.net_.module_
    a, b = _scaled(model, thin[:8], thick[:8])
    module.train()
    g, d = _parameters(module.generator), _parameters(module.discriminator)
    G, F = _parameters(module.generator.a_to_b), _parameters(module.generator.b_to_a)
    _, fake_b, fake_a = net.generator_step(a, b)
    assert _changed(G, module.generator.a_to_b)
    assert _changed(F, module.generator.b_to_a)
    assert not _changed(d, module.discriminator)
    g = _parameters(module.generator)
    net.discriminator_step(a, b, fake_b, fake_a)
    assert _changed(d, module.discriminator)
    assert not _changed(g, module.generator)
    assert all(p.requires_grad for p in module.discriminator.parameters())


def test_generator_loss_adds_the_weighted_terms(domains):
    thin, thick = domains
    model = CycleGAN(**SMALL, cycle_weight=7.0, identity_weight=0.3).fit(thin, thick)
    net, module = model.net_, model.net_.module_
    a, b = _scaled(model, thin[:8], thick[:8])
    module.train()
    G, F = module.generator.a_to_b, module.generator.b_to_a
    D = module.discriminator
    with torch.no_grad():  # batch statistics: the step sees the same values
        fake_b, fake_a = G(a), F(b)
        adversarial = least_squares_losses(None, D.b(fake_b))[1]
        adversarial += least_squares_losses(None, D.a(fake_a))[1]
        cycle = cycle_consistency_loss(a, F(fake_b), b, G(fake_a))
        identity = cycle_consistency_loss(a, F(a), b, G(b))
    loss, _, _ = net.generator_step(a, b)
    expected = adversarial + 7.0 * cycle + 0.3 * 7.0 * identity
    assert float(loss) == pytest.approx(float(expected), rel=1e-5)


def test_unpaired_batches_meet_as_many_images_of_b(domains):
    thin, thick = domains
    model = CycleGAN(**SMALL, batch_size=16).fit(thin, thick[:20])
    net = model.net_
    a, b = _scaled(model, thin, thick[:20])
    batches = list(net.get_iterator(_UnpairedDataset(a, b), training=True))
    assert [len(x) for x, _ in batches] == [len(y) for _, y in batches]
    assert sum(len(x) for x, _ in batches) == len(thin)
    drawn = torch.cat([y for _, y in batches]).flatten(1)
    # B's 20 images are all used before any is used twice
    first_pass = drawn[:20]
    assert len(torch.unique(first_pass, dim=0)) == 20


def test_any_numbers_of_images_on_each_side(domains):
    thin, thick = domains
    model = CycleGAN(**SMALL).fit(thin[:30], thick)
    assert model.transform(thin[:4]).shape == (4, 1, 16, 16)
    assert model.inverse_transform(thick[:5]).shape == (5, 1, 16, 16)


def test_training_closes_the_cycle(domains):
    thin, thick = domains
    model = CycleGAN(
        generator_width=8,
        discriminator_width=8,
        n_blocks=1,
        max_epochs=10,
        learning_rate=2e-3,
        random_state=0,
    ).fit(thin, thick)
    curve = model.history_["cycle_loss"]
    assert curve[-1] < 0.6 * curve[0]
    back = model.inverse_transform(model.transform(thin))
    assert np.mean(np.abs(back - thin)) < 0.6 * np.mean(np.abs(thin - thin.mean()))


def test_same_seed_same_model_and_pickling_keeps_it(domains):
    thin, thick = domains
    a = CycleGAN(**SMALL).fit(thin, thick)
    b = CycleGAN(**SMALL).fit(thin, thick)
    np.testing.assert_array_equal(a.transform(thin[:5]), b.transform(thin[:5]))
    restored = pickle.loads(pickle.dumps(a))
    np.testing.assert_array_equal(a.transform(thin[:5]), restored.transform(thin[:5]))
    np.testing.assert_array_equal(
        a.inverse_transform(thick[:5]), restored.inverse_transform(thick[:5])
    )


def test_flat_rows_and_the_unet_generator():
    rng = np.random.RandomState(0)
    X_a, X_b = rng.normal(size=(40, 3)), rng.normal(2.0, 0.5, size=(30, 3))
    model = CycleGAN(**SMALL).fit(X_a, X_b)
    assert model.norm_ == "batch" and model.input_shape_ == (3, 1, 1)
    assert model.transform(X_a).shape == (40, 3)
    assert model.inverse_transform(X_b).shape == (30, 3)
    thin, thick, _, _ = make_unpaired_digits(random_state=0)
    unet = CycleGAN(**SMALL, generator="unet").fit(thin[:30], thick[:30])
    assert unet.transform(thin[:2]).shape == (2, 1, 16, 16)
    assert np.isfinite(unet.score(thin[30:40], thick[30:40]))


# -- bad input --------------------------------------------------------------


def test_domains_of_different_image_sizes_are_refused(domains):
    thin, thick = domains
    with pytest.raises(ValueError, match="one size"):
        CycleGAN(**SMALL).fit(thin, thick[:, :, :8, :8])


def test_identity_loss_needs_as_many_channels(domains):
    thin, thick = domains
    colour = np.repeat(thick, 3, axis=1)
    with pytest.raises(ValueError, match="identity_weight=0.5 .* A has 1, B has 3"):
        CycleGAN(**SMALL, identity_weight=0.5).fit(thin, colour)
    model = CycleGAN(**SMALL).fit(thin, colour)
    assert model.identity_weight_ == 0.0
    assert CycleGAN(**SMALL).fit(thin, thick).identity_weight_ == 0.5
    assert model.transform(thin[:2]).shape == (2, 3, 16, 16)
    assert model.inverse_transform(colour[:2]).shape == (2, 1, 16, 16)


def test_inverse_transform_refuses_images_of_another_shape(domains):
    thin, thick = domains
    model = CycleGAN(**SMALL).fit(thin, thick)
    with pytest.raises(ValueError, match="domain B"):
        model.inverse_transform(thick[:3, :, :8, :8])
    with pytest.raises(ValueError, match="shape|features"):
        model.transform(thin[:3, :, :8, :8])


def test_y_is_required(domains):
    thin, _ = domains
    with pytest.raises(ValueError, match="requires y"):
        CycleGAN(**SMALL).fit(thin, None)
