"""Step 4: calibrate on dev, evaluate on every dev/test split, compare with baselines, and
write docs/EVALUATION.md with its JSON and PNGs in docs/evaluation/.

    python training/04_evaluate.py --model runs/default --calibrate --install
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from stance.calibrate import collect, fit_temperatures, reliability_plot  # noqa: E402
from stance.corpus import load_corpus  # noqa: E402
from stance.evaluate import evaluate, expected_calibration_error, write_report  # noqa: E402
from stance.model import StanceModel, default_model_path  # noqa: E402
from stance.storage import copy_model  # noqa: E402
from stance.taxonomy import POLARITIES, STANCE_LABELS  # noqa: E402
from training.baselines import claim_items, dse_items, run_baselines, target_items  # noqa: E402
from training.splits import AUTHORED_TEST, DEV_FILES  # noqa: E402

SPLITS = {  # authored test after authored dev: the report follows this order
    "authored_dev": DEV_FILES["authored_dev"],
    "authored_test": AUTHORED_TEST,
    **{name: path for name, path in DEV_FILES.items() if name != "authored_dev"},
}
TRAIN = {
    "authored": "corpus/authored/train.jsonl",
    "dse": "data/converted/dse_train.jsonl",
    "newsmtsc": "data/converted/newsmtsc_train.jsonl",
    "checkthat": "data/converted/checkthat_train.jsonl",
}
OUT = ROOT / "docs" / "evaluation"


def records(path: str) -> list[dict]:
    return load_corpus(ROOT / path).to_list()


def calibration(model: StanceModel, dev: list[dict], held_out: dict[str, list[dict]]) -> dict:
    """Fit temperatures on dev; ECE before/after on dev and held-out splits, with plots."""
    report = {}
    before = {name: collect(model, data) for name, data in {"dev": dev, **held_out}.items()}
    temperatures = fit_temperatures(model, dev)
    model.config.temperatures.update(temperatures)
    report["temperatures"] = temperatures
    for name, collected in before.items():
        for head in ("stance", "claim"):
            logits, gold = collected[f"{head}_logits"], collected[f"{head}_gold"]
            if not len(gold):
                continue
            row = {}
            for when, temperature in (("before", 1.0), ("after", temperatures.get(head, 1.0))):
                scaled = logits / temperature
                probs = np.exp(scaled - scaled.max(1, keepdims=True))
                probs /= probs.sum(1, keepdims=True)
                confidence, predicted = probs.max(1), probs.argmax(1)
                correct = predicted == gold
                row[when] = expected_calibration_error(confidence, correct)
                reliability_plot(confidence, correct, OUT / f"reliability_{name}_{head}_{when}.png", f"{name} {head} ({when})")
            report[f"{name}_{head}_ece"] = row
    return report


def baselines(split_records: dict[str, list[dict]]) -> dict:
    train = {name: records(path) for name, path in TRAIN.items() if (ROOT / path).is_file()}
    result = {}
    if "authored" in train:
        fine_train = target_items(train["authored"], coarse=False)
        for split in ("authored_dev", "authored_test"):
            result[split] = run_baselines(fine_train, target_items(split_records[split], False), list(STANCE_LABELS), "stance")
            result[split]["claim"] = run_baselines(claim_items(train["authored"]), claim_items(split_records[split]), ["false", "true"], "claim")
    if "dse" in train and "dse_valid" in split_records:
        dse_train = dse_items(train["dse"])
        result["dse_valid"] = run_baselines(dse_train, dse_items(split_records["dse_valid"]), list("01234"), "dse5")
        result["dse_valid_unseen"] = run_baselines(dse_train, dse_items(split_records["dse_valid_unseen"]), list("01234"), "dse5")
    if "newsmtsc" in train:
        polarity_train = target_items(train["newsmtsc"], coarse=True)
        for split in ("newsmtsc_dev_rw", "newsmtsc_dev_mt"):
            if split in split_records:
                result[split] = run_baselines(polarity_train, target_items(split_records[split], True), list(POLARITIES), "polarity")
    if "checkthat" in train and "checkthat_dev" in split_records:
        claim_eval = claim_items(split_records["checkthat_dev"])
        result["checkthat_dev"] = run_baselines(claim_items(train["checkthat"]), claim_eval, ["false", "true"], "claim")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=None, help="model folder (default: the packaged model)")
    parser.add_argument("--calibrate", action="store_true", help="fit temperatures on authored dev and save them")
    parser.add_argument("--install", action="store_true", help="copy the calibrated model into the package")
    options = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    model = StanceModel.load(options.model)
    split_records = {name: records(path) for name, path in SPLITS.items() if (ROOT / path).is_file()}
    if "dse_valid" in split_records:
        seen = {r["text"] for r in records(TRAIN["dse"])}
        split_records["dse_valid_unseen"] = [r for r in split_records["dse_valid"] if r["text"] not in seen]
    report: dict = {"model": str(options.model or default_model_path())}
    if options.calibrate:
        dev = split_records["authored_dev"] + split_records.get("checkthat_dev", [])
        held_out = {"authored_test": split_records["authored_test"]}
        report["calibration"] = calibration(model, dev, held_out)
        folder = options.model or default_model_path()
        model.save(folder)
        if options.install and folder != default_model_path():
            copy_model(Path(folder), default_model_path())
    report["splits"] = {}
    for name, data in split_records.items():
        metrics = evaluate(model, data, dse=name.startswith("dse"))
        write_report(metrics, OUT, name)
        report["splits"][name] = metrics
        print(name, json.dumps({k: v for k, v in metrics.items() if isinstance(v, float)}), flush=True)
    report["baselines"] = baselines(split_records)
    (OUT / "report.json").write_text(json.dumps(report, indent=1) + "\n")
    from training.report import write_markdown

    write_markdown(report, ROOT / "docs" / "EVALUATION.md")
    print("wrote docs/EVALUATION.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
