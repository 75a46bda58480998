"""skrnn: recurrent neural networks (RNN, LSTM, GRU) as scikit-learn estimators."""

from ._classifier import RNNClassifier
from ._encoder_decoder import RNNEncoderDecoder
from ._language_model import RNNLanguageModel
from ._regressor import RNNRegressor
from ._tagger import RNNSequenceTagger

__version__ = "0.1.0"

__all__ = [
    "RNNClassifier",
    "RNNLanguageModel",
    "RNNEncoderDecoder",
    "RNNRegressor",
    "RNNSequenceTagger",
    "__version__",
]
