"""Step 1: validate the authored passages and write corpus/authored/{train,dev,test}.jsonl.

python training/01_build_authored.py            # build all of corpus/source/*.jsonl
python training/01_build_authored.py --check corpus/source/part_a.jsonl   # validate only
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from training.authored import PassageError, corpus_statistics, passage_to_records, split_of  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def read_passages(path: Path) -> tuple[list[dict], list[str]]:
    records, errors = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            passage = json.loads(line)
            for record in passage_to_records(passage):
                record["split"] = split_of(passage["passage"])
                records.append(record)
        except json.JSONDecodeError as error:
            errors.append(f"{path.name} line {number}: not JSON ({error.msg}, column {error.colno})")
        except PassageError as error:
            errors.append(f"{path.name} line {number}: {error}")
    return records, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", nargs="*", type=Path, help="validate these files, write nothing")
    parser.add_argument("--source", type=Path, default=ROOT / "corpus" / "source")
    parser.add_argument("--output", type=Path, default=ROOT / "corpus" / "authored")
    args = parser.parse_args()
    files = args.check if args.check else sorted(args.source.glob("*.jsonl"))
    records, errors = [], []
    for path in files:
        file_records, file_errors = read_passages(path)
        records += file_records
        errors += file_errors
    ids = [r["id"] for r in records]
    duplicates = {i for i in ids if ids.count(i) > 1}
    errors += [f"duplicate passage id behind record {i}" for i in sorted(duplicates)]
    texts = Counter(r["text"] for r in records)
    for text in sorted(t for t, n in texts.items() if n > 1):
        # repeated boilerplate ("More details were not immediately available.") is tolerated, said aloud
        print(f"warning: sentence written {texts[text]} times: {text!r}", file=sys.stderr)
    for error in errors:
        print(error, file=sys.stderr)
    print(json.dumps(corpus_statistics(records), indent=1))
    if errors:
        print(f"{len(errors)} errors", file=sys.stderr)
        return 1
    if args.check is None:
        args.output.mkdir(parents=True, exist_ok=True)
        for split in ("train", "dev", "test"):
            rows = [{k: v for k, v in r.items() if k != "split"} for r in records if r["split"] == split]
            with open(args.output / f"{split}.jsonl", "w", encoding="utf-8") as out:
                for row in rows:
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
            print(f"{split}: {len(rows)} sentences -> {args.output / (split + '.jsonl')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
