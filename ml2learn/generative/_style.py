"""The style-based generator (Karras et al., 2019; the notes' StyleGAN
slides): a mapping network ``z -> w``, a learned constant image grown by
upsampling convolutions, and at every layer per-pixel noise and adaptive
instance normalisation (AdaIN) with the style ``A(w)``."""

import torch
from torch import nn

from ._networks import _dcgan_init, _geometry

__all__ = ["StyleGenerator", "adaptive_instance_norm"]


def adaptive_instance_norm(x, scale, bias, eps=1e-5):
    """``AdaIN(x_i, y) = y_{s,i} (x_i - mu(x_i)) / sigma(x_i) + y_{b,i}``.

    Each feature map ``x_i`` of each image is normalised over its positions
    and given the style's scale and bias for that channel (Huang &
    Belongie, 2017), so its mean becomes ``y_b`` and its standard deviation
    ``|y_s|``.

    Parameters
    ----------
    x : tensor of shape (B, C, H, W)
        Feature maps.
    scale, bias : tensor of shape (B, C)
        ``y_s`` and ``y_b``.
    eps : float, default=1e-5
        Added to the variance.

    Returns
    -------
    out : tensor of shape (B, C, H, W)
        The restyled maps.

    Examples
    --------
    >>> import torch
    >>> from ml2learn.generative import adaptive_instance_norm
    >>> x = torch.randn(2, 3, 8, 8)
    >>> out = adaptive_instance_norm(x, torch.full((2, 3), 2.0), torch.ones(2, 3))
    >>> [round(float(v), 3) for v in (out.mean(), out.std(dim=(2, 3)).mean())]
    [1.0, 2.016]
    """
    mean = x.mean(dim=(2, 3), keepdim=True)
    var = x.var(dim=(2, 3), keepdim=True, unbiased=False)
    normalised = (x - mean) / torch.sqrt(var + eps)
    return scale[:, :, None, None] * normalised + bias[:, :, None, None]


class _StyleLayer(nn.Module):
    """Noise, AdaIN with the affine style ``A(w)`` and LeakyReLU on the
    maps a layer produced."""

    def __init__(self, channels, style_dim):
        super().__init__()
        self.noise_weight = nn.Parameter(torch.zeros(1, channels, 1, 1))
        self.style = nn.Linear(style_dim, 2 * channels)
        nn.init.zeros_(self.style.weight)
        with torch.no_grad():  # start as the identity style: scale 1, bias 0
            self.style.bias.copy_(
                torch.cat([torch.ones(channels), torch.zeros(channels)])
            )

    def forward(self, x, w, noise):
        x = x + self.noise_weight * noise
        scale, bias = self.style(w).chunk(2, dim=1)
        return nn.functional.leaky_relu(adaptive_instance_norm(x, scale, bias), 0.2)


class StyleGenerator(nn.Module):
    """A style-based generator of ``(C, H, W)`` images.

    - mapping network: ``z`` (pixel-normalised, joined by the label's
      embedding if conditional) through ``mapping_layers`` dense LeakyReLU
      layers to ``w``;
    - synthesis: a learned constant of ``filters[0]`` maps at the smallest
      size, then, per filter, 2x nearest upsampling and a 3 x 3
      convolution; after the constant and after every convolution, noise
      (one ``N(0, 1)`` map per image, scaled per channel by learned
      weights) and AdaIN with the style ``A_l(w)``; a 1 x 1 convolution to
      ``C`` channels and Tanh, cropped to ``(H, W)``.

    There are ``len(filters) + 1`` style layers, coarsest first. Style
    mixing gives layers ``l < crossover`` the style of ``w`` and the rest
    that of ``w_mix``.

    Parameters
    ----------
    latent_dim : int
        Width of ``z`` and of ``w``.
    image_shape : tuple of int
        ``(C, H, W)``.
    filters : tuple of int
        Channels of the constant and of each upsampling layer (the number
        of doublings is ``len(filters)``, as in the DCGAN generator).
    n_classes : int, default=0
        Classes to condition on.
    label_dim : int, default=0
        Width of the label embedding.
    mapping_layers : int, default=4
        Dense layers of the mapping network (the paper: 8).
    """

    def __init__(
        self,
        latent_dim,
        image_shape,
        filters,
        n_classes=0,
        label_dim=0,
        mapping_layers=4,
    ):
        super().__init__()
        self.image_shape = tuple(image_shape)
        C, H, W = self.image_shape
        (_, _, _, _, h0), (_, _, _, _, w0) = (
            _geometry(H, len(filters)),
            _geometry(W, len(filters)),
        )
        self.label = nn.Embedding(n_classes, label_dim) if n_classes else None
        width = latent_dim + (label_dim if n_classes else 0)
        mapping = []
        for _ in range(mapping_layers):
            mapping += [nn.Linear(width, latent_dim), nn.LeakyReLU(0.2)]
            width = latent_dim
        self.mapping = nn.Sequential(*mapping)
        self.constant = nn.Parameter(torch.ones(1, filters[0], h0, w0))
        self.upsample = [H > 1, W > 1]
        channels = list(filters) + [filters[-1]]
        self.convs = nn.ModuleList(
            nn.Conv2d(channels[k], channels[k + 1], 3, 1, 1)
            for k in range(len(filters))
        )
        self.styles = nn.ModuleList(
            _StyleLayer(c, latent_dim) for c in [filters[0], *channels[1:]]
        )
        self.to_image = nn.Conv2d(channels[-1], C, 1)
        _dcgan_init(self)

    @property
    def n_style_layers(self):
        """Style layers, the constant's first."""
        return len(self.styles)

    def noise_shapes(self):
        """``(1, h, w)`` of each style layer's noise map."""
        _, h, w = self.constant.shape[1:]
        shapes = [(1, h, w)]
        for _ in self.convs:
            h, w = (
                h * (2 if self.upsample[0] else 1),
                w * (2 if self.upsample[1] else 1),
            )
            shapes.append((1, h, w))
        return shapes

    def map(self, z, labels=None):
        """``w`` for noise ``z`` (and labels)."""
        z = z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)
        if self.label is not None:
            z = torch.cat([z, self.label(labels)], dim=1)
        return self.mapping(z)

    def forward(self, z, labels=None, z_mix=None, crossover=None, *noise):
        w = self.map(z, labels)
        n = len(z)
        if z_mix is None:
            styles = [w] * self.n_style_layers
        else:
            w_mix = self.map(z_mix, labels)
            styles = [
                torch.where((layer < crossover)[:, None], w, w_mix)
                for layer in range(self.n_style_layers)
            ]
        if not noise:
            noise = [
                torch.randn(n, *shape, device=z.device) for shape in self.noise_shapes()
            ]
        x = self.constant.expand(n, -1, -1, -1)
        x = self.styles[0](x, styles[0], noise[0])
        scale = (2 if self.upsample[0] else 1, 2 if self.upsample[1] else 1)
        for k, conv in enumerate(self.convs, start=1):
            x = conv(nn.functional.interpolate(x, scale_factor=scale, mode="nearest"))
            x = self.styles[k](x, styles[k], noise[k])
        _, H, W = self.image_shape
        return torch.tanh(self.to_image(x))[:, :, :H, :W]
