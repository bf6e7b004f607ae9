"""The vision transformer for image classification and regression
(Dosovitskiy et al., 2021; notes, lines 6058-7215).

The module is :class:`~ml2learn.neural.modules.VisionTransformerNetwork`:
the image cut into ``patch_size`` patches, each linearly embedded into a
token, a ``[CLS]`` token and learned positions, the transformer's encoder
blocks and a head on the ``[CLS]`` output.
"""

from numbers import Integral, Real

import torch

from ..utils._param_validation import Interval, StrOptions
from ._augment import check_augment
from ._base import BaseNeuralEstimator, FeatureExtractorMixin
from ._image_input import _ImageInput
from ._tasks import (
    REGRESSION_ATTRIBUTES_DOC,
    NeuralClassifierMixin,
    NeuralRegressorMixin,
)
from ._training_params import (
    FITTED_ATTRIBUTES_DOC,
    TRAINING_MARKER,
    document_training_parameters,
)
from ._transformer import recorded_attention_maps
from .modules._vit import VisionTransformerNetwork, attention_rollout

__all__ = ["VisionTransformerClassifier", "VisionTransformerRegressor"]


class _BaseVisionTransformer(_ImageInput, FeatureExtractorMixin, BaseNeuralEstimator):
    _supports_warmup = True
    _supports_augment = True

    _parameter_constraints: dict = {
        **BaseNeuralEstimator._parameter_constraints,
        **FeatureExtractorMixin._parameter_constraints,
        "patch_size": [Interval(Integral, 1, None, closed="left")],
        "d_model": [Interval(Integral, 1, None, closed="left")],
        "n_heads": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "d_ff": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "pooling": [StrOptions({"cls", "mean"})],
        "norm": [StrOptions({"pre", "post"})],
        "image_shape": [tuple, list, None],
        "augment": [dict, None],
        "warmup_epochs": [Interval(Integral, 0, None, closed="left")],
    }

    def __init__(
        self,
        patch_size=4,
        d_model=64,
        n_heads=4,
        *,
        num_layers=4,
        d_ff=128,
        dropout=0.1,
        pooling="cls",
        norm="pre",
        image_shape=None,
        augment=None,
        warmup_epochs=0,
        optimizer="adamw",
        learning_rate=1e-3,
        momentum=0.9,
        nesterov=False,
        lr_schedule=None,
        lr_decay=0.1,
        lr_step_size=10,
        weight_decay=0.0,
        l1=0.0,
        gradient_clip_norm=None,
        gradient_clip_value=None,
        weight_init="default",
        max_epochs=100,
        batch_size="auto",
        early_stopping=False,
        patience=5,
        min_delta=1e-3,
        validation_fraction=0.1,
        warm_start=False,
        init_from=None,
        freeze=None,
        fine_tune_lr_factor=1.0,
        record_gradient_norms=False,
        feature_layer=None,
        random_state=None,
        device="cpu",
        accelerator=None,
        verbose=0,
        callbacks=None,
    ):
        self.patch_size = patch_size
        self.d_model = d_model
        self.n_heads = n_heads
        self.num_layers = num_layers
        self.d_ff = d_ff
        self.dropout = dropout
        self.pooling = pooling
        self.norm = norm
        self.image_shape = image_shape
        self.augment = augment
        self.warmup_epochs = warmup_epochs
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.lr_schedule = lr_schedule
        self.lr_decay = lr_decay
        self.lr_step_size = lr_step_size
        self.weight_decay = weight_decay
        self.l1 = l1
        self.gradient_clip_norm = gradient_clip_norm
        self.gradient_clip_value = gradient_clip_value
        self.weight_init = weight_init
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.early_stopping = early_stopping
        self.patience = patience
        self.min_delta = min_delta
        self.validation_fraction = validation_fraction
        self.warm_start = warm_start
        self.init_from = init_from
        self.freeze = freeze
        self.fine_tune_lr_factor = fine_tune_lr_factor
        self.record_gradient_norms = record_gradient_norms
        self.feature_layer = feature_layer
        self.random_state = random_state
        self.device = device
        self.accelerator = accelerator
        self.verbose = verbose
        self.callbacks = callbacks

    def _build_module(self, n_features, n_outputs):
        if self.d_model % self.n_heads:
            raise ValueError(
                f"d_model={self.d_model} must be divisible by n_heads={self.n_heads}."
            )
        if self.augment is not None:
            check_augment(self.augment)
        return VisionTransformerNetwork(
            self.input_shape_,
            n_outputs,
            patch_size=self.patch_size,
            d_model=self.d_model,
            n_heads=self.n_heads,
            num_layers=self.num_layers,
            d_ff=self.d_ff,
            dropout=self.dropout,
            pooling=self.pooling,
            norm=self.norm,
        )

    def attention_maps(self, X):
        """Self-attention weights of every layer and head.

        Parameters
        ----------
        X : array-like
            Images, as for ``predict``.

        Returns
        -------
        maps : ndarray of shape (num_layers, n_samples, n_heads, T, T)
            Row ``i`` of a map is where token ``i`` looks. With
            ``pooling="cls"`` token 0 is ``[CLS]`` and ``T = 1 + N``; the
            ``N`` patch tokens follow row by row over the patch grid.
        """
        return recorded_attention_maps(self, X)

    def attention_rollout(self, X):
        """What the prediction drew on, patch by patch (attention rollout).

        The head-averaged attention of every layer, with the residual
        connection as an identity, ``A_l = (mean_h W_lh + I) / 2``, is
        multiplied through the layers, ``R = A_L ... A_1`` (Abnar and
        Zuidema, 2020); the row of ``[CLS]`` (the mean of the patch rows
        with ``pooling="mean"``) over the patch tokens is put back on the
        patch grid.

        Parameters
        ----------
        X : array-like
            Images, as for ``predict``.

        Returns
        -------
        rollout : ndarray of shape (n_samples, grid_height, grid_width)
            The share of the pooled output that flows from each patch
            (``grid = ceil(H / patch_size), ceil(W / patch_size)``; one row
            for 1-D signals).
        """
        maps = torch.from_numpy(self.attention_maps(X))
        rollout = attention_rollout(maps)
        if self.pooling == "cls":
            flow = rollout[:, 0, 1:]
        else:
            flow = rollout.mean(dim=1)
        grid = self.net_.module_.embedding.grid
        return flow.reshape(len(flow), *grid).numpy()


_VIT_DOC = (
    """
    Parameters
    ----------
    patch_size : int, default=4
        Side ``P`` of the square patches (``1 x P`` along 1-D signals).
        Sides that are not multiples of ``P`` are zero-padded at the bottom
        and right.
    d_model : int, default=64
        Width of the tokens and of every block.
    n_heads : int, default=4
        Attention heads (``d_model`` must be divisible by it).
    num_layers : int, default=4
        Encoder blocks.
    d_ff : int, default=128
        Width of the position-wise feed-forward layers.
    dropout : float, default=0.1
        Dropout on the tokens, attention weights and sublayer outputs.
    pooling : {"cls", "mean"}, default="cls"
        The output at the ``[CLS]`` token (the paper) or the mean of the
        patch outputs.
    norm : {"pre", "post"}, default="pre"
        Layer normalisation before each sublayer with a final one (ViT) or
        after the residual sum.
    image_shape : tuple of int, default=None
        ``(H, W)`` or ``(C, H, W)`` of flat 2-D rows; None reads 2-D rows as
        1-D signals.
    augment : dict, default=None
        Training-time augmentation, as for
        :class:`~ml2learn.neural.CNNClassifier`.
    warmup_epochs : int, default=0
        Linear learning-rate warm-up: epoch ``t < warmup_epochs`` uses
        ``(t + 1) / (warmup_epochs + 1)`` of the scheduled rate."""
    + TRAINING_MARKER
)
_LAYER_NAMES = '``"embedding"``, ``"blocks.0"``, ``"output"``'
_VIT_ATTRIBUTES_DOC = (
    """
    input_shape_ : tuple of int
        ``(C, L)`` or ``(C, H, W)`` of one input, as the network sees it."""
    + FITTED_ATTRIBUTES_DOC
)
_VIT_REFERENCES = """
    References
    ----------
    .. [1] A. Dosovitskiy et al., "An image is worth 16x16 words:
       transformers for image recognition at scale", ICLR 2021.
    .. [2] S. Abnar and W. Zuidema, "Quantifying attention flow in
       transformers", ACL 2020.
"""


@document_training_parameters(_LAYER_NAMES)
class VisionTransformerClassifier(NeuralClassifierMixin, _BaseVisionTransformer):
    __doc__ = (
        """A vision transformer (ViT) classifier.

    The image is cut into ``N`` patches ``x_p`` of ``P x P`` pixels; each
    is flattened and embedded, ``x_p E``; a learned ``[CLS]`` token is put
    first and learned positions are added, ``z_0 = [x_cls; x_1 E; ...; x_N
    E] + E_pos``; pre-norm encoder blocks give ``z_l = z_l' + MLP(LN(z_l'))``
    with ``z_l' = z_{l-1} + MSA(LN(z_{l-1}))``; the class comes from
    ``softmax(W LN(z_L^0))``, the ``[CLS]`` output.
"""
        + _VIT_DOC
        + """
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels."""
        + _VIT_ATTRIBUTES_DOC
        + """
    See Also
    --------
    CNNClassifier : The convolutional alternative.
    TransformerClassifier : The same encoder over sequences.

    Notes
    -----
    The paper's head is an MLP in pre-training and one linear layer when
    fine-tuning; this is the linear one. Without pre-training on a large
    set, a ViT needs augmentation or more epochs than a CNN to match it on
    small images (the paper's own finding); ``benchmarks/`` has the
    numbers on digits.
"""
        + _VIT_REFERENCES
        + """
    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from ml2learn.neural import VisionTransformerClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> vit = VisionTransformerClassifier(2, 32, 4, num_layers=2,
    ...                                   image_shape=(8, 8), max_epochs=5,
    ...                                   random_state=0).fit(X / 16, y)
    >>> vit.attention_rollout(X[:2] / 16).shape  # a 4 x 4 grid of patches
    (2, 4, 4)
    """
    )


@document_training_parameters(_LAYER_NAMES)
class VisionTransformerRegressor(NeuralRegressorMixin, _BaseVisionTransformer):
    __doc__ = (
        """A vision transformer (ViT) regressor.

    :class:`VisionTransformerClassifier`'s network with a linear output
    trained on the squared error; several target columns are predicted
    jointly.
"""
        + _VIT_DOC
        + """
    Attributes
    ----------"""
        + REGRESSION_ATTRIBUTES_DOC
        + _VIT_ATTRIBUTES_DOC
        + """
    See Also
    --------
    VisionTransformerClassifier : The same network for classes.
    CNNRegressor : The convolutional alternative.
"""
        + _VIT_REFERENCES
        + """
    Examples
    --------
    >>> import numpy as np
    >>> from ml2learn.neural import VisionTransformerRegressor
    >>> X = np.random.RandomState(0).rand(300, 36)
    >>> y = X.reshape(-1, 6, 6)[:, :3].mean(axis=(1, 2))  # the top half
    >>> reg = VisionTransformerRegressor(3, 16, 2, num_layers=1,
    ...                                  image_shape=(6, 6), max_epochs=60,
    ...                                  random_state=0).fit(X, y)
    >>> bool(reg.score(X, y) > 0.8)
    True
    """
    )
