"""Weights in and out of a network: initialisation, transfer learning,
freezing and reading a layer's output (notes, lines 2920-3045 and
3387-3480).

Every module of :mod:`ml2learn.neural.modules` lists its layers, input side
first, with ``freezable_blocks()``; the last one is the output layer (the
head), which fine-tuning replaces when the new task has another number of
outputs.
"""

from contextlib import contextmanager

from torch import nn

__all__ = [
    "LayerCaptured",
    "capture_layer",
    "copy_matching_weights",
    "freeze_layers",
    "head_name",
    "initialize_weights",
]


class LayerCaptured(Exception):
    """Raised by :func:`capture_layer`'s hook once it holds the layer's
    output: the rest of the forward pass (an output layer over a whole
    vocabulary, say) is not needed."""


_WEIGHTED = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.ConvTranspose1d, nn.ConvTranspose2d)


def head_name(module):
    """The name of ``module``'s output layer."""
    return module.freezable_blocks()[-1][0]


def initialize_weights(module, scheme):
    """Draw the weights of every linear and convolution layer of ``module``
    by ``scheme`` and set their biases to 0.

    ``"glorot_uniform"``: ``U(-a, a)``, ``a = sqrt(6 / (fan_in + fan_out))``;
    ``"glorot_normal"``: ``N(0, 2 / (fan_in + fan_out))`` (Glorot & Bengio,
    2010); ``"he_uniform"``: ``a = sqrt(6 / fan_in)``; ``"he_normal"``:
    ``N(0, 2 / fan_in)`` (He et al., 2015). ``"default"`` leaves PyTorch's
    initialisation.
    """
    if scheme == "default":
        return
    draw = {
        "glorot_uniform": nn.init.xavier_uniform_,
        "glorot_normal": nn.init.xavier_normal_,
        "he_uniform": lambda w: nn.init.kaiming_uniform_(w, nonlinearity="relu"),
        "he_normal": lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"),
    }[scheme]
    for layer in module.modules():
        if isinstance(layer, _WEIGHTED):
            draw(layer.weight)
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)


def _layer_of(state_name):
    return state_name.rsplit(".", 1)[0]


def _unique(names):
    return list(dict.fromkeys(names))


def copy_matching_weights(source, module, same_task=True):
    """Copy ``source``'s weights into ``module`` (transfer learning).

    Every entry of ``module``'s state outside its output layer must exist in
    ``source`` with the same shape; the output layer is copied when the task
    is the same (``same_task``) and its shapes match, and left as
    initialised otherwise (a new task). Entries of ``source`` that
    ``module`` lacks (another head) are ignored.

    Returns
    -------
    copied, new : list of str
        The layers copied and the layers left new.
    """
    state = source.state_dict()
    head = head_name(module) + "."
    copied, new, mismatched = [], [], []
    for name, value in module.state_dict().items():
        if name.startswith(head) and not same_task:
            new.append(name)
        elif name in state and state[name].shape == value.shape:
            copied.append(name)
        elif name.startswith(head):
            new.append(name)
        else:
            found = tuple(state[name].shape) if name in state else "missing"
            mismatched.append(f"{name} {tuple(value.shape)} vs {found}")
    if mismatched or not copied:
        raise ValueError(
            "init_from must have the same feature extractor (the layers before "
            f"the output layer); these weights do not match: {mismatched[:5]}."
        )
    module.load_state_dict({name: state[name] for name in copied}, strict=False)
    new_layers = _unique(_layer_of(name) for name in new)
    copied_layers = [
        layer for layer in _unique(map(_layer_of, copied)) if layer not in new_layers
    ]
    return copied_layers, new_layers


def _top_level(name):
    return name.split(".", 1)[0]


def freeze_layers(module, freeze):
    """Stop the gradients of the layers ``freeze`` names; returns their
    names. Every other parameter is made trainable again.

    ``freeze`` is None, a count of the first layers of
    ``module.freezable_blocks()``, ``"features"`` (every layer but the
    output layer) or a layer name or list of names.
    """
    module.requires_grad_(True)
    if freeze is None:
        return []
    blocks = module.freezable_blocks()
    if isinstance(freeze, str) and freeze == "features":
        head = head_name(module)
        names = _unique(
            _top_level(name)
            for name, _ in module.named_parameters()
            if _top_level(name) != head
        )
    elif isinstance(freeze, int):
        if freeze > len(blocks):
            raise ValueError(
                f"freeze={freeze} asks for more layers than the network has: "
                f"{len(blocks)} ({[name for name, _ in blocks]})."
            )
        names = [name for name, _ in blocks[:freeze]]
    else:
        names = [freeze] if isinstance(freeze, str) else list(freeze)
        found = dict(module.named_modules())
        missing = [name for name in names if name not in found]
        if missing:
            raise ValueError(
                f"freeze names layers that do not exist: {missing}; the module's "
                f'layers are {[n for n, _ in blocks]} (or "features") and their '
                "children."
            )
    modules = dict(module.named_modules())
    for name in names:
        modules[name].requires_grad_(False)
    if not any(p.requires_grad for p in module.parameters()):
        raise ValueError(
            f"freeze={freeze!r} freezes every layer, so nothing would train; "
            "leave at least the output layer trainable."
        )
    return names


@contextmanager
def capture_layer(module, layer):
    """Collect, while the block runs, the output of ``module``'s layer named
    ``layer`` (None: the input of the output layer), flattened to one row
    per sample, in the list it yields.

    The forward pass stops there, raising :class:`LayerCaptured`; run the
    module through :func:`~ml2learn.neural._nets.float64_call`, which
    catches it.
    """
    name = head_name(module) if layer is None else layer
    modules = dict(module.named_modules())
    if name not in modules or name == "":
        raise ValueError(
            f"feature_layer={layer!r} is not a layer of the network; its layers "
            f"are {[n for n, _ in module.freezable_blocks()]} and their children."
        )
    captured = []

    def keep(value):
        value = value[0] if isinstance(value, tuple) else value
        captured.append(value.detach().reshape(len(value), -1))
        raise LayerCaptured

    if layer is None:
        hook = modules[name].register_forward_pre_hook(lambda m, args: keep(args))
    else:
        hook = modules[name].register_forward_hook(lambda m, args, out: keep(out))
    try:
        yield captured
    finally:
        hook.remove()
