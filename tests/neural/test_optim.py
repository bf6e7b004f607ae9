"""The short-path Adam and AdamW against torch's own."""

import copy
import pickle

import pytest
import torch

from ml2learn.neural._optim import Adam, AdamW

TORCH_CLASS = {Adam: torch.optim.Adam, AdamW: torch.optim.AdamW}


def _network(seed=0):
    """A small MLP and, at its end, a layer that the loss never uses."""
    torch.manual_seed(seed)
    return torch.nn.Sequential(
        torch.nn.Linear(5, 8),
        torch.nn.Tanh(),
        torch.nn.Linear(8, 3),
        torch.nn.Linear(1, 1),
    )


def _groups(network, **second):
    first, last, unused = network[0], network[2], network[3]
    return [
        {"params": list(first.parameters())},
        {"params": [*last.parameters(), *unused.parameters()], **second},
    ]


def _train(network, optimizer, steps=6, closure=True):
    """``steps`` updates on fixed random batches (the last layer unused)."""
    generator = torch.Generator().manual_seed(1)
    for _ in range(steps):
        x = torch.randn(16, 5, generator=generator)
        target = torch.randn(16, 3, generator=generator)

        def loss_of_batch(x=x, target=target):
            optimizer.zero_grad()
            out = network[:3](x)
            loss = ((out - target) ** 2).mean()
            loss.backward()
            return loss

        if closure:
            optimizer.step(loss_of_batch)
        else:
            loss_of_batch()
            optimizer.step()


def _parameters(network):
    return [p.detach().clone() for p in network.parameters()]


@pytest.mark.parametrize("cls", [Adam, AdamW])
@pytest.mark.parametrize("closure", [True, False])
def test_updates_equal_torchs_fused_step(cls, closure):
    ours, theirs = _network(), _network()
    second = {"lr": 0.03, "weight_decay": 0.1}
    mine = cls(_groups(ours, **second), lr=0.01, fused=True)
    reference = TORCH_CLASS[cls](_groups(theirs, **second), lr=0.01, fused=True)
    _train(ours, mine, closure=closure)
    _train(theirs, reference, closure=closure)
    for a, b in zip(_parameters(ours), _parameters(theirs)):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    # a parameter that never had a gradient has no state, as in torch
    assert len(mine.state) == len(reference.state) == 4
    for p, q in zip(ours.parameters(), theirs.parameters()):
        for key, value in reference.state[q].items():
            torch.testing.assert_close(mine.state[p][key], value, rtol=0, atol=0)


@pytest.mark.parametrize("cls", [Adam, AdamW])
def test_state_dict_is_torchs(cls):
    ours, theirs = _network(), _network()
    mine = cls(ours.parameters(), lr=0.01, fused=True)
    reference = TORCH_CLASS[cls](theirs.parameters(), lr=0.01, fused=True)
    _train(ours, mine, steps=3)
    _train(theirs, reference, steps=3)
    # each continues from the other's state exactly as from its own
    swapped_ours = TORCH_CLASS[cls](ours.parameters(), lr=0.01, fused=True)
    swapped_ours.load_state_dict(mine.state_dict())
    swapped_theirs = cls(theirs.parameters(), lr=0.01, fused=True)
    swapped_theirs.load_state_dict(pickle.loads(pickle.dumps(reference.state_dict())))
    _train(ours, swapped_ours, steps=3)
    _train(theirs, swapped_theirs, steps=3)
    for a, b in zip(_parameters(ours), _parameters(theirs)):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


@pytest.mark.parametrize(
    "options", [{"amsgrad": True}, {"maximize": True}, {"fused": False}]
)
def test_options_the_short_path_lacks_take_torchs_step(options):
    ours, theirs = _network(), _network()
    options = {"fused": True, **options}
    mine = Adam(ours.parameters(), lr=0.01, **options)
    reference = torch.optim.Adam(theirs.parameters(), lr=0.01, **options)
    _train(ours, mine)
    _train(theirs, reference)
    for a, b in zip(_parameters(ours), _parameters(theirs)):
        torch.testing.assert_close(a, b)


def test_step_hooks_run():
    network = _network()
    optimizer = Adam(network.parameters(), lr=0.01, fused=True)
    calls = []
    optimizer.register_step_pre_hook(lambda *args: calls.append("pre"))
    optimizer.register_step_post_hook(lambda *args: calls.append("post"))
    _train(network, optimizer, steps=2)
    assert calls == ["pre", "post", "pre", "post"]


def test_scheduled_learning_rate_is_used():
    ours, theirs = _network(), _network()
    mine = Adam(ours.parameters(), lr=0.1, fused=True)
    reference = torch.optim.Adam(theirs.parameters(), lr=0.1, fused=True)
    for network, optimizer in ((ours, mine), (theirs, reference)):
        schedule = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
        for _ in range(4):
            _train(network, optimizer, steps=1)
            schedule.step()
    assert mine.param_groups[0]["lr"] == pytest.approx(0.1 / 16)
    for a, b in zip(_parameters(ours), _parameters(theirs)):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_zero_grad():
    network = _network()
    optimizer = Adam(network.parameters(), fused=True)
    _train(network, optimizer, steps=1)
    optimizer.zero_grad(set_to_none=False)
    assert all(torch.all(p.grad == 0) for p in network[:3].parameters())
    optimizer.zero_grad()
    assert all(p.grad is None for p in network.parameters())


def test_plain_steps_take_the_short_path(monkeypatch):
    def torch_step(*args, **kwargs):
        raise AssertionError("torch's own step was taken")

    monkeypatch.setattr(Adam, "_torch_step", torch_step)
    network = _network()
    _train(network, Adam(_groups(network, lr=0.1), fused=True), closure=True)
    _train(network, Adam(network.parameters(), fused=True), closure=False)


def test_a_loaded_state_replaces_the_one_in_use():
    ours, theirs = _network(), _network()
    mine = Adam(ours.parameters(), lr=0.01, fused=True)
    reference = torch.optim.Adam(theirs.parameters(), lr=0.01, fused=True)
    _train(ours, mine, steps=2)
    _train(theirs, reference, steps=5)
    with torch.no_grad():
        for p, q in zip(ours.parameters(), theirs.parameters()):
            p.copy_(q)
    # torch's state_dict holds the very step tensors: a copy, not shared
    mine.load_state_dict(copy.deepcopy(reference.state_dict()))
    _train(ours, mine, steps=3)
    _train(theirs, reference, steps=3)
    for a, b in zip(_parameters(ours), _parameters(theirs)):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert all(mine.state[p]["step"] == 8 for p in ours[:3].parameters())
