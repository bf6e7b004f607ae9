"""A multi-layer perceptron, one block per hidden layer."""

from torch import nn

__all__ = ["ACTIVATIONS", "DenseBlock", "MLP", "make_activation"]

ACTIVATIONS = {
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "gelu": nn.GELU,
    "elu": nn.ELU,
}


def make_activation(name):
    """A fresh activation module from its name (see ``ACTIVATIONS``)."""
    return ACTIVATIONS[name]()


class DenseBlock(nn.Module):
    """``linear -> [batch norm] -> activation -> [batch norm] -> dropout``.

    ``batch_norm="before"`` normalises the pre-activations (Ioffe & Szegedy),
    ``"after"`` the activations; dropout is active in training mode only.
    """

    def __init__(self, n_in, n_out, activation, dropout=0.0, batch_norm=None):
        super().__init__()
        self.linear = nn.Linear(n_in, n_out)
        self.norm_before = nn.BatchNorm1d(n_out) if batch_norm == "before" else None
        self.activation = make_activation(activation)
        self.norm_after = nn.BatchNorm1d(n_out) if batch_norm == "after" else None
        self.dropout = nn.Dropout(dropout) if dropout > 0 else None

    def forward(self, x):
        x = self.linear(x)
        if self.norm_before is not None:
            x = self.norm_before(x)
        x = self.activation(x)
        if self.norm_after is not None:
            x = self.norm_after(x)
        if self.dropout is not None:
            x = self.dropout(x)
        return x


class MLP(nn.Module):
    """Hidden :class:`DenseBlock` s followed by a linear output layer.

    Parameters
    ----------
    n_features : int
        Inputs.
    hidden_layer_sizes : sequence of int
        Width of every hidden layer.
    n_outputs : int
        Outputs (logits or values; the loss applies the output non-linearity).
    activation : str
        Hidden activation, a key of ``ACTIVATIONS``.
    dropout : float
        Dropout probability after every hidden layer.
    batch_norm : {"before", "after"} or None
        Where batch normalisation sits relative to the activation.
    """

    def __init__(
        self,
        n_features,
        hidden_layer_sizes,
        n_outputs,
        activation="relu",
        dropout=0.0,
        batch_norm=None,
    ):
        super().__init__()
        widths = [n_features, *hidden_layer_sizes]
        self.hidden = nn.Sequential(
            *(
                DenseBlock(n_in, n_out, activation, dropout, batch_norm)
                for n_in, n_out in zip(widths[:-1], widths[1:])
            )
        )
        self.output = nn.Linear(widths[-1], n_outputs)

    def forward(self, x):  # (B, n_features) -> (B, n_outputs)
        return self.output(self.hidden(x))

    def freezable_blocks(self):
        """``(name, module)`` of the layers in order, input side first."""
        return [
            *((f"hidden.{i}", block) for i, block in enumerate(self.hidden)),
            ("output", self.output),
        ]
