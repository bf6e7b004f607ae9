"""Generative adversarial networks: a dense GAN and a DCGAN, unconditional
or conditional, and pix2pix's paired image-to-image translation, trained
through skorch; their losses and networks."""

from ._base import GANDiversityWarning
from ._dcgan import DCGAN
from ._gan import GAN
from ._losses import (
    discriminator_loss,
    generator_loss,
    translation_generator_loss,
)
from ._networks import (
    ConvDiscriminator,
    ConvGenerator,
    DenseDiscriminator,
    DenseGenerator,
    GANModule,
)
from ._pix2pix import Pix2Pix
from ._plot import plot_samples
from ._translation_networks import (
    PatchDiscriminator,
    TranslationModule,
    UNetGenerator,
    patch_receptive_field,
)

__all__ = [
    "DCGAN",
    "GAN",
    "ConvDiscriminator",
    "ConvGenerator",
    "DenseDiscriminator",
    "DenseGenerator",
    "GANDiversityWarning",
    "GANModule",
    "PatchDiscriminator",
    "Pix2Pix",
    "TranslationModule",
    "UNetGenerator",
    "discriminator_loss",
    "generator_loss",
    "patch_receptive_field",
    "plot_samples",
    "translation_generator_loss",
]
