"""Generators and discriminators: dense ones (Goodfellow et al., 2014) and
convolutional ones following the DCGAN guidelines (Radford et al., 2016),
each optionally conditioned on a class label (Mirza & Osindero, 2014).

Generators map noise ``z`` (B, latent_dim) to rows or images; discriminators
map rows or images to one logit ``l`` per row, ``D = sigmoid(l)``.
"""

import math

import torch
from torch import nn

__all__ = [
    "ConvDiscriminator",
    "ConvGenerator",
    "DenseDiscriminator",
    "DenseGenerator",
    "GANModule",
]


class DenseGenerator(nn.Module):
    """``z`` (and the label's embedding) through ReLU layers to a linear
    output of ``n_features``.

    Parameters
    ----------
    latent_dim : int
        Width of ``z``.
    n_features : int
        Width of a generated row.
    layer_sizes : tuple of int
        Hidden layers.
    n_classes : int, default=0
        Classes to condition on (0: unconditional).
    label_dim : int, default=0
        Width of the label embedding.
    """

    def __init__(self, latent_dim, n_features, layer_sizes, n_classes=0, label_dim=0):
        super().__init__()
        self.label = nn.Embedding(n_classes, label_dim) if n_classes else None
        width, layers = latent_dim + (label_dim if n_classes else 0), []
        for size in layer_sizes:
            layers += [nn.Linear(width, size), nn.ReLU()]
            width = size
        layers.append(nn.Linear(width, n_features))
        self.net = nn.Sequential(*layers)

    def forward(self, z, labels=None):
        if self.label is not None:
            z = torch.cat([z, self.label(labels)], dim=1)
        return self.net(z)


class DenseDiscriminator(nn.Module):
    """Rows (and the label's embedding) through LeakyReLU(0.2) layers to one
    logit.

    Parameters
    ----------
    n_features : int
        Width of a row.
    layer_sizes : tuple of int
        Hidden layers.
    n_classes : int, default=0
        Classes to condition on (0: unconditional).
    label_dim : int, default=0
        Width of the label embedding.
    """

    def __init__(self, n_features, layer_sizes, n_classes=0, label_dim=0):
        super().__init__()
        self.label = nn.Embedding(n_classes, label_dim) if n_classes else None
        width, layers = n_features + (label_dim if n_classes else 0), []
        for size in layer_sizes:
            layers += [nn.Linear(width, size), nn.LeakyReLU(0.2)]
            width = size
        layers.append(nn.Linear(width, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x, labels=None):
        if self.label is not None:
            x = torch.cat([x, self.label(labels)], dim=1)
        return self.net(x)


def _geometry(size, n_halvings):
    """Stride, kernel, padding, padded size and smallest size of one image
    dimension: stride 2 halves it ``n_halvings`` times (after padding it to a
    multiple of ``2**n_halvings``); a dimension of size 1 keeps stride 1."""
    if size == 1:
        return 1, 1, 0, 1, 1
    padded = math.ceil(size / 2**n_halvings) * 2**n_halvings
    return 2, 4, 1, padded, padded // 2**n_halvings


def _dcgan_init(module):
    """Radford et al.: weights from N(0, 0.02), batch-norm scales from
    N(1, 0.02), biases 0."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(m.weight, 0.0, 0.02)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)


class ConvGenerator(nn.Module):
    """The DCGAN generator: fractionally strided (transposed) convolutions,
    batch norm and ReLU, a Tanh output; no dense hidden layers.

    ``z`` (and the label's embedding), as a ``1 x 1`` image, is projected to
    ``filters[0]`` maps of the smallest size by a transposed convolution;
    every further layer doubles the size (kernel 4, stride 2), the last one
    to ``C`` channels and Tanh; the result is cropped to ``(H, W)``.

    Parameters
    ----------
    latent_dim : int
        Width of ``z``.
    image_shape : tuple of int
        ``(C, H, W)``.
    filters : tuple of int
        Channels of the hidden layers, largest first.
    n_classes : int, default=0
        Classes to condition on.
    label_dim : int, default=0
        Width of the label embedding.
    """

    def __init__(self, latent_dim, image_shape, filters, n_classes=0, label_dim=0):
        super().__init__()
        self.image_shape = tuple(image_shape)
        C, H, W = self.image_shape
        (sh, kh, ph, _, h0), (sw, kw, pw, _, w0) = (
            _geometry(H, len(filters)),
            _geometry(W, len(filters)),
        )
        self.label = nn.Embedding(n_classes, label_dim) if n_classes else None
        width = latent_dim + (label_dim if n_classes else 0)
        layers = [
            nn.ConvTranspose2d(width, filters[0], (h0, w0), bias=False),
            nn.BatchNorm2d(filters[0]),
            nn.ReLU(),
        ]
        for previous, current in zip(filters, filters[1:]):
            layers += [
                nn.ConvTranspose2d(
                    previous, current, (kh, kw), (sh, sw), (ph, pw), bias=False
                ),
                nn.BatchNorm2d(current),
                nn.ReLU(),
            ]
        layers += [
            nn.ConvTranspose2d(filters[-1], C, (kh, kw), (sh, sw), (ph, pw)),
            nn.Tanh(),
        ]
        self.net = nn.Sequential(*layers)
        _dcgan_init(self)

    def forward(self, z, labels=None):
        if self.label is not None:
            z = torch.cat([z, self.label(labels)], dim=1)
        _, H, W = self.image_shape
        return self.net(z[:, :, None, None])[:, :, :H, :W]


class ConvDiscriminator(nn.Module):
    """The DCGAN discriminator: strided convolutions (kernel 4, stride 2)
    instead of pooling, LeakyReLU(0.2), batch norm after every layer but the
    first, and a last convolution over the whole remaining map to one logit;
    no dense hidden layers.

    Images are zero-padded at the bottom and right to a size the strides
    halve exactly. A class label is embedded as one extra input channel.

    Parameters
    ----------
    image_shape : tuple of int
        ``(C, H, W)``.
    filters : tuple of int
        Channels of the layers, smallest first.
    n_classes : int, default=0
        Classes to condition on.
    """

    def __init__(self, image_shape, filters, n_classes=0):
        super().__init__()
        self.image_shape = tuple(image_shape)
        C, H, W = self.image_shape
        (sh, kh, ph, Hp, h0), (sw, kw, pw, Wp, w0) = (
            _geometry(H, len(filters)),
            _geometry(W, len(filters)),
        )
        self.padded = (Hp, Wp)
        self.label = nn.Embedding(n_classes, Hp * Wp) if n_classes else None
        width = C + (1 if n_classes else 0)
        layers = []
        for i, current in enumerate(filters):
            layers.append(
                nn.Conv2d(width, current, (kh, kw), (sh, sw), (ph, pw), bias=i == 0)
            )
            if i > 0:
                layers.append(nn.BatchNorm2d(current))
            layers.append(nn.LeakyReLU(0.2))
            width = current
        layers.append(nn.Conv2d(width, 1, (h0, w0)))
        self.net = nn.Sequential(*layers)
        _dcgan_init(self)

    def forward(self, x, labels=None):
        _, H, W = self.image_shape
        Hp, Wp = self.padded
        x = nn.functional.pad(x, (0, Wp - W, 0, Hp - H))
        if self.label is not None:
            maps = self.label(labels).view(-1, 1, Hp, Wp)
            x = torch.cat([x, maps.to(x.dtype)], dim=1)
        return self.net(x).flatten(1)


class GANModule(nn.Module):
    """A generator and a discriminator held together (one state dict).

    Parameters
    ----------
    generator : nn.Module
        Maps ``(z, labels)`` to samples.
    discriminator : nn.Module
        Maps ``(x, labels)`` to logits.
    latent_dim : int
        Width of ``z``.
    """

    def __init__(self, generator, discriminator, latent_dim):
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim

    def forward(self, x, labels=None):  # the discriminator's logits
        return self.discriminator(x, labels)

    def freezable_blocks(self):
        """``(name, module)``: the generator, then the discriminator."""
        return [("generator", self.generator), ("discriminator", self.discriminator)]
