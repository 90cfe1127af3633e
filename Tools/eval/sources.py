# Summarises `losscast eval-sources --json` (Tools/eval/sources.sh): one row per source left
# out, then the bars of the issue on new sources: zero-shot coverage at least 80% averaged over
# sources with every prediction flagged new; adapted from 10 runs, the median source's MAE at
# least 30% below Chinchilla's on the same runs and below a predictor trained from scratch.
import json
import statistics
import sys

sources = json.load(open(sys.argv[1]))


def cell(value):
    return "-" if value is None else f"{value:.3f}"


def adaptation(source, k):
    return next((a for a in source["adaptations"] if a["given"] == k), None)


print("| left out | runs | zero-shot MAE | coverage | width | adapted from 3 | from 10 | Chinchilla on 10 | scratch on 10 |")
print("|---|---|---|---|---|---|---|---|---|")
for s in sources:
    three, ten = adaptation(s, 3), adaptation(s, 10)
    print(
        f"| {s['source']} | {s['runs']:,} | {s['zeroShotMAE']:.3f} | {100 * s['coverage']:.1f}% | {s['medianWidth']:.2f} "
        f"| {cell(three and three['adaptedMAE'])} | {cell(ten and ten['adaptedMAE'])} "
        f"| {cell(ten and ten.get('chinchillaMAE'))} | {cell(ten and ten.get('scratchMAE'))} |")

coverage = statistics.mean(s["coverage"] for s in sources)
flagged = min(s["flaggedNew"] for s in sources)
print(f"\nzero-shot: coverage {100 * coverage:.1f}% averaged over {len(sources)} sources (bar 80%), "
      f"least share flagged new {100 * flagged:.0f}%: {'met' if coverage >= 0.8 and flagged == 1 else 'NOT met'}")
tens = [a for a in (adaptation(s, 10) for s in sources) if a]
adapted = statistics.median(a["adaptedMAE"] for a in tens)
chinchilla = statistics.median(a["chinchillaMAE"] for a in tens if a.get("chinchillaMAE") is not None)
scratch = statistics.median(a["scratchMAE"] for a in tens if a.get("scratchMAE") is not None)
below = 1 - adapted / chinchilla
met = below >= 0.3 and adapted < scratch
print(f"adapted from 10: median MAE {adapted:.4f}, Chinchilla {chinchilla:.4f} ({100 * below:.1f}% below, bar 30%), "
      f"scratch {scratch:.4f}: {'met' if met else 'NOT met'}")
coverages = sorted(a["adaptedCoverage"] for a in tens)
print(f"adapted intervals (from 10): coverage {100 * coverages[0]:.0f}-{100 * coverages[-1]:.0f}%, "
      f"median {100 * statistics.median(coverages):.0f}%")
