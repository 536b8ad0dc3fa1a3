"""Draws the resource bench's figure from bench/results/resources.json: peak RSS and store size against
workspace tokens (with the straight line through the smallest point, the linear bound), and RSS over the
asks in a row. Usage: plot.py RESULTS.json FIGURE.png"""
import json
import sys

import matplotlib

matplotlib.use("Agg")  # no display: write the PNG only
import matplotlib.pyplot as plt


def main(results_path: str, figure_path: str) -> None:
    with open(results_path) as f:
        results = json.load(f)
    sizes = results["sizes"]
    tokens = [row["tokens"] / 1e6 for row in sizes]
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    for ax, key, scale, label in [
        (axes[0], "maxRssMB", 1, "peak RSS (MB)"),
        (axes[1], "storeBytes", 1e-6, "store size (MB)"),
    ]:
        values = [row[key] * scale for row in sizes]
        ax.plot(tokens, values, "o-", label="measured")
        # Linear growth from the smallest tree: what "no faster than linear" may not exceed.
        ax.plot(tokens, [values[0] * t / tokens[0] for t in tokens], "--", color="grey", label="linear from the smallest")
        ax.set_xlabel("workspace tokens (millions)")
        ax.set_ylabel(label)
        ax.set_ylim(0, max(values) * 1.6)  # the linear line runs off the top: the measured points stay readable
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="upper left")
    asks = results["asks"]["samples"]
    axes[2].plot([s["asks"] for s in asks], [s["rssMB"] for s in asks], "o-", label="RSS")
    axes[2].plot([s["asks"] for s in asks], [s["heapMB"] for s in asks], "s-", label="JS heap used")
    axes[2].axhline(asks[0]["rssMB"] * 1.1, linestyle="--", color="grey", label="+10% of the first sample")
    axes[2].set_xlabel("asks in a row (1M-token store)")
    axes[2].set_ylabel("MB")
    axes[2].set_ylim(bottom=0)
    axes[2].grid(alpha=0.3)
    axes[2].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(figure_path, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
