"""The CLI end to end on a tiny saved model: analyze, score (JSONL/CSV/folder, resume,
bad input), train, evaluate. No traceback reaches the user."""

from __future__ import annotations

import csv
import json

import pytest

from stance.cli import main
from stance.io import read_documents

TEXT = "UNSC members condemned Pakistan. They urged India to show restraint."


@pytest.fixture()
def model_dir(tiny_model, tmp_path):
    tiny_model.save(tmp_path / "model")
    return tmp_path / "model"


@pytest.fixture(autouse=True)
def no_spacy(monkeypatch, party_finder):
    """CLI-loaded models use the alias-table party finder, so tests need no NER model load."""
    import stance.model

    monkeypatch.setattr(stance.model.StanceModel, "party_finder", property(lambda self: party_finder))


def test_analyze_prints_a_table_and_json(model_dir, tmp_path, capsys):
    doc = tmp_path / "doc.txt"
    doc.write_text(TEXT, encoding="utf-8")
    assert main(["analyze", str(doc), "--model", str(model_dir)]) == 0
    out = capsys.readouterr().out
    assert "[1]" in out and "Pakistan" in out
    assert main(["analyze", str(doc), "--model", str(model_dir), "--json"]) == 0
    parsed = json.loads(capsys.readouterr().out)
    assert len(parsed["sentences"]) == 2


@pytest.mark.parametrize("content", [b"\xff\xfe\x00\x01binary\x00", b"caf\xe9 au lait"])
def test_analyze_refuses_binary_and_non_utf8(model_dir, tmp_path, capsys, content):
    doc = tmp_path / "doc.txt"
    doc.write_bytes(content)
    assert main(["analyze", str(doc), "--model", str(model_dir)]) == 2
    err = capsys.readouterr().err
    assert "doc.txt" in err and "Traceback" not in err


def test_missing_model_folder_is_a_clear_error(tmp_path, capsys):
    doc = tmp_path / "doc.txt"
    doc.write_text(TEXT)
    assert main(["analyze", str(doc), "--model", str(tmp_path / "nope")]) == 2
    assert "no such model folder" in capsys.readouterr().err


def jsonl(path, rows):
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_score_jsonl_to_jsonl_and_csv(model_dir, tmp_path):
    source = jsonl(tmp_path / "in.jsonl", [json.dumps({"id": f"d{i}", "text": TEXT}) for i in range(5)])
    assert main(["score", str(source), "-o", str(tmp_path / "out.jsonl"), "--model", str(model_dir), "--quiet"]) == 0
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [x["id"] for x in lines] == [f"d{i}" for i in range(5)]
    assert main(["score", str(source), "-o", str(tmp_path / "out.csv"), "--model", str(model_dir), "--quiet"]) == 0
    rows = list(csv.DictReader(open(tmp_path / "out.csv", encoding="utf-8")))
    assert {r["id"] for r in rows} == {f"d{i}" for i in range(5)}
    assert all(r["target"] for r in rows)


def test_malformed_line_stops_with_file_and_line_or_is_skipped(model_dir, tmp_path, capsys):
    source = jsonl(tmp_path / "in.jsonl", [json.dumps({"id": "a", "text": TEXT}), "{broken", json.dumps({"id": "c", "text": TEXT})])
    out = tmp_path / "out.jsonl"
    assert main(["score", str(source), "-o", str(out), "--model", str(model_dir), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "in.jsonl line 2" in err and "--skip-bad" in err and "Traceback" not in err
    assert main(["score", str(source), "-o", str(out), "--model", str(model_dir), "--quiet", "--skip-bad"]) == 0
    results = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["id"] for r in results] == ["a", "line-2", "c"]
    assert results[1]["error"] and "line 2" in results[1]["error"]
    errors = [json.loads(x) for x in (tmp_path / "out.jsonl.errors.jsonl").read_text().splitlines()]
    assert len(errors) == 1 and errors[0]["id"] == "line-2"


def test_resume_continues_without_duplicates_or_gaps(model_dir, tmp_path):
    source = jsonl(tmp_path / "in.jsonl", [json.dumps({"id": f"d{i}", "text": TEXT}) for i in range(6)])
    out = tmp_path / "out.jsonl"
    assert main(["score", str(source), "-o", str(out), "--model", str(model_dir), "--quiet"]) == 0
    full = out.read_text()
    # simulate an interruption after 2 documents with half a line written
    lines = full.splitlines(keepends=True)
    out.write_text("".join(lines[:2]) + lines[2][:10])
    progress = out.with_name(out.name + ".progress")
    progress.write_text(json.dumps({"documents": 2, "bytes": len("".join(lines[:2]).encode())}))
    assert main(["score", str(source), "-o", str(out), "--model", str(model_dir), "--quiet", "--resume"]) == 0
    assert out.read_text() == full


def test_score_a_folder_of_text_files_with_a_bad_one(model_dir, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT)
    (folder / "b.txt").write_bytes(b"\x00\x01\x02binary")
    (folder / "c.txt").write_text("")
    out = tmp_path / "out.jsonl"
    assert main(["score", str(folder), "-o", str(out), "--model", str(model_dir), "--quiet", "--skip-bad"]) == 0
    results = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["id"] for r in results] == ["a.txt", "b.txt", "c.txt"]
    assert "binary" in results[1]["error"] and results[2]["sentences"] == []


def test_read_documents_csv(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text('id,text\n1,"Hello, world."\n2,Second\n', encoding="utf-8")
    assert list(read_documents(path)) == [{"id": "1", "text": "Hello, world."}, {"id": "2", "text": "Second"}]


def test_train_and_evaluate_commands(tiny_encoder_dir, tmp_path, capsys):
    record = {
        "text": "Chile thanked Peru.",
        "claim": True,
        "parties": [{"name": "Peru", "mentions": [[14, 18]]}, {"name": "Chile", "mentions": [[0, 5]]}],
        "stances": [{"holder": "Chile", "target": "Peru", "label": "support"}],
    }
    data = jsonl(tmp_path / "train.jsonl", [json.dumps(record)] * 4)
    out = tmp_path / "trained"
    code = main(
        [
            "train",
            "--train",
            f"mine={data}",
            "--output",
            str(out),
            "--base",
            str(tiny_encoder_dir),
            "--lora-rank",
            "0",
            "--max-steps",
            "2",
            "--batch-size",
            "2",
        ]
    )
    assert code == 0 and (out / "model.safetensors").is_file()
    assert main(["evaluate", "--model", str(out), "--data", str(data), "--report", str(tmp_path / "report")]) == 0
    metrics = json.loads((tmp_path / "report" / "train.json").read_text())
    assert metrics["stance_count"] == 8 and "claim_f1" in metrics
    assert (tmp_path / "report" / "train_stance_confusion.png").is_file()


def test_train_rejects_bad_labels_without_traceback(tmp_path, capsys):
    bad = {"text": "A B", "parties": [{"name": "A", "mentions": [[0, 1]]}], "stances": [{"holder": None, "target": "A", "label": "angry"}]}
    data = jsonl(tmp_path / "train.jsonl", [json.dumps(bad)])
    assert main(["train", "--train", str(data), "--output", str(tmp_path / "o"), "--max-steps", "1"]) == 2
    err = capsys.readouterr().err
    assert "'angry' is not one of" in err and "Traceback" not in err


def test_analyze_into_a_closed_pipe_exits_quietly(model_dir, tmp_path):
    """`stance analyze doc.txt | head -1`: the reader stops early; no traceback, exit 141 like Unix tools."""
    import subprocess
    import sys

    doc = tmp_path / "doc.txt"
    doc.write_text(" ".join(["Russia condemned Ukraine. Chile thanked Peru."] * 500), encoding="utf-8")  # output >> a pipe buffer
    code = "import sys; from stance import cli; sys.exit(cli.main(sys.argv[1:]))"
    command = [sys.executable, "-c", code, "analyze", str(doc), "--model", str(model_dir)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.readline().startswith(b"[1]")
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=300) == 141, stderr
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr
