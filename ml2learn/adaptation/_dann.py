"""Domain-adversarial neural networks (Ganin and Lempitsky, ICML 2015; Ganin
et al., JMLR 2016; notes, lines 8421-8740).

A feature extractor ``G_f`` feeds a label predictor ``G_y`` and, through a
gradient reversal layer, a domain classifier ``G_d``. Every training step
takes a labelled source batch and an unlabelled target batch of the same
size; the label loss is computed on the source part, the domain loss on
both. The reversal layer is the identity forward and multiplies the gradient
by ``-lambda`` backward, so ``G_f`` learns features that predict the label
and hide the domain.
"""

import math
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import is_classifier
from skorch.callbacks import Callback
from skorch.dataset import unpack_data
from torch import nn

from ..neural._base import BaseNeuralEstimator, FeatureExtractorMixin
from ..neural._nets import CyclicDraws, Net, SliceIterator, TensorDataset
from ..neural._tasks import NeuralClassifierMixin, NeuralRegressorMixin
from ..neural._training_params import (
    FEATURE_EXTRACTOR_PARAMETERS,
    TRAINING_MARKER,
    document_training_parameters,
)
from ..neural.modules._cnn import ConvBlock
from ..neural.modules._mlp import DenseBlock
from ..utils._param_validation import Interval, StrOptions, _fit_context
from ..utils._signature import init_with_defaults
from ..utils.validation import check_layer_sizes, check_sample_weight
from ._domains import check_sample_domain

__all__ = [
    "DANNClassifier",
    "DANNRegressor",
    "GradientReversal",
    "adaptation_factor",
    "annealed_learning_rate",
]


class GradientReversal(torch.autograd.Function):
    """The gradient reversal layer: ``R(x) = x`` forward, ``dR/dx = -lambda I``
    backward.

    Examples
    --------
    >>> import torch
    >>> from ml2learn.adaptation import GradientReversal
    >>> x = torch.ones(2, requires_grad=True)
    >>> GradientReversal.apply(x, 0.5).sum().backward()
    >>> x.grad.tolist()
    [-0.5, -0.5]
    """

    @staticmethod
    def forward(ctx, x, lambda_):
        ctx.lambda_ = lambda_
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad_output):
        return -ctx.lambda_ * grad_output, None


def adaptation_factor(progress, gamma=10.0):
    """``lambda_p = 2 / (1 + exp(-gamma p)) - 1``: 0 at the start of training,
    close to 1 at the end (Ganin et al., 2016, eq. 14).

    Parameters
    ----------
    progress : float
        ``p``, the fraction of training done, in ``[0, 1]``.
    gamma : float, default=10.0
        Steepness.

    Returns
    -------
    lambda_p : float
        The factor of the reversed gradient.

    Examples
    --------
    >>> from ml2learn.adaptation import adaptation_factor
    >>> round(adaptation_factor(0.0), 4), round(adaptation_factor(0.5), 4)
    (0.0, 0.9866)
    """
    return 2.0 / (1.0 + math.exp(-gamma * progress)) - 1.0


def annealed_learning_rate(progress, learning_rate, alpha=10.0, beta=0.75):
    """``mu_p = mu_0 / (1 + alpha p)^beta`` (Ganin et al., 2016, section 5.2.2).

    Parameters
    ----------
    progress : float
        ``p``, the fraction of training done, in ``[0, 1]``.
    learning_rate : float
        ``mu_0``.
    alpha : float, default=10.0
        Speed of the decay.
    beta : float, default=0.75
        Exponent.

    Returns
    -------
    mu_p : float
        The learning rate at ``p``.

    Examples
    --------
    >>> from ml2learn.adaptation import annealed_learning_rate
    >>> round(annealed_learning_rate(1.0, 0.01), 6)
    0.001656
    """
    return learning_rate / (1.0 + alpha * progress) ** beta


class DANNModule(nn.Module):
    """``G_f`` (dense or convolutional), ``G_y`` (linear) and ``G_d`` (dense,
    behind the gradient reversal layer).

    Parameters
    ----------
    n_features : int
        Input width (flat).
    n_outputs : int
        Outputs of ``G_y``.
    feature_layer_sizes : sequence of int
        Dense layers of ``G_f`` (after the convolutions, if any).
    domain_layer_sizes : sequence of int
        Hidden layers of ``G_d``.
    activation : str
        Hidden activation.
    dropout : float
        Dropout after hidden layers.
    batch_norm : {"before", "after"} or None
        Batch normalisation of the dense layers.
    image_shape : tuple or None
        ``(C, H, W)``: ``G_f`` starts with convolution blocks of ``filters``
        and global average pooling.
    filters : sequence of int
        Channels of the convolution blocks.
    """

    def __init__(
        self,
        n_features,
        n_outputs,
        feature_layer_sizes,
        domain_layer_sizes,
        activation="relu",
        dropout=0.0,
        batch_norm=None,
        image_shape=None,
        filters=(32, 64),
    ):
        super().__init__()
        self.image_shape = image_shape
        self.lambda_ = 0.0
        width = n_features
        convolutions = []
        if image_shape is not None:
            channels = [image_shape[0], *filters]
            convolutions = [
                ConvBlock(
                    a,
                    b,
                    dims=2,
                    kernel_size=3,
                    stride=1,
                    padding=1,
                    pooling="max",
                    batch_norm=True,
                    dropout=0.0,
                    activation=activation,
                )
                for a, b in zip(channels[:-1], channels[1:])
            ]
            width = channels[-1]
        self.convolutions = nn.Sequential(*convolutions)
        widths = [width, *feature_layer_sizes]
        self.features = nn.Sequential(
            *(
                DenseBlock(a, b, activation, dropout, batch_norm)
                for a, b in zip(widths[:-1], widths[1:])
            )
        )
        self.label_predictor = nn.Linear(widths[-1], n_outputs)
        domain_widths = [widths[-1], *domain_layer_sizes]
        self.domain_classifier = nn.Sequential(
            *(
                DenseBlock(a, b, activation, dropout)
                for a, b in zip(domain_widths[:-1], domain_widths[1:])
            ),
            nn.Linear(domain_widths[-1], 1),
        )

    def extract(self, x):
        """``G_f(x)``, the features."""
        if self.image_shape is not None:
            maps = self.convolutions(x.reshape(len(x), *self.image_shape))
            x = maps.flatten(2).mean(dim=2)
        return self.features(x)

    def forward(self, x):
        """``G_y(G_f(x))``, the label outputs."""
        return self.label_predictor(self.extract(x))

    def forward_all(self, x):
        """Label outputs and domain logits (through the reversal layer)."""
        features = self.extract(x)
        reversed_features = GradientReversal.apply(features, self.lambda_)
        return self.label_predictor(features), self.domain_classifier(reversed_features)

    def freezable_blocks(self):
        """``(name, module)`` of ``G_f``'s layers, input side first, then ``G_y``."""
        return [
            *((f"convolutions.{i}", b) for i, b in enumerate(self.convolutions)),
            *((f"features.{i}", b) for i, b in enumerate(self.features)),
            ("label_predictor", self.label_predictor),
        ]


class _DomainDataset(TensorDataset):
    """Source rows (inputs, targets, weights) and the target domain's inputs."""

    def __init__(self, X, y=None, sample_weight=None, X_target=None):
        super().__init__(X, y, sample_weight)
        self.X_target = X_target

    def subset(self, rows):
        part = super().subset(rows)
        return _DomainDataset(part.X, part.y, part.sample_weight, self.X_target)


class _PairedIterator(SliceIterator):
    """Shuffled source batches, each followed by as many target rows (the
    target rows are shuffled and reused cyclically)."""

    def __iter__(self):
        X_target = self.dataset.X_target
        if X_target is None or len(X_target) == 0:
            for inputs, (target, weight) in super().__iter__():
                yield inputs, (target, weight, len(inputs))
            return
        draws = CyclicDraws(len(X_target), self.rng)
        for inputs, (target, weight) in super().__iter__():
            rows = draws.take(len(inputs))
            paired = torch.cat([inputs, X_target[rows]])
            yield paired, (target, weight, len(inputs))


class _DANNNet(Net):
    """The skorch net of DANN: paired batches and the two losses."""

    def get_iterator(self, dataset, training=False):
        if training and isinstance(dataset, _DomainDataset):
            batch_size = self.batch_size if self.batch_size > 0 else len(dataset)
            return _PairedIterator(
                dataset, batch_size, shuffle=True, rng=self.shuffle_rng_
            )
        return super().get_iterator(dataset, training=training)

    def train_step_single(self, batch, **fit_params):
        self._set_training(True)
        inputs, (target, weight, n_source) = unpack_data(batch)
        inputs = inputs.to(self.device)
        labels, domains = self.module_.forward_all(inputs)
        label_loss = self.get_loss(
            labels[:n_source],
            (
                target.to(self.device),
                None if weight is None else weight.to(self.device),
            ),
            training=True,
        )
        loss = label_loss
        if len(inputs) > n_source:
            domain = torch.zeros(len(inputs), device=self.device)
            domain[n_source:] = 1.0
            logits = domains.squeeze(1)
            domain_loss = nn.functional.binary_cross_entropy_with_logits(logits, domain)
            loss = loss + domain_loss
            accuracy = ((logits > 0).float() == domain).float().mean()
            self.history.record_batch("domain_loss", domain_loss.item())
            self.history.record_batch("domain_accuracy", accuracy.item())
        self.history.record_batch("label_loss", label_loss.item())
        loss.backward()
        return {"loss": loss, "y_pred": labels[:n_source]}


class _AdaptationSchedule(Callback):
    """Sets ``lambda_p`` and, when annealing, ``mu_p`` before every training
    step; records their last values of the epoch and the epoch means of the
    losses.

    ``p`` is the fraction done of this run's ``max_epochs`` epochs of
    ``steps_per_epoch`` steps: a warm ``fit`` starts a new run
    (``first_epoch`` is its first epoch), ``partial_fit`` calls continue one
    run.
    """

    def __init__(
        self,
        steps_per_epoch,
        max_epochs,
        first_epoch=0,
        domain_weight=1.0,
        progressive=True,
        gamma=10.0,
        annealing=None,
    ):
        self.steps_per_epoch = steps_per_epoch
        self.max_epochs = max_epochs
        self.first_epoch = first_epoch
        self.domain_weight = domain_weight
        self.progressive = progressive
        self.gamma = gamma
        # (learning_rate, alpha, beta) of the annealing, or None
        self.annealing = annealing

    def on_train_begin(self, net, **kwargs):
        self.total_steps = self.max_epochs * self.steps_per_epoch
        self.step = (len(net.history) - self.first_epoch) * self.steps_per_epoch

    def on_batch_begin(self, net, batch=None, training=False, **kwargs):
        if not training:
            return
        progress = min(1.0, self.step / max(1, self.total_steps))
        factor = adaptation_factor(progress, self.gamma) if self.progressive else 1.0
        net.module_.lambda_ = self.domain_weight * factor
        if self.annealing is not None:
            lr = annealed_learning_rate(progress, *self.annealing)
            for group in net.optimizer_.param_groups:
                group["lr"] = lr * group.get("lr_factor", 1.0)
        self.step += 1

    def on_epoch_end(self, net, **kwargs):
        net.history.record("lambda", float(net.module_.lambda_))
        net.history.record("lr", float(net.optimizer_.param_groups[0]["lr"]))
        batches = [b for b in net.history[-1, "batches"] if "label_loss" in b]
        for key in ("label_loss", "domain_loss", "domain_accuracy"):
            values = [b[key] for b in batches if key in b]
            sizes = [b["train_batch_size"] for b in batches if key in b]
            mean = np.average(values, weights=sizes) if values else np.nan
            net.history.record(key, float(mean))


_DANN_DOC = (
    """
    Parameters
    ----------
    feature_layer_sizes : int or sequence of int, default=(64, 64)
        Dense layers of the feature extractor ``G_f`` (after the convolution
        blocks when ``image_shape`` is set); the label predictor ``G_y`` is
        one linear layer on top.
    domain_layer_sizes : int or sequence of int, default=(64, 64)
        Hidden layers of the domain classifier ``G_d``.
    activation : {"relu", "leaky_relu", "tanh", "sigmoid", "gelu", "elu"}, \
            default="relu"
        Activation of the hidden layers.
    dropout : float, default=0.0
        Dropout probability after every hidden dense layer (training only).
        Range ``[0, 1)``.
    batch_norm : {"before", "after"} or None, default=None
        Batch normalisation of ``G_f``'s dense layers.
    image_shape : tuple of int, default=None
        ``(H, W)`` or ``(C, H, W)`` of flat image rows: ``G_f`` then starts
        with convolution blocks (3x3, batch norm, max pooling) of
        ``filters`` and global average pooling.
    filters : sequence of int, default=(32, 64)
        Channels of those convolution blocks.
    domain_weight : float, default=1.0
        Largest ``lambda``; 0 trains the same network on the source alone
        (the source-only baseline).
    adaptation_schedule : {"progressive", "constant"}, default="progressive"
        ``lambda_p = domain_weight (2 / (1 + exp(-gamma p)) - 1)`` over the
        training progress ``p`` (the paper), or ``domain_weight`` throughout.
    gamma : float, default=10.0
        Steepness of the progressive schedule.
    lr_annealing : bool, default=True
        ``mu_p = learning_rate / (1 + annealing_alpha p)^annealing_beta``
        at every step (the paper); False keeps ``lr_schedule``.
    annealing_alpha : float, default=10.0
        ``alpha`` of the annealing.
    annealing_beta : float, default=0.75
        ``beta`` of the annealing."""
    + TRAINING_MARKER
)
_LAYER_NAMES = '``"features.0"``, ``"label_predictor"``'


class _BaseDANN(FeatureExtractorMixin, BaseNeuralEstimator):
    """DANN on the neural base; subclasses add the task (classes or values).

    It overrides the engine's net class (:class:`_DANNNet`: paired source and
    target batches, two losses), its dataset (with the target rows), the
    schedule (the paper's annealing) and adds the reversal schedule.
    """

    # the two-headed step calls ``forward_all``, which a DDP wrapper hides
    _supports_accelerator = False
    training_parameter_names = tuple(
        name for name in FEATURE_EXTRACTOR_PARAMETERS if name != "accelerator"
    )

    __metadata_request__fit = {"sample_domain": True}
    __metadata_request__partial_fit = {"sample_domain": True}

    _parameter_constraints: dict = {
        **{
            k: v
            for k, v in BaseNeuralEstimator._parameter_constraints.items()
            if k != "accelerator"
        },
        **FeatureExtractorMixin._parameter_constraints,
        "feature_layer_sizes": [
            Interval(Integral, 1, None, closed="left"),
            tuple,
            list,
        ],
        "domain_layer_sizes": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "activation": [
            StrOptions({"relu", "leaky_relu", "tanh", "sigmoid", "gelu", "elu"})
        ],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "batch_norm": [StrOptions({"before", "after"}), None],
        "image_shape": [tuple, None],
        "filters": [tuple, list],
        "domain_weight": [Interval(Real, 0, None, closed="left")],
        "adaptation_schedule": [StrOptions({"progressive", "constant"})],
        "gamma": [Interval(Real, 0, None, closed="left")],
        "lr_annealing": ["boolean"],
        "annealing_alpha": [Interval(Real, 0, None, closed="left")],
        "annealing_beta": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        feature_layer_sizes=(64, 64),
        *,
        domain_layer_sizes=(64, 64),
        activation="relu",
        dropout=0.0,
        batch_norm=None,
        image_shape=None,
        filters=(32, 64),
        domain_weight=1.0,
        adaptation_schedule="progressive",
        gamma=10.0,
        lr_annealing=True,
        annealing_alpha=10.0,
        annealing_beta=0.75,
        optimizer="sgd",
        learning_rate=0.05,
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
        max_epochs=200,
        batch_size=32,
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
        verbose=0,
        callbacks=None,
    ):
        self.feature_layer_sizes = feature_layer_sizes
        self.domain_layer_sizes = domain_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.image_shape = image_shape
        self.filters = filters
        self.domain_weight = domain_weight
        self.adaptation_schedule = adaptation_schedule
        self.gamma = gamma
        self.lr_annealing = lr_annealing
        self.annealing_alpha = annealing_alpha
        self.annealing_beta = annealing_beta
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
        self.verbose = verbose
        self.callbacks = callbacks

    def _image_shape(self, n_features):
        if self.image_shape is None:
            return None
        shape = tuple(self.image_shape)
        if len(shape) == 2:
            shape = (1, *shape)
        if len(shape) != 3 or int(np.prod(shape)) != n_features:
            raise ValueError(
                f"image_shape={self.image_shape} does not hold the {n_features} "
                "values of a row; give (H, W) or (C, H, W) with C*H*W = n_features."
            )
        return shape

    def _build_module(self, n_features, n_outputs):
        return DANNModule(
            n_features,
            n_outputs,
            check_layer_sizes(
                self.feature_layer_sizes, "feature_layer_sizes", allow_empty=True
            ),
            check_layer_sizes(
                self.domain_layer_sizes, "domain_layer_sizes", allow_empty=True
            ),
            activation=self.activation,
            dropout=self.dropout,
            batch_norm=self.batch_norm,
            image_shape=self._image_shape(n_features),
            filters=check_layer_sizes(self.filters, "filters"),
        )

    # -- the engine's seams ---------------------------------------------------

    def _net_class(self):
        return _DANNNet

    def _schedule_callback(self, run):
        return None if self.lr_annealing else super()._schedule_callback(run)

    def _extra_callbacks(self, run):
        annealing = None
        if self.lr_annealing:
            annealing = (self.learning_rate, self.annealing_alpha, self.annealing_beta)
        schedule = _AdaptationSchedule(
            max(1, math.ceil(run.n_train / run.batch_size)),
            self.max_epochs,
            first_epoch=run.first_epoch,
            domain_weight=self.domain_weight,
            progressive=self.adaptation_schedule == "progressive",
            gamma=self.gamma,
            annealing=annealing,
        )
        return [("adaptation", schedule)]

    def _dataset(self, X, y, sample_weight, run_extras):
        dataset = super()._dataset(X, y, sample_weight, run_extras)
        return _DomainDataset(
            dataset.X, dataset.y, dataset.sample_weight, run_extras["target_inputs"]
        )

    def _record_history(self):
        super()._record_history()
        history = self.net_.history
        self.label_loss_curve_ = np.array(history[:, "label_loss"], dtype=float)
        self.domain_loss_curve_ = np.array(history[:, "domain_loss"], dtype=float)
        self.domain_accuracy_curve_ = np.array(
            history[:, "domain_accuracy"], dtype=float
        )
        self.lambda_curve_ = np.array(history[:, "lambda"], dtype=float)

    def _fit_domains(
        self, X, y, sample_domain, sample_weight, partial=False, classes=None
    ):
        X_all, y_all = self._validate_Xy(X, y, reset=not self._continues(partial))
        sample_domain = check_sample_domain(
            sample_domain, X_all.shape[0], y_all, classification=is_classifier(self)
        )
        sample_weight = check_sample_weight(sample_weight, X_all, dtype=np.float32)
        source = sample_domain > 0
        if not source.any():
            raise ValueError(
                "DANN needs labelled source rows (sample_domain > 0); every row "
                "is a target row."
            )
        target_rows = X_all[~source]
        target_inputs = self._inputs_tensor(target_rows) if len(target_rows) else None
        self.n_source_ = int(source.sum())
        self.n_target_ = int((~source).sum())
        return self._train_validated(
            X_all[source],
            y_all[source],
            sample_weight[source],
            partial=partial,
            classes=classes,
            extras={"target_inputs": target_inputs},
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_domain=None, sample_weight=None):
        """Train on labelled source rows and unlabelled target rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Source and target rows.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Labels of the source rows; the target rows' entries are never
            read (-1, the true labels or anything else).
        sample_domain : array-like of shape (n_samples,), default=None
            Positive ids for source rows, negative for target rows; None
            makes every row source, and the network trains without the
            domain classifier.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-row weights of the source rows' label loss.

        Returns
        -------
        self : estimator
            The fitted estimator.
        """
        return self._fit_domains(X, y, sample_domain, sample_weight)

    def partial_fit(self, X, y, sample_domain=None, sample_weight=None):
        """One more epoch on ``(X, y)`` (the first call initialises).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Source and target rows.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Labels of the source rows.
        sample_domain : array-like of shape (n_samples,), default=None
            Positive ids for source rows, negative for target rows.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-row weights of the source rows' label loss.

        Returns
        -------
        self : estimator
            The updated estimator.
        """
        if not hasattr(self, "net_"):
            self._validate_params()
        return self._fit_domains(X, y, sample_domain, sample_weight, partial=True)

    def extract_features(self, X):
        """The learnt features ``G_f(x)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        features : ndarray of shape (n_samples, n_learnt_features)
            The feature extractor's output, on which source and target should
            look alike after adaptation.
        """
        return self._forward(self._predict_input(X), capture=True)


@document_training_parameters(_LAYER_NAMES)
class DANNClassifier(NeuralClassifierMixin, _BaseDANN):
    def partial_fit(self, X, y, sample_domain=None, sample_weight=None, classes=None):
        """One more epoch on ``(X, y)`` (the first call initialises).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Source and target rows.
        y : array-like of shape (n_samples,)
            Labels of the source rows.
        sample_domain : array-like of shape (n_samples,), default=None
            Positive ids for source rows, negative for target rows.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-row weights of the source rows' label loss.
        classes : array-like of shape (n_classes,), default=None
            All the classes; needed in the first call when the source labels
            do not show them all.

        Returns
        -------
        self : DANNClassifier
            The updated estimator.
        """
        if not hasattr(self, "net_"):
            self._validate_params()
        return self._fit_domains(
            X, y, sample_domain, sample_weight, partial=True, classes=classes
        )

    __doc__ = (
        """Domain-adversarial neural network classifier (DANN).

    The feature extractor ``G_f`` learns from the source rows' labels
    through the label predictor ``G_y`` and against the domain classifier
    ``G_d``, whose gradient reaches ``G_f`` reversed and scaled by
    ``lambda`` (:class:`GradientReversal`). Every step draws a source batch
    and a target batch of the same size; the loss is the source rows'
    cross-entropy plus the binary cross-entropy of ``G_d`` telling source
    (0) from target (1).

    Rows come as one ``X`` with ``sample_domain`` (positive ids source,
    negative target; see :func:`pack_domains`); the target rows need no
    labels (DANN never reads them). Without target rows it is the plain
    network ``G_y(G_f(x))``.
"""
        + _DANN_DOC
        + """

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels (of the source rows).
    net_ : skorch.NeuralNet
        The trained net; ``net_.module_`` is the :class:`DANNModule`.
    n_source_, n_target_ : int
        Rows of each domain in the last fit.
    label_loss_curve_, domain_loss_curve_ : ndarray of shape (`n_epochs_`,)
        Epoch means of the label loss and the domain loss (nan without
        target rows).
    domain_accuracy_curve_ : ndarray of shape (`n_epochs_`,)
        How often ``G_d`` told the domains apart, per epoch (0.5 is
        adapted).
    lambda_curve_ : ndarray of shape (`n_epochs_`,)
        ``lambda_p`` at the end of every epoch.
    loss_curve_ : ndarray of shape (`n_epochs_`,)
        Label loss plus domain loss, per epoch.
    n_epochs_ : int
        Epochs trained.
    n_features_in_ : int
        Number of features.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    TrAdaBoostClassifier : Transfer with a few target labels.

    References
    ----------
    .. [1] Y. Ganin and V. Lempitsky, "Unsupervised domain adaptation by
       backpropagation", ICML 2015.
    .. [2] Y. Ganin, E. Ustinova, H. Ajakan, P. Germain, H. Larochelle, F.
       Laviolette, M. Marchand and V. Lempitsky, "Domain-adversarial training
       of neural networks", JMLR 2016.

    Examples
    --------
    >>> from ml2learn.adaptation import DANNClassifier, pack_domains
    >>> from ml2learn.datasets import make_domain_shift
    >>> data = make_domain_shift("moons", n_samples=100, random_state=0)
    >>> X, y, sample_domain = pack_domains(data.X_source, data.y_source,
    ...                                    data.X_target)
    >>> dann = DANNClassifier((16,), max_epochs=5, random_state=0)
    >>> dann = dann.fit(X, y, sample_domain=sample_domain)
    >>> dann.domain_loss_curve_.shape
    (5,)
    """
    )


@document_training_parameters(_LAYER_NAMES)
class DANNRegressor(NeuralRegressorMixin, _BaseDANN):
    __doc__ = (
        """Domain-adversarial neural network regressor (DANN).

    :class:`DANNClassifier` with a linear output and the squared error as
    the label loss; the domain classifier and the reversed gradient are the
    same. The source targets are standardised for training (the two losses
    then have comparable scales) and predictions are returned in the units
    of ``y``. The default ``learning_rate`` is Ganin et al.'s ``mu_0 =
    0.01``: the squared error's gradient grows with the residual, and with
    the classifier's 0.05 a fit on unscaled features diverges.
"""
        + _DANN_DOC
        + """

    Attributes
    ----------
    net_ : skorch.NeuralNet
        The trained net; ``net_.module_`` is the :class:`DANNModule`.
    n_source_, n_target_ : int
        Rows of each domain in the last fit.
    label_loss_curve_, domain_loss_curve_ : ndarray of shape (`n_epochs_`,)
        Epoch means of the label loss and the domain loss (nan without
        target rows).
    domain_accuracy_curve_ : ndarray of shape (`n_epochs_`,)
        How often ``G_d`` told the domains apart, per epoch.
    lambda_curve_ : ndarray of shape (`n_epochs_`,)
        ``lambda_p`` at the end of every epoch.
    loss_curve_ : ndarray of shape (`n_epochs_`,)
        Label loss (on standardised targets) plus domain loss, per epoch.
    y_mean_, y_scale_ : ndarray of shape (n_outputs,)
        Mean and standard deviation of the source targets.
    n_epochs_ : int
        Epochs trained.
    n_features_in_ : int
        Number of features.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    DANNClassifier : The classifier.

    Examples
    --------
    >>> import numpy as np
    >>> from ml2learn.adaptation import DANNRegressor, pack_domains
    >>> rng = np.random.RandomState(0)
    >>> X_s, X_t = rng.normal(size=(60, 2)), rng.normal(1.0, size=(40, 2))
    >>> X, y, sample_domain = pack_domains(X_s, X_s.sum(axis=1), X_t)
    >>> reg = DANNRegressor((16,), max_epochs=5, random_state=0)
    >>> reg.fit(X, y, sample_domain=sample_domain).predict(X_t).shape
    (40,)
    """
    )

    # Ganin et al.'s mu_0: the squared error's gradient grows with the
    # residual, and at the classifier's 0.05 with momentum 0.9 a fit on
    # unscaled inputs (features near 100) diverges within two epochs
    __init__ = init_with_defaults(_BaseDANN.__init__, learning_rate=0.01)
