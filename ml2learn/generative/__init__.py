"""Generative adversarial networks: a dense GAN and a DCGAN, unconditional
or conditional, pix2pix's paired and CycleGAN's unpaired image-to-image
translation, trained through skorch; their losses and networks."""

from ._base import GANDiversityWarning
from ._cyclegan import CycleGAN, ImagePool
from ._dcgan import DCGAN
from ._gan import GAN
from ._losses import (
    cycle_consistency_loss,
    discriminator_loss,
    generator_loss,
    least_squares_losses,
    translation_generator_loss,
)
from ._networks import (
    ConvDiscriminator,
    ConvGenerator,
    DenseDiscriminator,
    DenseGenerator,
    GANModule,
)
from ._perceptual import perceptual_loss
from ._pix2pix import Pix2Pix
from ._plot import plot_samples
from ._style import StyleGenerator, adaptive_instance_norm
from ._translation_networks import (
    PatchDiscriminator,
    ResNetGenerator,
    TranslationModule,
    UNetGenerator,
    patch_receptive_field,
)

__all__ = [
    "DCGAN",
    "GAN",
    "ConvDiscriminator",
    "CycleGAN",
    "ConvGenerator",
    "DenseDiscriminator",
    "DenseGenerator",
    "GANDiversityWarning",
    "GANModule",
    "ImagePool",
    "PatchDiscriminator",
    "Pix2Pix",
    "ResNetGenerator",
    "StyleGenerator",
    "TranslationModule",
    "UNetGenerator",
    "adaptive_instance_norm",
    "cycle_consistency_loss",
    "discriminator_loss",
    "generator_loss",
    "least_squares_losses",
    "patch_receptive_field",
    "perceptual_loss",
    "plot_samples",
    "translation_generator_loss",
]
