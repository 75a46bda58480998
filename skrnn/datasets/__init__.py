"""Small real data sets for recurrent networks, shipped with the package.

Each loader returns a :class:`sklearn.utils.Bunch` with ``data``, ``target`` (where
the task has one) and ``DESCR`` (source, license, citation), read from compressed
files inside the package: no network access, no files outside ``skrnn``.

==========================  ====================================  ===================
loader                      task                                  samples
==========================  ====================================  ===================
:func:`load_movie_reviews`  binary sentiment of a review snippet  list of str
:func:`load_brown_pos`      part-of-speech tagging                list of token lists
:func:`load_stock_prices`   daily prices, forecasting             numeric series
:func:`load_hamlet`         character-level language model        one str
:func:`load_cmudict`        grapheme to phoneme (seq2seq)         list of str
==========================  ====================================  ===================
"""

from ._brown import load_brown_pos
from ._cmudict import load_cmudict
from ._movie_reviews import load_movie_reviews
from ._stocks import load_stock_prices
from ._text import load_hamlet

__all__ = [
    "load_brown_pos",
    "load_cmudict",
    "load_hamlet",
    "load_movie_reviews",
    "load_stock_prices",
]
