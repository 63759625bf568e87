"""The evaluation splits every training and benchmark script scores, relative to the repository root."""

from __future__ import annotations

DEV_FILES: dict[str, str] = {
    "authored_dev": "corpus/authored/dev.jsonl",
    "dse_valid": "data/converted/dse_valid.jsonl",
    "newsmtsc_dev_rw": "data/converted/newsmtsc_dev_rw.jsonl",
    "newsmtsc_dev_mt": "data/converted/newsmtsc_dev_mt.jsonl",
    "checkthat_dev": "data/converted/checkthat_dev.jsonl",
}
AUTHORED_TEST = "corpus/authored/test.jsonl"
