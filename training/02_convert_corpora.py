"""Step 2: convert the public corpora to TAXONOMY records, one JSONL file per corpus split.

    python training/02_convert_corpora.py --data ../shared/data --output data/converted

Writes <output>/<corpus>_<split>.jsonl (dse_train, newsmtsc_dev_rw, cameo_train, ...) and
prints the records written and what was skipped or repaired, per reason.
"""

# ruff: noqa: N999 (numbered step scripts are named by the training/ convention)
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from training.converters import CONVERTERS, SkipLog, write_jsonl

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--output", type=Path, default=ROOT / "data" / "converted")
    args = parser.parse_args()
    if not args.data.is_dir():
        print(f"{args.data} is not a folder; pass --data with the corpora (see ../shared/data/README.md)")
        return 1
    for corpus, (convert, splits) in CONVERTERS.items():
        for split, files in splits:
            paths = [args.data / file for file in files]
            missing = [str(path) for path in paths if not path.exists()]
            if missing:
                print(f"{corpus}_{split}: missing {', '.join(missing)}; skipped")
                continue
            log = SkipLog()
            output = args.output / f"{corpus}_{split}.jsonl"
            count = write_jsonl(convert(*paths, split=split, on_skip=log), output)
            print(f"{corpus}_{split}: {count} records -> {output}")
            for reason, n in log.counts().items():
                print(f"    {n:6d}  {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
