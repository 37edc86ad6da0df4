# An intentionally simple example strategy shipped with PCC's Freqtrade app, so the bot has
# something to run out of the box (in paper-trading mode by default). It buys when a fast moving
# average crosses above a slow one while the market is not overbought, and sells on the opposite
# cross, a stop-loss or a take-profit. It is a starting point to learn with, not advice: backtest
# and understand any strategy before trading real money with it.
from pandas import DataFrame
import talib.abstract as ta

from freqtrade.strategy import IStrategy


class PccEmaCross(IStrategy):
    INTERFACE_VERSION = 3

    timeframe = "1h"
    can_short = False
    process_only_new_candles = True
    startup_candle_count = 60

    # Take profit: 8% at once, less the longer a trade stays open, break-even after two days.
    minimal_roi = {"0": 0.08, "720": 0.04, "1440": 0.02, "2880": 0}
    stoploss = -0.06
    trailing_stop = True
    trailing_stop_positive = 0.015
    trailing_stop_positive_offset = 0.03
    trailing_only_offset_is_reached = True

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["ema_fast"] = ta.EMA(dataframe, timeperiod=12)
        dataframe["ema_slow"] = ta.EMA(dataframe, timeperiod=48)
        dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        fast, slow = dataframe["ema_fast"], dataframe["ema_slow"]
        crossed_up = (fast > slow) & (fast.shift(1) <= slow.shift(1))
        dataframe.loc[crossed_up & (dataframe["rsi"] < 70) & (dataframe["volume"] > 0), "enter_long"] = 1
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        fast, slow = dataframe["ema_fast"], dataframe["ema_slow"]
        crossed_down = (fast < slow) & (fast.shift(1) >= slow.shift(1))
        dataframe.loc[crossed_down & (dataframe["volume"] > 0), "exit_long"] = 1
        return dataframe
