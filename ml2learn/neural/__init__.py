"""Neural estimators trained through skorch, and their training options."""

from ._captioning import ImageCaptioner
from ._cnn import CNNClassifier, CNNRegressor
from ._language_model import RNNLanguageModel, TransformerLanguageModel
from ._masked_lm import TransformerMaskedLM
from ._mlp import MLPClassifier, MLPRegressor
from ._rnn import LSTMClassifier, LSTMRegressor, RNNClassifier, RNNRegressor
from ._schedules import learning_rate_at, schedule_factor
from ._seq2seq import Seq2SeqTranslator
from ._tagger import RNNTagger
from ._transformer import TransformerClassifier, TransformerRegressor
from ._vit import VisionTransformerClassifier, VisionTransformerRegressor

__all__ = [
    "CNNClassifier",
    "CNNRegressor",
    "ImageCaptioner",
    "LSTMClassifier",
    "LSTMRegressor",
    "MLPClassifier",
    "MLPRegressor",
    "RNNClassifier",
    "RNNLanguageModel",
    "RNNRegressor",
    "RNNTagger",
    "Seq2SeqTranslator",
    "TransformerClassifier",
    "TransformerLanguageModel",
    "TransformerMaskedLM",
    "TransformerRegressor",
    "VisionTransformerClassifier",
    "VisionTransformerRegressor",
    "learning_rate_at",
    "schedule_factor",
]
