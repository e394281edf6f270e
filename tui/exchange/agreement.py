"""Inter-coder agreement: Krippendorff's alpha, Cohen's kappa, percent agreement,
Gwet's AC1 and per-label confusion, over the units of tui/store/agreement.py.

- Krippendorff's alpha (nominal, all coders, missing values allowed) comes
  from the ``krippendorff`` package (PyPI), a well-kept implementation.
- Cohen's kappa, percent agreement and Gwet's AC1 are per pair of coders,
  over the units both coded (n). kappa = (po - pe) / (1 - pe) with pe from
  each coder's own marginals; AC1 = (po - pe) / (1 - pe) with
  pe = sum_k pi_k (1 - pi_k) / (q - 1), pi_k the mean of the two coders'
  proportions of category k, q the number of categories seen in the data
  (as irrCAC does by default). A value whose denominator is zero (both
  coders used one single category) is None: undefined, not perfect.
- Per label, per pair: how many shared units both gave it (both), only a,
  only b, neither.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from ..store.agreement import Units


class AgreementError(Exception):
    """Agreement cannot be computed (one coder, no shared units); one line."""


@dataclass
class PairStats:
    """Agreement of two coders over the units both coded."""

    a: str
    b: str
    n: int
    kappa: float | None
    percent: float
    ac1: float | None


def compute(units: Units) -> dict[str, Any]:
    """The report, in the JSON shape of issue 13::

        {"units", "coders", "alpha", "pairs": [{a, b, n, kappa, percent, ac1}],
         "labels": {label: {"confusion": [{a, b, both, a_only, b_only, neither}]}}}
    """
    coders = units.coders
    if len(coders) < 2:
        shown = ", ".join(coders) if coders else "none"
        raise AgreementError(f"agreement needs at least two coders; found {len(coders)} ({shown})")
    categories = sorted({value for unit in units.units for value in unit.values()})
    pairs = []
    labels: dict[str, dict[str, list[dict[str, Any]]]] = {c: {"confusion": []} for c in categories}
    for a, b in combinations(coders, 2):
        shared = [(unit[a], unit[b]) for unit in units.units if a in unit and b in unit]
        if not shared:
            continue
        pairs.append(_pair(a, b, shared, len(categories)))
        for category in categories:
            both = sum(1 for x, y in shared if x == category and y == category)
            a_only = sum(1 for x, y in shared if x == category and y != category)
            b_only = sum(1 for x, y in shared if x != category and y == category)
            labels[category]["confusion"].append({
                "a": a, "b": b, "both": both, "a_only": a_only, "b_only": b_only,
                "neither": len(shared) - both - a_only - b_only})
    if not pairs:
        raise AgreementError("no sentence was coded by two of these coders; nothing to compare")
    return {
        "units": len(units.units),
        "coders": list(coders),
        "alpha": _alpha(units, categories),
        "pairs": [vars(p) for p in pairs],
        "labels": labels,
    }


def _pair(a: str, b: str, shared: list[tuple[str, str]], q: int) -> PairStats:
    n = len(shared)
    agree = sum(1 for x, y in shared if x == y)
    po = agree / n
    seen = {x for pair in shared for x in pair}
    pa = {k: sum(1 for x, _ in shared if x == k) / n for k in seen}
    pb = {k: sum(1 for _, y in shared if y == k) / n for k in seen}
    pe_kappa = sum(pa[k] * pb[k] for k in seen)
    kappa = None if math.isclose(pe_kappa, 1.0) else (po - pe_kappa) / (1 - pe_kappa)
    ac1 = None
    if q > 1:
        pe_gwet = sum(((pa[k] + pb[k]) / 2) * (1 - (pa[k] + pb[k]) / 2) for k in seen) / (q - 1)
        if not math.isclose(pe_gwet, 1.0):
            ac1 = (po - pe_gwet) / (1 - pe_gwet)
    return PairStats(a, b, n, _round(kappa), round(100 * po, 4), _round(ac1))


def _alpha(units: Units, categories: list[str]) -> float | None:
    """Krippendorff's alpha (nominal) over all coders; None where undefined
    (fewer than two pairable values, or a single category)."""
    import krippendorff
    import numpy as np

    if len(categories) < 2:
        return None
    code = {c: i for i, c in enumerate(categories)}
    data = np.full((len(units.coders), len(units.units)), np.nan)
    row = {coder: i for i, coder in enumerate(units.coders)}
    for j, unit in enumerate(units.units):
        for coder, value in unit.items():
            if coder in row:
                data[row[coder], j] = code[value]
    try:
        value = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal",
                                   value_domain=list(range(len(categories))))
    except (ValueError, ZeroDivisionError):
        return None
    return None if value is None or math.isnan(value) else _round(float(value))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def as_text(report: dict[str, Any]) -> list[str]:
    """The report as lines for a terminal (names go through printable there)."""
    alpha = report["alpha"]
    lines = [f"units: {report['units']}   coders: {', '.join(report['coders'])}",
             f"Krippendorff's alpha (nominal): {_num(alpha)}", "",
             "pair\tn\tkappa\tpercent\tAC1"]
    for p in report["pairs"]:
        lines.append(f"{p['a']} / {p['b']}\t{p['n']}\t{_num(p['kappa'])}\t"
                     f"{p['percent']:.1f}%\t{_num(p['ac1'])}")
    for label, table in report["labels"].items():
        lines.append("")
        lines.append(f"{label}: pair\tboth\tonly a\tonly b\tneither")
        for c in table["confusion"]:
            lines.append(f"  {c['a']} / {c['b']}\t{c['both']}\t{c['a_only']}\t{c['b_only']}\t"
                         f"{c['neither']}")
    return lines


def as_rows(report: dict[str, Any]) -> list[list[Any]]:
    """The report as CSV rows: measure, coder a, coder b, label, n, value."""
    rows: list[list[Any]] = [["measure", "a", "b", "label", "n", "value"],
                             ["alpha", "", "", "", report["units"], _blank(report["alpha"])]]
    for p in report["pairs"]:
        for measure in ("kappa", "percent", "ac1"):
            rows.append([measure, p["a"], p["b"], "", p["n"], _blank(p[measure])])
    for label, table in report["labels"].items():
        for c in table["confusion"]:
            for cell in ("both", "a_only", "b_only", "neither"):
                rows.append([cell, c["a"], c["b"], label, "", c[cell]])
    return rows


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _blank(value: float | None) -> Any:
    return "" if value is None else value
