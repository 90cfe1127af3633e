# The band of the issue on honest intervals, one rule for Tools/eval/run.sh and intervals.sh:
# 90% coverage between 80% and 97%, median width at most 4 times the MAE, on a (source, split)
# with at least MINIMUM_RUNS scored test runs.
MINIMUM_RUNS = 20


def in_band(coverage, width, mae):
    """coverage as a fraction; width and MAE in loss units."""
    return 0.80 <= coverage <= 0.97 and width <= 4 * mae
