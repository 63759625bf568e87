"""docs/EVALUATION.md from the JSON report of training/04_evaluate.py."""

from __future__ import annotations

from pathlib import Path

TARGETS = [
    # (split, metric key, label, target)
    ("authored_test", "stance_macro_f1", "Authored test: 7-label macro-F1", 0.80),
    ("authored_test", "holder_accuracy", "Authored test: holder accuracy", 0.85),
    ("authored_test", "claim_f1", "Authored test: claim F1", 0.85),
    ("dse_valid", "dse5_macro_f1", "DSE valid (all): 5-class macro-F1", None),
    ("dse_valid_unseen", "dse5_macro_f1", "DSE valid (not in train): 5-class macro-F1", 0.55),
    ("newsmtsc_dev_rw", "polarity_macro_f1", "NewsMTSC dev_rw: F1m", 0.80),
    ("newsmtsc_dev_mt", "polarity_macro_f1", "NewsMTSC dev_mt: F1m", 0.78),
    ("checkthat_dev", "claim_f1", "CheckThat! 2024 dev: claim F1 (positive class)", 0.92),
]
EXTRAS = ("holder_accuracy", "holder_count", "holder_stances_predicted_none", "claim_f1", "claim_accuracy", "claim_count", "stance_ece", "claim_ece")


def _fmt(value) -> str:
    return "–" if value is None else f"{value:.3f}"


def _baseline(report: dict, split: str, key: str, which: str):
    block = report.get("baselines", {}).get(split, {})
    if key == "claim_f1" and "claim" in block:
        block = block["claim"]
    return block.get(which, {}).get(key)


def write_markdown(report: dict, path: Path) -> None:
    splits = report["splits"]
    lines = [
        "# Evaluation",
        "",
        f"Model: `{report['model']}`. Produced by `python training/04_evaluate.py` (rerun it to refresh every",
        "number here); JSON in `docs/evaluation/report.json`, one JSON and confusion-matrix PNG per split",
        "in `docs/evaluation/`. Every split below is one the model never trained on. Intervals are",
        "bootstrap 95% intervals over items (1,000 resamples).",
        "",
        "## Targets",
        "",
        "| measure | model | 95% CI | majority | TF-IDF + LR | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for split, key, label, target in TARGETS:
        metrics = splits.get(split, {})
        value = metrics.get(key)
        interval = metrics.get(f"{key}_ci95")
        ci = f"{interval[0]:.3f}–{interval[1]:.3f}" if interval else "–"
        met = "–" if target is None or value is None else ("yes" if value >= target else f"no ({value - target:+.3f})")
        lines.append(
            f"| {label} | {_fmt(value)} | {ci} | {_fmt(_baseline(report, split, key, 'majority'))} | "
            f"{_fmt(_baseline(report, split, key, 'tfidf_lr'))} | {'–' if target is None else target} | {met} |"
        )
    calibration = report.get("calibration")
    if calibration:
        lines += ["", "## Calibration", "", f"Temperatures fitted on authored dev + CheckThat dev: `{calibration['temperatures']}`.", ""]
        lines += ["| split / head | ECE before | ECE after | target |", "|---|---|---|---|"]
        for key, row in calibration.items():
            if key.endswith("_ece"):
                lines.append(f"| {key.removesuffix('_ece')} | {_fmt(row['before'])} | {_fmt(row['after'])} | <= 0.05 |")
        lines += ["", "Reliability plots: `docs/evaluation/reliability_*.png`."]
    for split, metrics in splits.items():
        lines += ["", f"## {split}", "", f"{metrics.get('records')} sentences."]
        for prefix in ("stance", "polarity", "dse5"):
            if f"{prefix}_macro_f1" not in metrics:
                continue
            interval = metrics.get(f"{prefix}_macro_f1_ci95") or [None, None]
            lines += [
                "",
                f"**{prefix}** macro-F1 {_fmt(metrics[f'{prefix}_macro_f1'])} (95% CI {_fmt(interval[0])}–{_fmt(interval[1])}),"
                f" {metrics[f'{prefix}_count']} targets. Confusion matrix: `docs/evaluation/{split}_{prefix}_confusion.png`.",
                "",
                "| label | precision | recall | F1 | support |",
                "|---|---|---|---|---|",
            ]
            for label, row in metrics[f"{prefix}_per_label"].items():
                lines.append(f"| {label} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | {row['support']} |")
        extras = [(k, metrics[k]) for k in EXTRAS if k in metrics]
        if extras:
            lines += [""] + [f"- {k}: {v:.3f}" if isinstance(v, float) else f"- {k}: {v}" for k, v in extras]
    notes = path.parent / "evaluation" / "notes.md"
    if notes.is_file():  # the written analysis survives regeneration
        lines += ["", notes.read_text(encoding="utf-8").rstrip()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
