"""Documents in (JSONL, CSV, .txt, a folder of .txt) and results out (JSONL, CSV), streaming.

Every input document yields either a document or an `InputError` naming file, line and
field; nothing is silently dropped. Writers record their progress beside the output so
an interrupted run resumes with neither duplicates nor gaps.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from stance.records import DocumentResult

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
TEXT_SUFFIXES = (".txt", ".text", ".md")


@dataclass(frozen=True)
class InputError:
    """A document that could not be read: where it was and why."""

    id: str
    source: str
    message: str

    def to_dict(self) -> dict:
        return {"id": self.id, "source": self.source, "error": self.message}


def _decode(raw: bytes, where: str) -> str | InputError:
    if b"\x00" in raw[:8192]:
        return InputError(where, where, "binary file (NUL bytes), not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return InputError(where, where, f"not UTF-8 (undecodable byte at offset {error.start})")


def read_documents(path: str | Path, text_field: str = "text", id_field: str = "id") -> Iterator[dict | InputError]:
    """Yield {"id", "text"} dicts (or InputError) from a JSONL, CSV, text file or folder."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
        for file in files:
            yield from _read_text_file(file, str(file.relative_to(path)))
        return
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file or folder")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        yield from _read_jsonl(path, text_field, id_field)
    elif suffix in (".csv", ".tsv"):
        yield from _read_csv(path, text_field, id_field, "\t" if suffix == ".tsv" else ",")
    else:
        yield from _read_text_file(path, path.stem)


def _read_text_file(path: Path, doc_id: str) -> Iterator[dict | InputError]:
    decoded = _decode(path.read_bytes(), str(path))
    if isinstance(decoded, InputError):
        yield InputError(doc_id, str(path), decoded.message)
    else:
        yield {"id": doc_id, "text": decoded}


def _read_jsonl(path: Path, text_field: str, id_field: str) -> Iterator[dict | InputError]:
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            where = f"{path} line {number}"
            if not raw.strip():
                continue
            line = _decode(raw, where)
            if isinstance(line, InputError):
                yield InputError(f"line-{number}", where, line.message)
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as error:
                yield InputError(f"line-{number}", where, f"malformed JSON ({error.msg} at column {error.colno})")
                continue
            if isinstance(value, str):
                yield {"id": f"line-{number}", "text": value}
            elif isinstance(value, dict) and isinstance(value.get(text_field), str):
                doc_id = value.get(id_field)
                yield {"id": str(doc_id) if doc_id is not None else f"line-{number}", "text": value[text_field]}
            else:
                doc_id = str(value.get(id_field)) if isinstance(value, dict) and value.get(id_field) is not None else f"line-{number}"
                yield InputError(doc_id, where, f"field '{text_field}' is missing or not a string")


def _read_csv(path: Path, text_field: str, id_field: str, delimiter: str) -> Iterator[dict | InputError]:
    with open(path, encoding="utf-8-sig", errors="strict", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        try:
            if reader.fieldnames is None or text_field not in reader.fieldnames:
                raise ValueError(f"{path}: no '{text_field}' column (columns: {reader.fieldnames})")
            for row in reader:
                where = f"{path} line {reader.line_num}"
                text = row.get(text_field)
                doc_id = row.get(id_field) or f"line-{reader.line_num}"
                if text is None:
                    yield InputError(doc_id, where, f"field '{text_field}' is missing")
                else:
                    yield {"id": doc_id, "text": text}
        except UnicodeDecodeError as error:
            raise ValueError(f"{path}: not UTF-8 (undecodable byte at offset {error.start})") from None


CSV_COLUMNS = ["id", "sentence", "start", "end", "claim", "claim_score", "holder", "target", "label", "score", "error"]


def csv_rows(result: DocumentResult) -> Iterator[list]:
    """One row per (sentence, target); a sentence with no party gets one row without target."""
    if result.error:
        yield [result.id, "", "", "", "", "", "", "", "", "", result.error]
    for index, sentence in enumerate(result.sentences):
        base = [result.id, index, sentence.start, sentence.end, sentence.claim, sentence.claim_score]
        if not sentence.stances:
            yield base + ["", "", "", "", ""]
        for stance in sentence.stances:
            label = stance.label if stance.scored else "not_scored"
            yield base + [stance.holder or "", stance.target, label, stance.score, ""]


class ResultWriter:
    """Appends results to JSONL (one document a line) or CSV, with a resumable progress file.

    `<output>.progress` holds the number of documents completely written and the byte size
    of the output at that point; resuming truncates anything after it.
    """

    def __init__(self, path: str | Path, resume: bool = False) -> None:
        self.path = Path(path)
        self.progress_path = self.path.with_name(self.path.name + ".progress")
        self.errors_path = self.path.with_name(self.path.name + ".errors.jsonl")
        self.format = "csv" if self.path.suffix.lower() == ".csv" else "jsonl"
        self.done = 0
        if resume and self.progress_path.is_file() and self.path.is_file():
            state = json.loads(self.progress_path.read_text())
            self.done = int(state["documents"])
            for file, size in ((self.path, state["bytes"]), (self.errors_path, state.get("error_bytes", 0))):
                if file.is_file():
                    with open(file, "r+b") as handle:
                        handle.truncate(int(size))
            mode = "a"
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            mode = "w"
        self.handle: IO[str] = open(self.path, mode, encoding="utf-8", newline="")
        self.errors: IO[str] = open(self.errors_path, mode, encoding="utf-8")
        self._csv = csv.writer(self.handle) if self.format == "csv" else None
        if mode == "w":
            if self._csv is not None:
                self._csv.writerow(CSV_COLUMNS)
            self._save_progress()

    def write_error(self, error: InputError) -> None:
        """An unreadable document: a line in the errors file and an error record in the output."""
        self.errors.write(json.dumps(error.to_dict(), ensure_ascii=False) + "\n")
        self.write(DocumentResult([], error.id, f"{error.source}: {error.message}"))

    def write(self, result: DocumentResult) -> None:
        if self._csv is not None:
            self._csv.writerows(csv_rows(result))
        else:
            self.handle.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        self.done += 1
        self._save_progress()

    def _save_progress(self) -> None:
        self.handle.flush()
        self.errors.flush()
        state = {"documents": self.done, "bytes": self.handle.tell(), "error_bytes": self.errors.tell()}
        self.progress_path.write_text(json.dumps(state))

    def close(self) -> None:
        self.handle.close()
        self.errors.close()
        if self.errors_path.is_file() and self.errors_path.stat().st_size == 0:
            self.errors_path.unlink()

    def __enter__(self) -> "ResultWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
