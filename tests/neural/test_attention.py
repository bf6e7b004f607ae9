import math

import numpy as np
import pytest
import torch

from ml2learn.neural.modules import (
    DecoderBlock,
    EncoderBlock,
    MultiHeadAttention,
    PositionalEncoding,
    attention,
    causal_mask,
    padding_mask,
    recording_attention,
    scaled_dot_product_attention,
    sinusoidal_positions,
)


def test_notes_seq2seq_attention_example():
    encoder_states = [[0, 1, 1], [5, 0, 1], [1, 1, 0], [0, 5, 1]]
    result = attention([10, 5, 10], encoder_states)
    np.testing.assert_array_equal(result.scores, [15, 60, 15, 35])
    np.testing.assert_allclose(result.weights, [0, 1, 0, 0], atol=1e-10)
    np.testing.assert_allclose(result.context, [5, 0, 1], atol=1e-9)
    with pytest.raises(ValueError, match="keys"):
        attention([1, 2], encoder_states)


def test_notes_self_attention_example():
    # q.k1 = 112 and q.k2 = 96 in d_k = 64: divided by sqrt(64) = 8 -> 14, 12
    q = np.ones(64)
    keys = np.stack([np.full(64, 112 / 64), np.full(64, 96 / 64)])
    result = attention(q, keys, scale=True)
    np.testing.assert_allclose(result.scores, [14, 12])
    np.testing.assert_allclose(result.weights, [0.8808, 0.1192], atol=5e-5)
    assert result.weights.round(2).tolist() == [0.88, 0.12]


def test_scaled_dot_product_matches_torch():
    torch.manual_seed(0)
    q, k, v = torch.randn(2, 3, 5, 8), torch.randn(2, 3, 7, 8), torch.randn(2, 3, 7, 4)
    mask = torch.rand(5, 7) > 0.7
    mask[:, 0] = False
    ours, weights = scaled_dot_product_attention(q, k, v, mask)
    expected = torch.nn.functional.scaled_dot_product_attention(q, k, v, ~mask)
    torch.testing.assert_close(ours, expected, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 3, 5))


@pytest.mark.parametrize("with_mask", [False, True])
def test_multi_head_attention_equals_torch(with_mask):
    torch.manual_seed(0)
    D, H = 16, 4
    ours = MultiHeadAttention(D, H)
    theirs = torch.nn.MultiheadAttention(D, H, batch_first=True)
    with torch.no_grad():
        theirs.in_proj_weight.copy_(
            torch.cat([ours.query.weight, ours.key.weight, ours.value.weight])
        )
        theirs.in_proj_bias.copy_(
            torch.cat([ours.query.bias, ours.key.bias, ours.value.bias])
        )
        theirs.out_proj.weight.copy_(ours.output.weight)
        theirs.out_proj.bias.copy_(ours.output.bias)
    query, memory = torch.randn(3, 5, D), torch.randn(3, 6, D)
    lengths = torch.tensor([6, 4, 2])
    mask = padding_mask(lengths, 6) if with_mask else None
    with recording_attention(ours):
        out = ours(query, memory, memory, mask)
    assert ours.last_weights is None  # dropped after the block
    with recording_attention(ours):
        ours(query, memory, memory, mask)
        kept = ours.last_weights
    expected, weights = theirs(
        query,
        memory,
        memory,
        key_padding_mask=None if mask is None else mask[:, 0, 0, :],
        average_attn_weights=False,
    )
    torch.testing.assert_close(out, expected, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(kept, weights, atol=1e-5, rtol=1e-5)
    with pytest.raises(ValueError, match="divisible"):
        MultiHeadAttention(10, 4)


def test_sinusoidal_positions_are_the_formula():
    encoding = sinusoidal_positions(12, 8).numpy()
    for pos in range(12):
        for i in range(4):
            angle = pos / 10000 ** (2 * i / 8)
            assert encoding[pos, 2 * i] == pytest.approx(math.sin(angle), abs=1e-6)
            assert encoding[pos, 2 * i + 1] == pytest.approx(math.cos(angle), abs=1e-6)
    x = torch.zeros(1, 5, 8)
    torch.testing.assert_close(
        PositionalEncoding(8, 12)(x)[0], sinusoidal_positions(5, 8)
    )
    learned = PositionalEncoding(8, 12, learned=True)
    assert sum(p.numel() for p in learned.parameters()) == 12 * 8


@pytest.mark.parametrize("norm", ["pre", "post"])
def test_causal_mask_hides_the_future(norm):
    torch.manual_seed(0)
    block = DecoderBlock(8, 2, 16, norm=norm, cross_attention=False)
    x = torch.randn(1, 6, 8, requires_grad=True)
    out = block(x, self_mask=causal_mask(6))
    t = 2
    # a random read-out: a layer-normed row always sums to the same value
    (out[0, t] * torch.randn(8)).sum().backward()
    gradient = x.grad[0].abs().sum(dim=1)
    assert torch.all(gradient[t + 1 :] == 0)
    assert torch.all(gradient[: t + 1] > 0)
    assert causal_mask(3).tolist() == [
        [False, True, True],
        [False, False, True],
        [False, False, False],
    ]


@pytest.mark.parametrize("norm", ["pre", "post"])
def test_padding_never_changes_the_real_positions(norm):
    torch.manual_seed(0)
    encoder = EncoderBlock(8, 2, 16, norm=norm).eval()
    decoder = DecoderBlock(8, 2, 16, norm=norm).eval()
    sequence, memory = torch.randn(1, 4, 8), torch.randn(1, 3, 8)
    padded = torch.cat([sequence, torch.randn(1, 3, 8)], dim=1)
    mask = padding_mask(torch.tensor([4]), 7)
    torch.testing.assert_close(encoder(padded, mask)[:, :4], encoder(sequence))
    padded_memory = torch.cat([memory, torch.randn(1, 2, 8)], dim=1)
    memory_mask = padding_mask(torch.tensor([3]), 5)
    torch.testing.assert_close(
        decoder(sequence, padded_memory, causal_mask(4), memory_mask),
        decoder(sequence, memory, causal_mask(4)),
    )


def test_alignment_scores_dot_general_concat():
    from ml2learn.neural.modules import AlignmentScore

    decoder = torch.tensor([[10.0, 5.0, 10.0]], dtype=torch.float64)
    encoder = torch.tensor(
        [[[0, 1, 1], [5, 0, 1], [1, 1, 0], [0, 5, 1]]], dtype=torch.float64
    )
    scores, weights, context = AlignmentScore("dot", 3, 3)(decoder, encoder)
    assert scores.tolist() == [[15.0, 60.0, 15.0, 35.0]]  # the notes' example
    torch.testing.assert_close(
        context, torch.tensor([[5.0, 0, 1]], dtype=torch.float64)
    )
    general = AlignmentScore("general", 3, 3).double()
    with torch.no_grad():
        general.W.weight.copy_(torch.eye(3))
    torch.testing.assert_close(general(decoder, encoder)[0], scores)  # W = I is dot
    concat = AlignmentScore("concat", 3, 3, attention_size=4).double()
    s, w, c = concat(decoder, encoder)
    W1, W2, v = concat.W1.weight, concat.W2.weight, concat.v.weight[0]
    expected = torch.stack(
        [v @ torch.tanh(W1 @ decoder[0] + W2 @ encoder[0, i]) for i in range(4)]
    )
    torch.testing.assert_close(s[0], expected)
    torch.testing.assert_close(w.sum(), torch.tensor(1.0, dtype=torch.float64))
    masked = AlignmentScore("dot", 3, 3)(
        decoder, encoder, mask=torch.tensor([[False, True, False, False]])
    )[1]
    assert masked[0, 1] == 0 and masked[0, 3] > 0.99  # 35 beats 15 once 60 is masked
    with pytest.raises(ValueError, match="one width"):
        AlignmentScore("dot", 3, 4)
