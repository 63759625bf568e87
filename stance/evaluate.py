"""Evaluation with scikit-learn metrics: macro-F1 with bootstrap intervals, per-label P/R/F1,
confusion matrices, holder accuracy, claim F1, calibration error, DSE 5-class polarity.

>>> metrics = evaluate(model, load_corpus("corpus/authored/dev.jsonl"))  # doctest: +SKIP
>>> metrics["stance_macro_f1"]  # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import datasets
import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from stance.corpus import gold_of
from stance.records import SentenceResult
from stance.taxonomy import POLARITIES, POLARITY_OF

PRIMARY_METRIC = "stance_macro_f1"


def bootstrap_macro_f1(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str], rounds: int = 1000, seed: int = 0
) -> tuple[float, float]:
    """95% percentile interval of macro-F1 over resampled items."""
    if not gold:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    gold_a, pred_a = np.asarray(gold), np.asarray(predicted)
    scores = []
    for _ in range(rounds):
        index = rng.integers(0, len(gold_a), len(gold_a))
        scores.append(f1_score(gold_a[index], pred_a[index], labels=list(labels), average="macro", zero_division=0))
    return (float(np.percentile(scores, 2.5)), float(np.percentile(scores, 97.5)))


def expected_calibration_error(confidence: Sequence[float], correct: Sequence[bool], bins: int = 15) -> float:
    """Weighted mean |accuracy - confidence| over equal-width confidence bins."""
    confidence_a, correct_a = np.asarray(confidence, dtype=float), np.asarray(correct, dtype=float)
    if not len(confidence_a):
        return float("nan")
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(confidence_a, edges[1:-1]), 0, bins - 1)
    error = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            error += mask.mean() * abs(correct_a[mask].mean() - confidence_a[mask].mean())
    return float(error)


def classification_block(gold: list[str], predicted: list[str], labels: Sequence[str], prefix: str, bootstrap: bool = True) -> dict:
    """macro-F1 (+ interval), per-label P/R/F1/support and the confusion matrix for one task."""
    if not gold:
        return {}
    present = [label for label in labels if label in set(gold) | set(predicted)]
    precision, recall, f1, support = precision_recall_fscore_support(gold, predicted, labels=list(labels), zero_division=0)
    block = {
        f"{prefix}_macro_f1": float(f1_score(gold, predicted, labels=present, average="macro", zero_division=0)),
        f"{prefix}_count": len(gold),
        f"{prefix}_per_label": {
            label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
            for label, p, r, f, s in zip(labels, precision, recall, f1, support)
        },
        f"{prefix}_confusion": {"labels": list(labels), "matrix": confusion_matrix(gold, predicted, labels=list(labels)).tolist()},
    }
    if bootstrap:
        block[f"{prefix}_macro_f1_ci95"] = list(bootstrap_macro_f1(gold, predicted, present))
    return block


def dse_class(result: SentenceResult, first: str, second: str) -> int:
    """Map our output to DSE's classes: 0 neutral, 1/3 first positive/negative toward second, 2/4 reverse."""
    best, best_score = 0, 0.0
    for stance in result.stances:
        polarity = POLARITY_OF.get(stance.label, "neutral")
        if polarity == "neutral":
            continue
        if stance.holder == first and stance.target == second:
            code = 1 if polarity == "positive" else 3
        elif stance.holder == second and stance.target == first:
            code = 2 if polarity == "positive" else 4
        else:
            continue
        if stance.score > best_score:
            best, best_score = code, stance.score
    return best


def dse_gold_class(record: dict) -> int | None:
    """DSE's class from a converted record (directed coarse stances between two parties)."""
    names = [p["name"] for p in record["parties"] if p["mentions"]]
    if len(names) != 2:
        return None
    first, second = names
    for stance in record["stances"]:
        if stance["label"] in ("positive", "negative"):
            forward = stance["holder"] == first and stance["target"] == second
            offset = 1 if stance["label"] == "positive" else 3
            return offset if forward else offset + 1
    return 0


def evaluate(model, data: datasets.Dataset | list[dict], batch_size: int = 32, dse: bool = False) -> dict:
    """Score `model` on validated records; returns a flat dict of metrics (see module docstring)."""
    records = data.to_list() if isinstance(data, datasets.Dataset) else list(data)
    results = model.predict(records, batch_size=batch_size)
    labels = model.labels
    fine_gold, fine_pred, fine_conf = [], [], []
    polarity_gold, polarity_pred = [], []
    holder_hits, holder_total, holder_label_missed = 0, 0, 0
    claim_gold, claim_pred, claim_score = [], [], []
    for record, result in zip(records, results):
        gold = gold_of(record, tuple(labels))
        if gold.claim is not None:
            claim_gold.append(gold.claim)
            claim_pred.append(result.claim)
            claim_score.append(result.claim_score)
        for stance in result.stances:
            if not stance.scored or stance.target not in gold.labels:
                continue
            written = gold.labels[stance.target]
            if written in labels:
                fine_gold.append(written)
                fine_pred.append(stance.label)
                fine_conf.append(stance.score)
            polarity_gold.append(written if written in POLARITIES else POLARITY_OF.get(written, "neutral"))
            polarity_pred.append(POLARITY_OF.get(stance.label, "neutral"))
            holder = gold.holders.get(stance.target)
            if holder is not None and written not in ("none", "neutral"):
                if stance.label == "none":
                    holder_label_missed += 1
                else:
                    holder_total += 1
                    holder_hits += stance.holder == holder
    metrics: dict = {"records": len(records)}
    metrics.update(classification_block(fine_gold, fine_pred, labels, "stance"))
    if fine_gold:
        metrics["stance_ece"] = expected_calibration_error(fine_conf, [g == p for g, p in zip(fine_gold, fine_pred)])
    metrics.update(classification_block(polarity_gold, polarity_pred, POLARITIES, "polarity"))
    if holder_total:
        metrics["holder_accuracy"] = holder_hits / holder_total
        metrics["holder_count"] = holder_total
        metrics["holder_stances_predicted_none"] = holder_label_missed
    if claim_gold:
        metrics["claim_f1"] = float(f1_score(claim_gold, claim_pred, zero_division=0))
        metrics["claim_accuracy"] = float(np.mean(np.asarray(claim_gold) == np.asarray(claim_pred)))
        metrics["claim_count"] = len(claim_gold)
        probabilities = np.asarray(claim_score)
        confidence = np.where(probabilities >= 0.5, probabilities, 1 - probabilities)
        metrics["claim_ece"] = expected_calibration_error(confidence, [g == p for g, p in zip(claim_gold, claim_pred)])
    if dse:
        gold5, pred5 = [], []
        for record, result in zip(records, results):
            gold_class = dse_gold_class(record)
            if gold_class is None:
                continue
            first, second = [p["name"] for p in record["parties"] if p["mentions"]]
            gold5.append(str(gold_class))
            pred5.append(str(dse_class(result, first, second)))
        metrics.update(classification_block(gold5, pred5, ["0", "1", "2", "3", "4"], "dse5"))
    return metrics


def headline(metrics: dict) -> dict:
    """The few numbers a person reads first."""
    keys = ("stance_macro_f1", "stance_macro_f1_ci95", "polarity_macro_f1", "dse5_macro_f1", "holder_accuracy", "claim_f1", "stance_ece", "claim_ece")
    return {k: metrics[k] for k in keys if k in metrics}


def write_report(metrics: dict, folder: str | Path, name: str = "evaluation") -> list[Path]:
    """`<name>.json` plus one confusion-matrix PNG per task into `folder`; returns the paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / f"{name}.json"]
    written[0].write_text(json.dumps(metrics, indent=1) + "\n", encoding="utf-8")
    for key, block in metrics.items():
        if not key.endswith("_confusion"):
            continue
        matrix = np.asarray(block["matrix"])
        figure, axes = plt.subplots(figsize=(1 + 0.7 * len(block["labels"]), 1 + 0.6 * len(block["labels"])))
        axes.imshow(matrix, cmap="Blues")
        axes.set_xticks(range(len(block["labels"])), block["labels"], rotation=45, ha="right")
        axes.set_yticks(range(len(block["labels"])), block["labels"])
        axes.set_xlabel("predicted")
        axes.set_ylabel("gold")
        for (i, j), value in np.ndenumerate(matrix):
            axes.text(j, i, str(value), ha="center", va="center", fontsize=8)
        axes.set_title(f"{name}: {key.removesuffix('_confusion')}")
        figure.tight_layout()
        path = folder / f"{name}_{key}.png"
        figure.savefig(path, dpi=100)
        plt.close(figure)
        written.append(path)
    return written


__all__ = ["PRIMARY_METRIC", "evaluate", "write_report", "headline", "expected_calibration_error", "bootstrap_macro_f1"]
