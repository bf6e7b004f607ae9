"""The alignment matrix of a translation, drawn as the attention papers
draw it: output tokens down, source tokens across."""

__all__ = ["plot_alignment"]


def plot_alignment(translator, text, ax=None, cmap="Greys"):
    """Draw how much each output token attended to each source token.

    Parameters
    ----------
    translator : Seq2SeqTranslator
        A fitted translator with attention.
    text : str
        The source text to translate.
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when None.
    cmap : str, default="Greys"
        The colour map (white is 0, black is 1).

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on; the title is the translation.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from ml2learn.inspection import plot_alignment
    >>> from ml2learn.neural import Seq2SeqTranslator
    >>> model = Seq2SeqTranslator(hidden_size=16, max_epochs=5, random_state=0)
    >>> model = model.fit(["a b", "b a"], ["b a", "a b"])
    >>> plot_alignment(model, "a b").get_xlabel()
    'source'
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the extra
        raise ImportError(
            "plot_alignment needs matplotlib: pip install 'ml2learn[plot]'."
        ) from exc
    weights, source, output = translator.attention_weights(text, return_tokens=True)
    if ax is None:
        size = (1.2 + 0.45 * len(source), 1.0 + 0.4 * len(output))
        _, ax = plt.subplots(figsize=size)
    ax.imshow(weights, cmap=cmap, vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(source)), source, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(output)), output, fontsize=8)
    ax.set_xlabel("source")
    ax.set_ylabel("output")
    joiner = "" if translator.target_tokenizer == "char" else " "
    ax.set_title(joiner.join(t for t in output if t != "<EOS>"), fontsize=9)
    return ax
