"""Output of a run: console lines, the JSON result, a markdown report and PNG plots."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.results import Figure, RunResult

THROUGHPUT_KEYS = ("send_throughput", "fanout_10", "fanout_100", "replay")


def fmt(value: float, unit: str = "") -> str:
    """A number for people: 3 significant digits, thousands separated; '-' when missing."""
    if math.isnan(value):
        return "-"
    if abs(value) >= 1000:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.3g}"
    return f"{text} {unit}".strip()


def fmt_ratio(value: float) -> str:
    """A ratio like ``0.42x``."""
    return "-" if math.isnan(value) else f"{value:.2f}x"


def figure_line(fig: Figure) -> str:
    """One console line: ourchat, its counterpart and the ratio."""
    return (
        f"{fig.key:<22} ourchat {fmt(fig.ourchat_median, fig.unit):>22}   "
        f"{fig.baseline_label} {fmt(fig.bare_median, fig.unit):>22}   "
        f"ratio {fmt_ratio(fig.ratio)}"
    )


def summary(result: RunResult, json_path: Path | None) -> dict[str, Any]:
    """The compact JSON summary printed as the last line."""
    figures = {
        f.key: {
            "ourchat": f.ourchat_median,
            "baseline": f.bare_median,
            "ratio": f.ratio,
            "unit": f.unit,
        }
        for f in [*result.figures, *result.informational]
    }
    from bench.results import clean_json

    data: dict[str, Any] = clean_json(
        {
            "mode": result.mode,
            "figures": figures,
            "targets": {t["name"]: t["verdict"] for t in result.targets},
            "problems": result.problems,
            "result": str(json_path) if json_path else None,
        }
    )
    return data


def write_json(result: RunResult, path: Path) -> None:
    """The full result, indented."""
    path.write_text(json.dumps(result.to_json(), indent=2) + "\n")


def _rows(figures: Sequence[Figure]) -> list[str]:
    rows = [
        "| figure | ourchat | counterpart | ratio | repetitions (ourchat) |",
        "|---|---|---|---|---|",
    ]
    for f in figures:
        reps = ", ".join(fmt(v) for v in f.ourchat)
        rows.append(
            f"| {f.title} | {fmt(f.ourchat_median, f.unit)} | "
            f"{fmt(f.bare_median, f.unit)} ({f.baseline_label}) | {fmt_ratio(f.ratio)} | {reps} |"
        )
    return rows


def _steal(share: object) -> str:
    """The hypervisor's share of the CPU time during the run, when it was measured."""
    if not isinstance(share, float | int):
        return ""
    return f"CPU time taken by the hypervisor (steal) during the run {100 * share:.1f} %; "


def markdown(result: RunResult, plots: Sequence[str], profile: str | None) -> str:
    """The short report."""
    env = result.environment
    lines = [
        f"# ourchat benchmark ({result.mode} run)",
        "",
        f"Machine: {env.get('cpus')} CPUs ({env.get('machine_note')}); "
        f"load average before {env.get('load_before')}, after {env.get('load_after')}; "
        f"{_steal(env.get('cpu_steal'))}"
        f"Python {env.get('python')}, grpcio {env.get('grpcio')}; "
        f"commit {env.get('commit')}{' with local changes' if env.get('dirty') else ''}; "
        f"{env.get('started')}, {env.get('duration_s', 0):.0f} s.",
        "",
        str(env.get("setup_note", "")),
        "",
        "## Figures",
        "",
        *_rows(result.figures),
        "",
        "## Targets",
        "",
        "| target | result | measured |",
        "|---|---|---|",
        *[f"| {t['rule']} | {t['verdict']} | {t['detail']} |" for t in result.targets],
    ]
    if result.informational:
        lines += ["", "## PostgreSQL and --workers 2 + Redis (informational)", ""]
        lines += _rows(result.informational)
    lines += ["", "## How each figure was measured", ""]
    for f in [*result.figures, *result.informational]:
        lines.append(f"- **{f.title}**: {f.notes}.")
        shown = {k: v for k, v in f.extra.items() if k not in ("curves_ms", "curve_percentiles")}
        if shown:
            lines.append(f"  Details: `{json.dumps(shown, default=str)}`")
    if result.problems:
        lines += ["", "## Problems", "", *[f"- {p}" for p in result.problems]]
    if profile:
        lines += ["", "## Where the server's time goes", "", profile]
    if plots:
        lines += ["", "## Plots", "", *[f"![{p}]({p})" for p in plots]]
    return "\n".join(lines) + "\n"


def plot(result: RunResult, out_dir: Path) -> list[str]:
    """Throughput and latency plots as PNG files in ``out_dir``; their names.

    Returns no names when matplotlib is not installed (``pip install -e '.[bench]'``).
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import ScalarFormatter
    except ImportError:
        return []
    names = []
    shown = [f for k in THROUGHPUT_KEYS if (f := result.figure(k)) is not None]
    if shown:
        fig, axes = plt.subplots(1, len(shown), figsize=(3.2 * len(shown), 3.6), squeeze=False)
        for ax, f in zip(axes[0], shown, strict=True):
            values = [f.ourchat_median, f.bare_median]
            ax.bar(
                ["ourchat", "bare"],
                [0 if math.isnan(v) else v for v in values],
                color=["tab:blue", "tab:gray"],
            )
            ax.set_title(f"{f.key}\nratio {fmt_ratio(f.ratio)}", fontsize=9)
            ax.set_ylabel(f.unit, fontsize=8)
            ax.tick_params(labelsize=8)
        fig.suptitle("Throughput (median of repetitions)", fontsize=10)
        fig.tight_layout()
        fig.savefig(out_dir / "throughput.png", dpi=110)
        plt.close(fig)
        names.append("throughput.png")
    curves = [f for f in result.figures if f.key.startswith("latency_") and "curves_ms" in f.extra]
    if curves:
        fig, axes = plt.subplots(1, len(curves), figsize=(5 * len(curves), 3.8), squeeze=False)
        for ax, f in zip(axes[0], curves, strict=True):
            qs = [str(q) for q in f.extra["curve_percentiles"]]
            for side, style in (("ourchat", "o-"), ("bare", "s--")):
                ys = f.extra["curves_ms"].get(side)
                if ys:
                    ax.plot(qs, ys, style, label=side)
            ax.set_yscale("log")
            ax.yaxis.set_major_formatter(ScalarFormatter())
            ax.yaxis.set_minor_formatter(ScalarFormatter())
            ax.tick_params(axis="y", which="minor", labelsize=7)
            ax.set_xlabel("percentile")
            ax.set_ylabel("send to receive, ms")
            ax.set_title(f"at {f.extra.get('rate', 0):g} msg/s (last repetition)", fontsize=9)
            ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(out_dir / "latency.png", dpi=110)
        plt.close(fig)
        names.append("latency.png")
    return names


def write_all(result: RunResult, out_dir: Path, profile: str | None) -> Path:
    """Write ``result.json``, ``report.md`` and the plots into ``out_dir``; the JSON's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / "result.json"
    write_json(result, json_path)
    plots = plot(result, out_dir)
    if not plots:
        result.problems.append("no plots: matplotlib is missing (pip install -e '.[bench]')")
        write_json(result, json_path)
    (out_dir / "report.md").write_text(markdown(result, plots, profile))
    return json_path
