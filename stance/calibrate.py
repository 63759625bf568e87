"""Temperature scaling on dev data, so that a `score` of 0.8 is right about 80% of the time.

>>> temperatures = fit_temperatures(model, load_corpus("corpus/authored/dev.jsonl"))  # doctest: +SKIP
>>> model.config.temperatures.update(temperatures)  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import datasets
import numpy as np

from stance.corpus import gold_of

GRID = np.exp(np.linspace(np.log(0.25), np.log(8.0), 141))


def _best_temperature(logits: np.ndarray, gold: np.ndarray) -> float:
    """The grid temperature minimising negative log-likelihood of `gold` (row index) under softmax."""
    best, best_nll = 1.0, np.inf
    for temperature in GRID:
        scaled = logits / temperature
        scaled = scaled - scaled.max(axis=1, keepdims=True)
        log_probs = scaled - np.log(np.exp(scaled).sum(axis=1, keepdims=True))
        nll = -log_probs[np.arange(len(gold)), gold].mean()
        if nll < best_nll:
            best, best_nll = float(temperature), nll
    return best


def collect(model, data: datasets.Dataset | list[dict], batch_size: int = 32) -> dict[str, np.ndarray]:
    """Uncalibrated logits and gold labels for the stance (fine gold only) and claim heads."""
    records = data.to_list() if isinstance(data, datasets.Dataset) else list(data)
    saved = dict(model.config.temperatures)
    model.config.temperatures.update({"claim": 1.0, "stance": 1.0, "holder": 1.0})
    try:
        results = model.predict(records, batch_size=batch_size)
    finally:
        model.config.temperatures.update(saved)
    labels = model.labels
    stance_logits, stance_gold, claim_logits, claim_gold = [], [], [], []
    for record, result in zip(records, results):
        gold = gold_of(record, tuple(labels))
        if gold.claim is not None:
            p = min(max(result.claim_score, 1e-6), 1 - 1e-6)
            claim_logits.append([0.0, np.log(p / (1 - p))])
            claim_gold.append(int(gold.claim))
        for stance in result.stances:
            written = gold.labels.get(stance.target)
            if stance.scored and written in labels:
                stance_logits.append([np.log(max(stance.scores[label], 1e-9)) for label in labels])
                stance_gold.append(labels.index(written))
    return {
        "stance_logits": np.asarray(stance_logits).reshape(-1, len(labels)),
        "stance_gold": np.asarray(stance_gold, dtype=int),
        "claim_logits": np.asarray(claim_logits).reshape(-1, 2),
        "claim_gold": np.asarray(claim_gold, dtype=int),
    }


def fit_temperatures(model, data: datasets.Dataset | list[dict], batch_size: int = 32) -> dict[str, float]:
    """Temperatures for the stance and claim heads fitted on `data` (use a dev split)."""
    collected = collect(model, data, batch_size)
    temperatures = {}
    if len(collected["stance_gold"]):
        temperatures["stance"] = _best_temperature(collected["stance_logits"], collected["stance_gold"])
    if len(collected["claim_gold"]):
        temperatures["claim"] = _best_temperature(collected["claim_logits"], collected["claim_gold"])
    return temperatures


def reliability_plot(confidence: np.ndarray, correct: np.ndarray, path: str | Path, title: str, bins: int = 10) -> None:
    """Accuracy against confidence per bin, with the diagonal of perfect calibration."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    centres, accuracy = [], []
    for b in range(bins):
        mask = which == b
        if mask.any():
            centres.append(confidence[mask].mean())
            accuracy.append(correct[mask].mean())
    figure, axes = plt.subplots(figsize=(4, 4))
    axes.plot([0, 1], [0, 1], "--", color="grey")
    axes.plot(centres, accuracy, "o-")
    axes.set_xlabel("confidence")
    axes.set_ylabel("accuracy")
    axes.set_title(title)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
