"""Convolutional networks for classification and regression (notes 1702-3480).

Inputs are images ``(n, C, H, W)``, single-channel images ``(n, H, W)``, flat
rows with ``image_shape``, or, with no ``image_shape``, flat rows read as
one-channel 1-D signals (a 1-D convolution over the features), so that any
tabular array works.
"""

from numbers import Integral, Real

from ..utils._param_validation import Interval, StrOptions
from ..utils.validation import check_layer_sizes
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
from .modules import CNN
from .modules._mlp import ACTIVATIONS

__all__ = ["CNNClassifier", "CNNRegressor"]


class _BaseCNN(_ImageInput, FeatureExtractorMixin, BaseNeuralEstimator):
    _supports_augment = True

    _parameter_constraints: dict = {
        **BaseNeuralEstimator._parameter_constraints,
        **FeatureExtractorMixin._parameter_constraints,
        "filters": [tuple, list],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "stride": [Interval(Integral, 1, None, closed="left")],
        "padding": [StrOptions({"same"}), Interval(Integral, 0, None, closed="left")],
        "pooling": [StrOptions({"max", "avg", "l2"}), None],
        "pool_size": [Interval(Integral, 1, None, closed="left")],
        "convs_per_stage": [Interval(Integral, 1, None, closed="left")],
        "batch_norm": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "residual": ["boolean"],
        "head": [StrOptions({"auto", "gap", "flatten"})],
        "dense_layer_sizes": [tuple, list],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "image_shape": [tuple, list, None],
        "augment": [dict, None],
    }

    def __init__(
        self,
        filters=(32, 64),
        kernel_size=3,
        *,
        stride=1,
        padding="same",
        pooling="max",
        pool_size=2,
        convs_per_stage=1,
        batch_norm=True,
        residual=False,
        head="auto",
        dense_layer_sizes=(),
        image_shape=None,
        augment=None,
        dropout=0.0,
        activation="relu",
        optimizer="adam",
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
        max_epochs=30,
        batch_size=64,
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
        self.filters = filters
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.pooling = pooling
        self.pool_size = pool_size
        self.convs_per_stage = convs_per_stage
        self.batch_norm = batch_norm
        self.dropout = dropout
        self.residual = residual
        self.head = head
        self.dense_layer_sizes = dense_layer_sizes
        self.activation = activation
        self.image_shape = image_shape
        self.augment = augment
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
        filters = check_layer_sizes(self.filters, "filters")
        dense = check_layer_sizes(
            self.dense_layer_sizes, "dense_layer_sizes", allow_empty=True
        )
        if self.augment is not None:
            check_augment(self.augment)
        self.head_ = self.head
        if self.head == "auto":
            self.head_ = "gap" if len(self.input_shape_) == 3 else "flatten"
        return CNN(
            self.input_shape_,
            n_outputs,
            filters=filters,
            kernel_size=self.kernel_size,
            stride=self.stride,
            padding=self.padding,
            pooling=self.pooling,
            batch_norm=self.batch_norm,
            dropout=self.dropout,
            residual=self.residual,
            head=self.head_,
            dense_layer_sizes=dense,
            activation=self.activation,
            convs_per_stage=self.convs_per_stage,
            pool_size=self.pool_size,
        )


_CNN_PARAMETERS_DOC = """
    Parameters
    ----------
    filters : sequence of int, default=(32, 64)
        Channels of each stage of convolutions (one pooling per stage).
    kernel_size : int, default=3
        Filter size ``F`` of every convolution.
    stride : int, default=1
        Stride ``S`` of every convolution.
    padding : "same" or int, default="same"
        Zero-padding ``P``; ``"same"`` is ``kernel_size // 2``. A layer of
        width ``W`` gives ``(W - F + 2P) / S + 1``.
    pooling : {"max", "avg", "l2"} or None, default="max"
        Down-sampling after every stage: the maximum, the mean, or the L2
        norm ``sqrt(sum x^2)`` of each ``pool_size`` window.
    pool_size : int, default=2
        Window and stride of the pooling.
    convs_per_stage : int, default=1
        Convolutions of each ``filters`` width before the stage's pooling:
        2 or 3 gives VGG's stages of stacked 3x3 convolutions (Simonyan and
        Zisserman, 2015). The blocks are numbered one per convolution
        (``"features.0"``, ``"features.1"``, ...).
    batch_norm : bool, default=True
        Batch normalisation after every convolution.
    residual : bool, default=False
        ResNet basic blocks (two convolutions and a skip connection).
    head : {"auto", "gap", "flatten"}, default="auto"
        Global average pooling then the output layer (needed by CAM), or
        flatten, ``dense_layer_sizes`` and the output layer. ``"auto"`` is
        ``"gap"`` for images and ``"flatten"`` for 1-D signals, whose
        features keep their identity only through their position.
    dense_layer_sizes : sequence of int, default=()
        Hidden dense layers of the flatten head.
    image_shape : tuple of int, default=None
        ``(H, W)`` or ``(C, H, W)`` of flat 2-D rows; ``None`` reads 2-D rows
        as 1-D signals.
    augment : dict, default=None
        Training-time augmentation, never used at prediction or on the
        validation split, with the notes' Keras ``ImageDataGenerator``
        options: ``rotation`` (degrees), ``width_shift`` and
        ``height_shift`` (a fraction of the size below 1, else pixels),
        ``shear`` (degrees), ``zoom`` (``z`` for factors in ``[1 - z, 1 +
        z]``, or a ``(low, high)`` pair), ``flip`` (horizontal, bool),
        ``fill_mode`` (``"constant"`` zeros, ``"nearest"``, ``"reflect"``),
        and ``shift`` (whole pixels, zero-filled) and ``noise`` (standard
        deviation); see :class:`~ml2learn.neural._augment.Augmenter`."""
_CNN_PARAMETERS_DOC += """
    dropout : float, default=0.0
        Dropout after every block and dense layer (training only).
    activation : {"relu", "leaky_relu", "tanh", "sigmoid", "gelu", "elu"}, \
            default="relu"
        Activation of every block.
""" + TRAINING_MARKER.lstrip("\n")
_LAYER_NAMES = '``"features.0"``, ``"output"``'
_CNN_ATTRIBUTES_DOC = (
    """
    input_shape_ : tuple of int
        ``(C, L)`` or ``(C, H, W)`` of one input, as the network sees it.
    head_ : {"gap", "flatten"}
        The head used."""
    + FITTED_ATTRIBUTES_DOC
)


@document_training_parameters(_LAYER_NAMES)
class CNNClassifier(NeuralClassifierMixin, _BaseCNN):
    __doc__ = (
        """A convolutional network classifier.

    Convolution blocks ``conv -> batch norm -> ReLU -> pool`` (or residual
    blocks) extract feature maps; global average pooling and a linear layer
    give the logits, trained with the cross-entropy.
"""
        + _CNN_PARAMETERS_DOC
        + """
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels."""
        + _CNN_ATTRIBUTES_DOC
        + """
    See Also
    --------
    CNNRegressor : The same network for real-valued targets.
    MLPClassifier : A fully connected network.

    Notes
    -----
    Dropout follows ``dropout`` (every block); batch statistics are used in
    training and running averages at prediction.

    References
    ----------
    .. [1] Y. LeCun, L. Bottou, Y. Bengio and P. Haffner, "Gradient-based
       learning applied to document recognition", Proc. IEEE 86(11), 1998.
    .. [2] K. He, X. Zhang, S. Ren and J. Sun, "Deep residual learning for
       image recognition", CVPR 2016.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from ml2learn.neural import CNNClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = CNNClassifier((16,), image_shape=(8, 8), max_epochs=3,
    ...                     random_state=0).fit(X[:300] / 16, y[:300])
    >>> clf.predict(X[:2] / 16).shape
    (2,)
    """
    )


@document_training_parameters(_LAYER_NAMES)
class CNNRegressor(NeuralRegressorMixin, _BaseCNN):
    __doc__ = (
        """A convolutional network regressor.

    The feature extractor of :class:`CNNClassifier` with a linear output,
    trained on the squared error; several target columns are predicted
    jointly.
"""
        + _CNN_PARAMETERS_DOC
        + """
    Attributes
    ----------"""
        + REGRESSION_ATTRIBUTES_DOC
        + """"""
        + _CNN_ATTRIBUTES_DOC
        + """
    See Also
    --------
    CNNClassifier : The same network for classes.
    MLPRegressor : A fully connected network.

    References
    ----------
    .. [1] Y. LeCun, L. Bottou, Y. Bengio and P. Haffner, "Gradient-based
       learning applied to document recognition", Proc. IEEE 86(11), 1998.

    Examples
    --------
    >>> import numpy as np
    >>> from ml2learn.neural import CNNRegressor
    >>> X = np.random.RandomState(0).rand(100, 16)
    >>> reg = CNNRegressor((8,), max_epochs=2, random_state=0).fit(X, X.sum(1))
    >>> reg.predict(X[:3]).shape
    (3,)
    """
    )
