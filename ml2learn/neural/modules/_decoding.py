"""Decoding a next-token model: beam search over any step function, and the
filters of sampled decoding (top-k; nucleus, Holtzman et al., 2020). The
translators, language models and captioners all decode through these."""

import torch

__all__ = ["BOS", "EOS", "beam_search_steps", "top_k_filter", "top_p_filter"]

BOS, EOS = 2, 3


def top_k_filter(logits, top_k):
    """Logits of all but the ``top_k`` largest set to ``-inf``.

    Parameters
    ----------
    logits : tensor of shape (..., V)
        Next-token logits.
    top_k : int
        Tokens kept (ties with the ``top_k``-th are kept too).

    Returns
    -------
    logits : tensor of shape (..., V)
        A filtered copy.
    """
    cut = torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).values[..., -1:]
    return logits.masked_fill(logits < cut, float("-inf"))


def top_p_filter(logits, top_p):
    """Nucleus filtering: keep the smallest set of most likely tokens whose
    probability reaches ``top_p``, set the others to ``-inf``.

    With the probabilities sorted, ``p_(1) >= p_(2) >= ...``, token ``(i)``
    is kept when ``sum_{j < i} p_(j) < top_p``: the most likely token always,
    and every token until the mass kept reaches ``top_p``.

    Parameters
    ----------
    logits : tensor of shape (..., V)
        Next-token logits.
    top_p : float in (0, 1]
        The probability mass to keep (1 keeps every token).

    Returns
    -------
    logits : tensor of shape (..., V)
        A filtered copy.

    References
    ----------
    .. [1] A. Holtzman, J. Buys, L. Du, M. Forbes and Y. Choi, "The curious
       case of neural text degeneration", ICLR 2020.
    """
    p, order = torch.softmax(logits, dim=-1).sort(dim=-1, descending=True)
    mass_before = p.cumsum(dim=-1) - p
    drop_sorted = mass_before >= top_p
    drop = drop_sorted.scatter(-1, order, drop_sorted)
    return logits.masked_fill(drop, float("-inf"))


def beam_search_steps(
    step, reorder, state, first, beam_width=1, max_steps=20, length_penalty=0.0
):
    """Beam search over a step function (greedy when ``beam_width=1``).

    Every step extends each of the ``beam_width`` best prefixes of a row by
    every token and keeps the ``beam_width`` best by total log-probability
    ``sum_t log p(y_t | y_<t, x)``; a prefix that has emitted ``<EOS>`` is
    complete and keeps its score. At the end the hypotheses are ranked by
    ``log p / length^length_penalty`` (Wu et al.'s length normalisation; 0
    ranks by the log-probability itself). Padding (0) and ``<BOS>`` (2) are
    never produced.

    Parameters
    ----------
    step : callable
        ``step(previous, state) -> (logits, state, weights)``: from the last
        tokens ``(R,)`` and the state of ``R`` rows, the next-token logits
        ``(R, V)``, the new state and attention weights ``(R, S)`` (or None).
    reorder : callable
        ``reorder(state, rows)``: the state of the rows ``rows``.
    state : object
        The state of the ``B`` rows before ``first``.
    first : long tensor of shape (B,)
        The token each row continues from (``<BOS>``, or a prompt's last).
    beam_width : int, default=1
        Hypotheses kept per row.
    max_steps : int, default=20
        Most tokens produced, ``<EOS>`` included.
    length_penalty : float, default=0.0
        The exponent of the length normalisation.

    Returns
    -------
    tokens : long tensor of shape (B, L)
        The best hypothesis of each row, ending in ``<EOS>`` (id 3) then
        padding (0) unless it ran out of steps (``L <= max_steps``).
    log_probability : float64 tensor of shape (B,)
        Its total log-probability.
    weights : tensor of shape (B, L, S) or None
        Its attention weights at every step (None without attention).
    """
    B, K = len(first), beam_width
    start = torch.arange(B).repeat_interleave(K)
    state = reorder(state, start)
    previous = first[start]
    scores = torch.full((B, K), float("-inf"), dtype=torch.float64)
    scores[:, 0] = 0.0  # at first, only one hypothesis per row
    tokens = torch.zeros((B * K, 0), dtype=torch.long)
    done = torch.zeros(B * K, dtype=torch.bool)
    lengths = torch.zeros(B * K, dtype=torch.float64)
    history = []
    for _ in range(max_steps):
        logits, state, weights = step(previous, state)
        log_p = torch.log_softmax(logits.double(), dim=-1)
        log_p[:, 0] = float("-inf")  # never padding or a new <BOS>
        log_p[:, BOS] = float("-inf")
        # a complete hypothesis continues with padding only, at no cost
        log_p[done] = float("-inf")
        log_p[done, 0] = 0.0
        V = log_p.shape[1]
        candidates = (scores.reshape(-1, 1) + log_p).reshape(B, K * V)
        scores, index = candidates.topk(K, dim=1)
        rows = (torch.arange(B)[:, None] * K + index // V).reshape(-1)
        chosen = (index % V).reshape(-1)
        lengths = lengths[rows] + (~done[rows]).double()
        done = done[rows] | (chosen == EOS)
        tokens = torch.cat([tokens[rows], chosen[:, None]], dim=1)
        state = reorder(state, rows)
        if weights is not None:
            history = [w[rows] for w in history] + [weights[rows]]
        previous = chosen
        if bool(done.all()):
            break
    ranked = scores.reshape(-1) / lengths.clamp_min(1) ** length_penalty
    best = ranked.reshape(B, K).argmax(dim=1) + torch.arange(B) * K
    weights = torch.stack(history, dim=1)[best] if history else None
    return tokens[best], scores.reshape(-1)[best], weights
