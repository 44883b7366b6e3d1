"""`ganzoo plot LOG.csv --out curves.png`: a run's losses and metrics over epochs."""

from __future__ import annotations

import argparse
import csv
import math
import os

from ganzoo.cli.errors import CommandError, usage


def read_log(path: str) -> dict[str, list[float]]:
    """The numeric columns of a `CSVLogger` file, by name (`epoch` first).

    Raises:
        CommandError: no such file (status 2), or a file without an `epoch` column
            and rows (status 1).
    """
    if not os.path.isfile(path):
        raise usage(f"expected a CSV log such as runs/NAME/history.csv; no such file {path!r}.")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows or "epoch" not in rows[0]:
        raise CommandError(
            f"{path!r} holds no epochs; expected a CSVLogger file with an epoch column."
        )
    columns: dict[str, list[float]] = {}
    for name in rows[0]:
        try:
            columns[name] = [float(row[name]) if row[name] else math.nan for row in rows]
        except ValueError:
            continue  # a non-numeric column
    return columns


def plot(args: argparse.Namespace) -> str:
    """Writes one panel per logged value over the epochs to `args.out`; returns the path.

    Example:
    >>> ganzoo.cli.main(["plot", "runs/dcgan/history.csv", "--out", "curves.png"])
    0
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns = read_log(args.log)
    epochs = [e + 1 for e in columns.pop("epoch")]
    names = [n for n in columns if not all(math.isnan(v) for v in columns[n])]
    if not names:
        raise CommandError(f"{args.log!r} has no numeric values to plot besides the epochs.")
    figure, axes = plt.subplots(len(names), 1, figsize=(6, 2.2 * len(names)), squeeze=False)
    for axis, name in zip(axes[:, 0], names, strict=True):
        axis.plot(epochs, columns[name], marker="o" if len(epochs) < 20 else None)
        axis.set_ylabel(name)
    axes[-1, 0].set_xlabel("epoch")
    figure.tight_layout()
    figure.savefig(args.out)
    plt.close(figure)
    print(f"Wrote {args.out}")
    return args.out
