"""Which int8 quantisation to ship: accuracy on every dev split and speed of `model.score`.

    .venv/bin/python benchmarks/int8_variants.py --model default --output benchmarks/int8_variants.json

For float32 and each variant of `stance.quantize.quantize_int8` (per-tensor or per-channel
scales; some layers kept in float32), one model load, then: the headline measure of each
dev split (authored dev 7-label macro-F1, DSE valid 5-class macro-F1, NewsMTSC dev F1m,
CheckThat! dev claim F1, as in docs/EVALUATION.md), and `model.score` sentences/second
on the benchmark corpus. Speed ratios are to the float32 run of the same process.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.corpus import build_documents, load_sentences  # noqa: E402
from benchmarks.measure import measure_score, warm_up  # noqa: E402
from stance.corpus import load_corpus  # noqa: E402
from stance.evaluate import evaluate  # noqa: E402
from stance.model import StanceModel  # noqa: E402
from stance.quantize import FFN_DOWN, quantize_int8  # noqa: E402
from training.splits import DEV_FILES  # noqa: E402

VARIANTS: dict[str, dict | None] = {
    "float32": None,
    "per-tensor, all linears": {"per_channel": False, "keep_float": ()},
    "per-channel, all linears": {"per_channel": True, "keep_float": ()},
    "per-channel, FFN down-projection float": {"per_channel": True, "keep_float": (FFN_DOWN,)},
    "per-channel, last layer float": {"per_channel": True, "keep_float": (r"layer\.5\..*",)},
}
HEADLINE = {  # dev split -> the measure docs/EVALUATION.md reports for it
    "authored_dev": "stance_macro_f1",
    "dse_valid": "dse5_macro_f1",
    "newsmtsc_dev_rw": "polarity_macro_f1",
    "newsmtsc_dev_mt": "polarity_macro_f1",
    "checkthat_dev": "claim_f1",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=None, help="a model folder (default: the packaged model)")
    parser.add_argument("--sentences", type=int, default=1500, help="benchmark-corpus sentences for the speed measure")
    parser.add_argument("--variants", default=None, help="semicolon-separated subset of the variant names")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "int8_variants.json")
    args = parser.parse_args()
    splits = {name: (load_corpus(ROOT / path), HEADLINE[name]) for name, path in DEV_FILES.items() if (ROOT / path).is_file()}
    documents = build_documents(load_sentences(), args.sentences)
    chosen = [name.strip() for name in args.variants.split(";")] if args.variants else list(VARIANTS)
    results = {}
    for name in chosen:
        model = StanceModel.load(args.model)
        if VARIANTS[name] is not None:
            model.network.encoder = quantize_int8(model.network.encoder, **VARIANTS[name])
            model.quantized = True
        warm_up(model)
        speed = measure_score(model, documents)
        row = {"sentences_per_second": speed["sentences_per_second"]}
        for split, (data, key) in splits.items():
            row[split] = round(evaluate(model, data, dse=split.startswith("dse"))[key], 4)
        results[name] = row
        print(name, json.dumps(row), flush=True)
    base = results.get("float32")
    if base:
        for row in results.values():
            row["speedup"] = round(row["sentences_per_second"] / base["sentences_per_second"], 3)
            row["largest_loss"] = round(max(base[s] - row[s] for s in splits), 4)
    args.output.write_text(json.dumps({"model": args.model or "default", "sentences": args.sentences, "results": results}, indent=1) + "\n")
    header = ["variant", "sent/s", "speed-up", *splits, "largest loss"]
    print("| " + " | ".join(header) + " |")
    for name, row in results.items():
        cells = [name, row["sentences_per_second"], row.get("speedup", ""), *(row[s] for s in splits), row.get("largest_loss", "")]
        print("| " + " | ".join(str(c) for c in cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
