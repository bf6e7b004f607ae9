"""The networks of image-to-image translation: pix2pix's U-Net generator
with skip connections and its PatchGAN discriminator that judges every
patch of an image (Isola et al., 2017), and CycleGAN's residual generator
(Zhu et al., 2017).

Images enter in ``[-1, 1]``, ``(B, C, H, W)``; sizes the strides do not
halve exactly are zero-padded at the bottom and right and the output
cropped back.
"""

import math

import torch
from torch import nn

from ._networks import _dcgan_init

__all__ = [
    "PatchDiscriminator",
    "ResNetGenerator",
    "TranslationModule",
    "UNetGenerator",
    "patch_receptive_field",
    "unet_depth",
]

MAX_WIDTH_FACTOR = 8  # widths double per level up to 8 x the first (64 -> 512)


def _widths(width, n_levels):
    return [min(width * 2**i, width * MAX_WIDTH_FACTOR) for i in range(n_levels + 1)]


def unet_depth(height, width):
    """The U-Net's number of halvings for an image: until the smaller side
    reaches 1, as the paper's 8 levels take 256 x 256 images to 1 x 1."""
    return max(0, int(math.floor(math.log2(min(height, width)))))


def _pad_to(x, multiple):
    H, W = x.shape[-2:]
    pad_h, pad_w = (-H) % multiple, (-W) % multiple
    if pad_h or pad_w:
        x = nn.functional.pad(x, (0, pad_w, 0, pad_h))
    return x


class UNetGenerator(nn.Module):
    """The pix2pix generator: an encoder-decoder whose every decoder level
    is concatenated with the encoder's map of the same size.

    ``stem``: a 3 x 3 convolution at full resolution (LeakyReLU 0.2); then
    ``depth`` encoder levels ``C_k``: 4 x 4 convolution of stride 2, batch
    norm, LeakyReLU(0.2); ``depth`` decoder levels: 4 x 4 transposed
    convolution of stride 2, batch norm, dropout on the three innermost,
    ReLU, and the encoder's map of that size concatenated; a 3 x 3
    convolution to the output channels and Tanh. The full-resolution skip
    from the stem carries the input's fine detail (edges, positions) to the
    output without passing through the bottleneck.

    Parameters
    ----------
    in_channels : int
        Channels of the input images.
    out_channels : int
        Channels of the output images.
    depth : int
        Number of halvings (0: no down-sampling, a per-pixel network).
    width : int, default=64
        Channels of the stem; level ``k`` has ``min(width 2^k, 8 width)``.
    dropout : float, default=0.5
        Dropout of the three innermost decoder levels, the paper's noise
        ``z``.
    residual : bool, default=False
        Output ``x + U(x)``: the network learns the correction to its
        input (VDSR's and SRResNet's long skip); needs ``in_channels ==
        out_channels``.
    """

    def __init__(
        self, in_channels, out_channels, depth, width=64, dropout=0.5, residual=False
    ):
        super().__init__()
        if residual and in_channels != out_channels:
            raise ValueError(
                "residual=True adds the input to the output, which needs as many "
                f"input as output channels; got {in_channels} and {out_channels}."
            )
        self.depth = depth
        self.residual = residual
        widths = _widths(width, depth)
        self.stem = nn.Sequential(
            nn.Conv2d(in_channels, width, 3, 1, 1), nn.LeakyReLU(0.2)
        )
        self.down = nn.ModuleList(
            nn.Sequential(
                nn.Conv2d(widths[k], widths[k + 1], 4, 2, 1, bias=False),
                nn.BatchNorm2d(widths[k + 1]),
                nn.LeakyReLU(0.2),
            )
            for k in range(depth)
        )
        up = []
        for k in reversed(range(depth)):  # from the bottleneck outwards
            inner = k == depth - 1
            layers = [
                nn.ConvTranspose2d(
                    widths[k + 1] * (1 if inner else 2), widths[k], 4, 2, 1, bias=False
                ),
                nn.BatchNorm2d(widths[k]),
            ]
            if dropout > 0 and depth - 1 - k < 3:
                layers.append(nn.Dropout(dropout))
            layers.append(nn.ReLU())
            up.append(nn.Sequential(*layers))
        self.up = nn.ModuleList(up)
        self.head = nn.Sequential(
            nn.Conv2d(width * (2 if depth else 1), out_channels, 3, 1, 1), nn.Tanh()
        )
        _dcgan_init(self)

    def encode(self, x):
        """The encoder's maps, full resolution first, bottleneck last."""
        maps = [self.stem(_pad_to(x, 2**self.depth))]
        for level in self.down:
            maps.append(level(maps[-1]))
        return maps

    def forward(self, x):
        H, W = x.shape[-2:]
        maps = self.encode(x)
        h = maps[-1]
        for level, skip in zip(self.up, reversed(maps[:-1])):
            h = torch.cat([level(h), skip], dim=1)
        out = self.head(h)[..., :H, :W]
        return x + out if self.residual else out


def _norm(kind, channels):
    if kind == "instance":
        return nn.InstanceNorm2d(channels, affine=True)
    return nn.BatchNorm2d(channels)


class _ResidualBlock(nn.Module):
    """``x + conv(ReLU(norm(conv(x))))`` with 3 x 3 convolutions and norms."""

    def __init__(self, channels, norm, padding_mode):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, channels, 3, 1, 1, padding_mode=padding_mode),
            _norm(norm, channels),
            nn.ReLU(),
            nn.Conv2d(channels, channels, 3, 1, 1, padding_mode=padding_mode),
            _norm(norm, channels),
        )

    def forward(self, x):
        return x + self.body(x)


class ResNetGenerator(nn.Module):
    """The CycleGAN generator (Johnson et al., 2016; Zhu et al., 2017):
    ``c7s1-w, d2w, d4w, R4w x n_blocks, u2w, uw, c7s1-C``.

    A 7 x 7 convolution, ``n_downsampling`` 3 x 3 convolutions of stride 2
    (doubling the channels), ``n_blocks`` residual blocks at the smallest
    size, as many 3 x 3 transposed convolutions of stride 2 back, and a 7 x
    7 convolution to the output channels with Tanh; normalisation and ReLU
    after every layer but the last. Reflection padding, as the paper's,
    where the image is large enough for it (zeros otherwise).

    Parameters
    ----------
    in_channels, out_channels : int
        Channels of the input and output images.
    n_downsampling : int
        Stride-2 layers each way (the paper: 2).
    n_blocks : int, default=6
        Residual blocks (the paper: 6 for 128 x 128 images, 9 for 256).
    width : int, default=64
        Channels of the first layer.
    norm : {"instance", "batch"}, default="instance"
        The paper's instance normalisation, or batch normalisation.
    """

    def __init__(
        self,
        in_channels,
        out_channels,
        n_downsampling,
        n_blocks=6,
        width=64,
        norm="instance",
        padding_mode="reflect",
    ):
        super().__init__()
        self.n_downsampling = n_downsampling
        layers = [
            nn.Conv2d(in_channels, width, 7, 1, 3, padding_mode=padding_mode),
            _norm(norm, width),
            nn.ReLU(),
        ]
        channels = width
        for _ in range(n_downsampling):
            layers += [
                nn.Conv2d(channels, 2 * channels, 3, 2, 1, padding_mode=padding_mode),
                _norm(norm, 2 * channels),
                nn.ReLU(),
            ]
            channels *= 2
        layers += [
            _ResidualBlock(channels, norm, padding_mode) for _ in range(n_blocks)
        ]
        for _ in range(n_downsampling):
            layers += [
                nn.ConvTranspose2d(channels, channels // 2, 3, 2, 1, output_padding=1),
                _norm(norm, channels // 2),
                nn.ReLU(),
            ]
            channels //= 2
        layers += [
            nn.Conv2d(channels, out_channels, 7, 1, 3, padding_mode=padding_mode),
            nn.Tanh(),
        ]
        self.net = nn.Sequential(*layers)
        _dcgan_init(self)

    def forward(self, x):
        H, W = x.shape[-2:]
        return self.net(_pad_to(x, 2**self.n_downsampling))[..., :H, :W]


def patch_receptive_field(n_layers):
    """The receptive field, in pixels, of one output of a PatchGAN with
    ``n_layers`` stride-2 convolutions (4 x 4 kernels, then two of stride
    1): 1 (a "PixelGAN" of 1 x 1 convolutions), 16, 34, 70 (the paper's
    default), 142, 286, ...

    Going back from one output, the two stride-1 layers see 4 then 7
    pixels and every stride-2 layer maps ``r`` to ``2 r + 2``.
    """
    if n_layers == 0:
        return 1
    r = 7
    for _ in range(n_layers):
        r = 2 * r + 2
    return r


class PatchDiscriminator(nn.Module):
    """The PatchGAN: a fully convolutional discriminator whose every output
    is the logit that one ``N x N`` patch of the (input, output) pair is
    real, ``N`` its receptive field.

    ``C64-C128-...``: ``n_layers`` 4 x 4 convolutions of stride 2 (batch
    norm after all but the first, LeakyReLU 0.2), one of stride 1 with
    batch norm and LeakyReLU, one of stride 1 to a single channel. With
    ``n_layers=0`` the layers are 1 x 1 convolutions (the paper's
    PixelGAN, which judges each pixel alone). The condition (the input
    image of a conditional GAN, pix2pix's ``x``) is concatenated to the
    judged image as channels; CycleGAN's discriminators judge images alone.

    Parameters
    ----------
    in_channels : int
        Channels of the judged image plus those of the condition, if any.
    n_layers : int
        Stride-2 layers; see :func:`patch_receptive_field`.
    width : int, default=64
        Channels of the first layer, doubling up to 8 x.
    norm : {"batch", "instance"}, default="batch"
        pix2pix's batch normalisation or CycleGAN's instance normalisation.
    """

    def __init__(self, in_channels, n_layers, width=64, norm="batch"):
        super().__init__()
        self.n_layers = n_layers
        widths = _widths(width, n_layers + 1)
        if n_layers == 0:
            layers = [
                nn.Conv2d(in_channels, width, 1),
                nn.LeakyReLU(0.2),
                nn.Conv2d(width, 2 * width, 1, bias=False),
                _norm(norm, 2 * width),
                nn.LeakyReLU(0.2),
                nn.Conv2d(2 * width, 1, 1),
            ]
        else:
            layers = [nn.Conv2d(in_channels, width, 4, 2, 1), nn.LeakyReLU(0.2)]
            for k in range(1, n_layers + 1):
                layers += [
                    nn.Conv2d(
                        widths[k - 1],
                        widths[k],
                        4,
                        2 if k < n_layers else 1,
                        1,
                        bias=False,
                    ),
                    _norm(norm, widths[k]),
                    nn.LeakyReLU(0.2),
                ]
            layers.append(nn.Conv2d(widths[n_layers], 1, 4, 1, 1))
        self.net = nn.Sequential(*layers)
        _dcgan_init(self)

    @property
    def receptive_field(self):
        """Pixels of the input each output logit sees."""
        return patch_receptive_field(self.n_layers)

    def grid_shape(self, height, width):
        """``(h, w)`` of the logit grid for ``height x width`` images."""
        if self.n_layers == 0:
            return height, width
        h, w = height, width
        for _ in range(self.n_layers):
            h, w = h // 2, w // 2
        return h - 2, w - 2

    def forward(self, image, condition=None):
        if condition is not None:
            image = torch.cat([condition, image], dim=1)
        return self.net(image)


class TranslationModule(nn.Module):
    """The generators and discriminators of a translation (one state dict);
    calling it translates.

    Parameters
    ----------
    generator : nn.Module
        Maps input images to output images; or, for CycleGAN, an
        ``nn.ModuleDict`` of ``a_to_b`` and ``b_to_a``.
    discriminator : nn.Module
        Maps images (with their condition) to patch logits; or an
        ``nn.ModuleDict`` of one per domain.
    """

    def __init__(self, generator, discriminator):
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator

    def forward(self, x):
        if isinstance(self.generator, nn.ModuleDict):
            return self.generator["a_to_b"](x)
        return self.generator(x)

    def freezable_blocks(self):
        """``(name, module)``: the generator, then the discriminator."""
        return [("generator", self.generator), ("discriminator", self.discriminator)]
