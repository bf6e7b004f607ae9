"""Generative adversarial networks: a dense GAN and a DCGAN, unconditional
or conditional, trained through skorch; their losses and networks."""

from ._base import GANDiversityWarning
from ._dcgan import DCGAN
from ._gan import GAN
from ._losses import discriminator_loss, generator_loss
from ._networks import (
    ConvDiscriminator,
    ConvGenerator,
    DenseDiscriminator,
    DenseGenerator,
    GANModule,
)
from ._plot import plot_samples

__all__ = [
    "DCGAN",
    "GAN",
    "ConvDiscriminator",
    "ConvGenerator",
    "DenseDiscriminator",
    "DenseGenerator",
    "GANDiversityWarning",
    "GANModule",
    "discriminator_loss",
    "generator_loss",
    "plot_samples",
]
