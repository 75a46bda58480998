"""Daily stock prices of four technology companies, 2000-2013."""

from __future__ import annotations

import numpy as np
from sklearn.utils import Bunch

from ._base import _load_descr, _read_text

_TICKERS = ("AAPL", "GOOG", "IBM", "MSFT")
_FEATURE_NAMES = ("Open", "High", "Low", "Close", "Volume", "Adj Close")


def load_stock_prices(
    ticker: str = "AAPL", *, as_frame: bool = False, return_X_y: bool = False
) -> Bunch | tuple[np.ndarray, np.ndarray]:
    """Load the daily prices of one stock, a real univariate or multivariate series.

    Daily open, high, low and close prices, trading volume and the close adjusted
    for splits and dividends, from Quandl's public-domain WIKI prices, sorted by
    date. AAPL, IBM and MSFT cover 2000-03-01 to 2013-03-01 (3,270 trading days);
    GOOG covers 2004-08-19 to 2013-03-01 (2,148 days).

    The target is the adjusted close, the series to use for returns and
    forecasting: the raw prices jump at stock splits (AAPL's close halves at its
    2-for-1 splits of June 2000 and February 2005, MSFT's at February 2003's),
    while the adjusted close runs on smoothly.
    The target is also the last column of ``data``; build forecasting windows from
    it, for example ``X = target[t - w : t]``, ``y = target[t]``.

    =================  ============================================
    Samples            3,270 days (AAPL, IBM, MSFT) or 2,148 (GOOG)
    Features           6: Open, High, Low, Close, Volume, Adj Close
    Target             Adj Close, real, positive
    =================  ============================================

    Read more in the DESCR text, ``load_stock_prices().DESCR``.

    Parameters
    ----------
    ticker : {"AAPL", "GOOG", "IBM", "MSFT"}, default="AAPL"
        Which stock (case-insensitive).

    as_frame : bool, default=False
        If True, ``data`` is a pandas DataFrame indexed by date, ``target`` a
        Series, and ``frame`` the same DataFrame as ``data``. Needs pandas, which
        is otherwise not required.

    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : ndarray of shape (n_days, 6), dtype float64, or DataFrame
            Open, High, Low, Close, Volume, Adj Close, one row per trading day,
            oldest first.
        target : ndarray of shape (n_days,), dtype float64, or Series
            The adjusted close, ``data[:, 5]``.
        dates : ndarray of shape (n_days,), dtype datetime64[D]
            The trading days, strictly increasing.
        feature_names : list of str
            The column names of ``data``.
        ticker : str
            The ticker symbol, upper case.
        frame : DataFrame or None
            The data as a DataFrame if ``as_frame`` is True, else None.
        DESCR : str
            Description of the data set: source, license.

    (data, target) : tuple if ``return_X_y`` is True
        The ``data`` and ``target`` above.

    Examples
    --------
    >>> from skrnn.datasets import load_stock_prices
    >>> aapl = load_stock_prices("AAPL")
    >>> aapl.data.shape, aapl.data.dtype
    ((3270, 6), dtype('float64'))
    >>> str(aapl.dates[0]), str(aapl.dates[-1])
    ('2000-03-01', '2013-03-01')
    >>> aapl.data[0, :4].tolist()
    [118.56, 132.06, 118.5, 130.31]
    >>> X, y = load_stock_prices("goog", return_X_y=True)
    >>> X.shape, y.shape
    ((2148, 6), (2148,))
    """
    if not isinstance(ticker, str) or ticker.upper() not in _TICKERS:
        choices = ", ".join(repr(t) for t in _TICKERS)
        raise ValueError(f"ticker must be one of {choices}; got {ticker!r}.")
    ticker = ticker.upper()

    lines = _read_text("stocks.csv.xz").splitlines()
    prefix = ticker + ","
    rows = [line.split(",") for line in lines[1:] if line.startswith(prefix)]
    dates = np.array([row[1] for row in rows], dtype="datetime64[D]")
    data = np.array([row[2:] for row in rows], dtype=np.float64)
    order = np.argsort(dates, kind="stable")
    dates, data = dates[order], data[order]
    target = data[:, -1].copy()
    feature_names = list(_FEATURE_NAMES)

    frame = None
    if as_frame:
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - pandas is in the test deps
            raise ImportError(
                "load_stock_prices(as_frame=True) needs pandas; install it or "
                "use as_frame=False."
            ) from exc
        index = pd.DatetimeIndex(dates, name="Date")
        frame = pd.DataFrame(data, index=index, columns=feature_names)
        data, target = frame, frame["Adj Close"].copy()
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        dates=dates,
        feature_names=feature_names,
        ticker=ticker,
        frame=frame,
        DESCR=_load_descr("stock_prices.rst"),
    )
