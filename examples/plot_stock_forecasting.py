"""
=====================================================
Forecasting a stock with ``TimeSeriesSplit``
=====================================================

Two next-day forecasts from the daily prices of Apple (2000-2013, bundled as
:func:`~skrnn.datasets.load_stock_prices`), each from a window of the 20
trading days before:

* tomorrow's **return**, which decides tomorrow's price;
* tomorrow's **trading range** (how far apart the day's high and low are), a
  measure of volatility.

Both are evaluated the way a forecast must be: on days that come after every
day the model was trained on, with
:class:`~sklearn.model_selection.TimeSeriesSplit`, beside simple baselines. The
honest answer differs between the two: returns are close to unpredictable,
volatility is not.
"""

# %%
# Windows of the past, the next day as target
# -------------------------------------------
# :func:`~skrnn.preprocessing.sliding_windows` turns a series into windows and
# the values that follow them. The returns are daily log returns of the
# adjusted close (which runs smoothly through stock splits); the range is the
# log of ``log(high / low)``, whose logarithm is much closer to normally
# distributed than the range itself.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.compose import TransformedTargetRegressor
from sklearn.dummy import DummyRegressor
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import TimeSeriesSplit, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skrnn import RNNRegressor
from skrnn.datasets import load_stock_prices
from skrnn.preprocessing import SequenceScaler, sliding_windows

# Small networks: one BLAS thread is faster than several (see the gallery's
# introduction).
threadpool_limits(limits=1, user_api="blas")

aapl = load_stock_prices("AAPL", as_frame=True).frame
WINDOW = 20
returns = np.log(aapl["Adj Close"]).diff().dropna()
log_range = np.log(np.log(aapl["High"] / aapl["Low"]))

tasks = {}
for name, series in [("return", returns), ("range", log_range)]:
    X, y = sliding_windows(series.to_numpy(), WINDOW)
    dates = series.index[WINDOW:]  # the day each target belongs to
    tasks[name] = (X, y, dates)
    print(f"{name}: {X.shape[0]} windows of {X.shape[1]} days")


# %%
# Models
# ------
# Inside every training fold the network's input is standardized by a
# :class:`~skrnn.preprocessing.SequenceScaler` (one mean and one standard
# deviation over all values of all windows) and its target by a
# :class:`~sklearn.compose.TransformedTargetRegressor`. Both are fit in
# ``fit``, on the training fold only, so nothing about the test days leaks in;
# scaling with statistics of the whole series, a common mistake, would. (The
# 10 % that early stopping holds out are drawn at random from the training
# windows, not from their end; they only decide when training stops.)
#
# Baselines:
#
# * for the return, persistence of the price: tomorrow's price is today's, a
#   predicted return of 0;
# * for the range, the average range of the training days;
# * for both, a linear autoregression: ridge regression on the 20 past values,
#   its penalty chosen by cross-validation inside the training fold.
def lstm():
    return TransformedTargetRegressor(
        regressor=make_pipeline(
            SequenceScaler(),
            RNNRegressor(
                cell="lstm",
                hidden_size=16,
                learning_rate_init=0.003,
                max_iter=30,
                early_stopping=True,
                n_iter_no_change=5,
                dtype="float32",
                random_state=0,
            ),
        ),
        transformer=StandardScaler(),
    )


baselines = {
    "return": ("persistence", DummyRegressor(strategy="constant", constant=0.0)),
    "range": ("training mean", DummyRegressor(strategy="mean")),
}


def ridge():
    return make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-2, 4, 13)))


# %%
# Cross-validation through time
# -----------------------------
# ``TimeSeriesSplit(n_splits=5)`` trains on an expanding stretch of the past
# and tests on the stretch that follows. A test window's inputs reach back
# into the training stretch, which is fine: those days are in the past when
# the forecast is made. The targets never overlap.
cv = TimeSeriesSplit(n_splits=5)
X, y, dates = tasks["return"]
for k, (train, test) in enumerate(cv.split(X)):
    print(
        f"fold {k}: train {dates[train[0]].date()} to {dates[train[-1]].date()}, "
        f"test {dates[test[0]].date()} to {dates[test[-1]].date()}"
    )

scoring = {"return": "neg_root_mean_squared_error", "range": "r2"}
scores = {}
for task, (X, y, _) in tasks.items():
    baseline_name, baseline = baselines[task]
    for model_name, model in [
        (baseline_name, baseline),
        ("ridge AR(20)", ridge()),
        ("LSTM", lstm()),
    ]:
        result = cross_validate(model, X, y, cv=cv, scoring=scoring[task])
        scores[task, model_name] = result["test_score"]

table = pd.DataFrame(
    {key: values for key, values in scores.items()},
    index=[f"fold {k}" for k in range(cv.n_splits)],
).T
table["mean"] = table.mean(axis=1)
print(table.round(5))

# %%
# The return: nothing to forecast
# -------------------------------
# The scores are RMSEs of the next-day log return (lower is better), shown
# relative to persistence. A ratio of 1 means no better than saying "the
# price stays where it is":
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
persistence = -scores["return", "persistence"]
colors = {"training mean": "C0", "ridge AR(20)": "C1", "LSTM": "C2"}
for name in ["ridge AR(20)", "LSTM"]:
    left.plot(
        -scores["return", name] / persistence, "o-", color=colors[name], label=name
    )
left.axhline(1.0, color="0.5", ls=":", label="persistence")
left.set_xticks(range(cv.n_splits))
left.set_xlabel("test fold (later to the right)")
left.set_ylabel("RMSE / RMSE of persistence")
left.set_title("Next-day return")
left.legend(fontsize=8)
for name in ["training mean", "ridge AR(20)", "LSTM"]:
    right.plot(scores["range", name], "o-", color=colors[name], label=name)
right.axhline(0.0, color="0.5", ls=":")
right.set_xticks(range(cv.n_splits))
right.set_xlabel("test fold (later to the right)")
right.set_ylabel("R$^2$ on the test fold")
right.set_title("Next-day trading range (log)")
right.legend(fontsize=8)
fig.tight_layout()

# %%
# Neither the network nor the linear model beats persistence by more than a
# fraction of a percent in any fold, and most often they are a little worse:
# past returns say next to nothing about tomorrow's. That is the expected,
# honest result for a liquid stock, and a useful check on the pipeline. A
# forecast that did much better than persistence here would point to a leak
# (scaling with future statistics, overlapping targets) rather than to a
# discovery.
#
# The trading range is another matter. Volatility clusters: turbulent days
# follow turbulent days. The training mean does badly in every fold, because
# the level of volatility drifts from one period to the next (a negative R²
# is worse than predicting the test fold's own mean, which a model fixed in
# the past cannot know). Both models that read the last 20 days follow the
# drift. In the first folds, trained on only two to four years, they explain
# little; in the later ones they explain a fair share of the day-to-day
# variance. The linear autoregression does as well as the LSTM or better: the
# window carries a simple signal, mostly the recent level of volatility,
# which a linear model already captures, and with a few thousand days there
# is little else for the network to find.
#
# The last fold, forecast against what happened:
X, y, dates = tasks["range"]
train, test = list(cv.split(X))[-1]
model = lstm().fit(X[train], y[train])
ridge_model = ridge().fit(X[train], y[train])
fig, ax = plt.subplots(figsize=(10, 3.5))
last = test[-250:]
ax.plot(dates[last], np.exp(y[last]) * 100, color="0.3", lw=1, label="actual")
ax.plot(
    dates[last],
    np.exp(model.predict(X[last])) * 100,
    color=colors["LSTM"],
    lw=1.5,
    label="LSTM",
)
ax.plot(
    dates[last],
    np.exp(ridge_model.predict(X[last])) * 100,
    color=colors["ridge AR(20)"],
    lw=1,
    ls="--",
    label="ridge AR(20)",
)
ax.set_ylabel("high-low range (% of price)")
ax.set_title("Next-day trading range, the last 250 days")
ax.legend(fontsize=8)
fig.tight_layout()
