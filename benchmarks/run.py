"""Throughput benchmark: sentences/second and peak memory of `stance` against a floor and a baseline.

    .venv/bin/python benchmarks/run.py --model default --sentences 5000 --batch-size 32 \
        --output benchmarks/results.json [--sweep] [--memory-check] [--profile benchmarks/profile.txt]

One run measures, on the same fixed corpus (`benchmarks/corpus.py`), each in its own
subprocess so that its peak RSS is its own:

    a      floor: the bare encoder forward pass over single sentences
    b      naive baseline: one forward pass per (sentence, party) pair
    c      `model.score(documents)`, raw text to result records
    int8   c with the int8-quantised encoder
    d      the `stance score` CLI on a JSONL file (with and without its start-up)

and prints the ratios c/a, c/b, d/a and the int8 speed-up. `--sweep` adds c against batch
size and document length (and the PNG plot); `--memory-check` adds c's peak RSS at 10k and
100k sentences. See docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `python benchmarks/run.py` from a checkout

from benchmarks.corpus import DEFAULT_DATA, build_documents, count_sentences, load_sentences, repeat_documents  # noqa: E402

MEASUREMENTS = ("a", "b", "c", "int8", "d")
SWEEP_BATCH_SIZES = (8, 32, 128)
SWEEP_DOC_LENGTHS = (5, 20, 80)
TARGETS = {"c/a": 0.7, "c/b": 3.0, "int8_speedup": 1.5}
MEMORY_GROWTH_TARGET = 0.10  # peak RSS at the larger size within 10% of the smaller


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="default", help="default (the packaged model), a model folder, or untrained")
    parser.add_argument("--sentences", type=int, default=5000, help="at least this many sentences in the corpus")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results.json"))
    parser.add_argument("--plot", default=str(ROOT / "benchmarks" / "throughput.png"), help="PNG written with --sweep")
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="the shared data folder (read, never copied)")
    parser.add_argument("--seed", type=int, default=13, help="corpus seed")
    parser.add_argument("--threads", type=int, default=None, help="torch threads per measurement (default: torch's)")
    parser.add_argument("--only", default=",".join(MEASUREMENTS), help=f"comma list of {', '.join(MEASUREMENTS)}")
    parser.add_argument("--sweep", action="store_true", help="c against batch size 8/32/128 and document length 5/20/80")
    parser.add_argument("--sweep-sentences", type=int, default=None, help="corpus size per sweep point (default --sentences)")
    parser.add_argument("--memory-check", action="store_true", help="c's peak RSS at --memory-sizes sentences (slow)")
    parser.add_argument("--memory-sizes", type=int, nargs=2, default=(10_000, 100_000), metavar=("SMALL", "LARGE"))
    parser.add_argument("--profile", default=None, metavar="FILE", help="write a cProfile of c (top by cumulative time)")
    parser.add_argument("--profile-sentences", type=int, default=1000)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)  # internal: run one measurement
    parser.add_argument("--child-output", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    unknown = set(args.only.split(",")) - set(MEASUREMENTS)
    if unknown:
        parser.error(f"--only: {', '.join(sorted(unknown))} not among {', '.join(MEASUREMENTS)}")
    for name in ("data", "output", "plot", "profile"):  # children run in the repository root
        if getattr(args, name):
            setattr(args, name, str(Path(getattr(args, name)).resolve()))
    if args.model not in ("default", "untrained"):
        args.model = str(Path(args.model).resolve())
    return args


# -- one measurement, in its own process ----------------------------------------------------
def run_child(args: argparse.Namespace) -> dict:
    import torch

    from benchmarks import measure

    if args.threads:
        torch.set_num_threads(args.threads)
    warnings.filterwarnings("ignore", message=r"document .*: sentence at")  # over-long sentences: truncated alike in a-d
    name, _, size = args.child.partition(":")
    pool = load_sentences(args.data)
    documents = build_documents(pool, args.sentences, seed=args.seed)
    if name == "d":
        return run_cli_child(args, documents)
    model = measure.load_model(args.model, int8=name == "int8")
    if name == "a":  # the floor needs no spaCy: warm up the encoder alone, so the RSS is the encoder's
        measure.measure_floor(model, documents[:1], args.batch_size)
        result = measure.measure_floor(model, documents, args.batch_size)
        return {**result, "threads": torch.get_num_threads(), "peak_rss_mb": measure.peak_rss_mb()}
    measure.warm_up(model, args.batch_size)
    if name == "b":
        result = measure.measure_naive(model, documents, args.batch_size)
    elif name in ("c", "int8"):
        result = measure.measure_score(model, documents, args.batch_size)
        result.update(measure.packing_stats(model, documents) if name == "c" else {})
    elif name == "memory":
        base = build_documents(pool, args.memory_sizes[0], seed=args.seed)
        result = measure.measure_score(model, repeat_documents(base, int(size)), args.batch_size)
    elif name == "sweep":
        result = run_sweep(args, model, pool, documents)
    elif name == "profile":
        small = build_documents(pool, args.profile_sentences, seed=args.seed)
        text = measure.profile_score(model, small, args.batch_size)
        Path(args.profile).write_text(f"# cProfile of model.score, {count_sentences(small)} sentences\n{text}", encoding="utf-8")
        result = {"sentences": count_sentences(small), "profile": args.profile}
    else:
        raise ValueError(f"unknown measurement {name!r}")
    return {**result, "threads": torch.get_num_threads(), "peak_rss_mb": measure.peak_rss_mb()}


def run_cli_child(args: argparse.Namespace, documents) -> dict:
    from benchmarks import measure

    env = {"OMP_NUM_THREADS": str(args.threads)} if args.threads else {}
    if args.model != "untrained":
        return measure.measure_cli(documents, None if args.model == "default" else args.model, args.batch_size, env=env)
    with tempfile.TemporaryDirectory() as folder:  # the CLI reads folders: save the untrained model once
        measure.load_model("untrained").save(folder)
        return measure.measure_cli(documents, folder, args.batch_size, env=env)


def run_sweep(args: argparse.Namespace, model, pool, documents) -> dict:
    from benchmarks import measure

    size = args.sweep_sentences or args.sentences
    documents = build_documents(pool, size, seed=args.seed)
    by_batch = {str(b): measure.measure_score(model, documents, b)["sentences_per_second"] for b in SWEEP_BATCH_SIZES}
    by_length = {}
    for length in SWEEP_DOC_LENGTHS:
        fixed = build_documents(pool, size, doc_length=(length, length), seed=args.seed, seed_text=None)
        by_length[str(length)] = measure.measure_score(model, fixed, args.batch_size)["sentences_per_second"]
    return {"sentences": count_sentences(documents), "batch_size": by_batch, "document_length": by_length}


# -- the driver -------------------------------------------------------------------------------
def spawn(args: argparse.Namespace, name: str) -> dict:
    """Run `name` in a fresh interpreter and return its result."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "result.json"
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            name,
            "--child-output",
            str(out),
            "--model",
            args.model,
            "--sentences",
            str(args.sentences),
            "--batch-size",
            str(args.batch_size),
            "--data",
            args.data,
            "--seed",
            str(args.seed),
            "--profile-sentences",
            str(args.profile_sentences),
            "--memory-sizes",
            *map(str, args.memory_sizes),
        ]
        command += ["--threads", str(args.threads)] if args.threads else []
        command += ["--sweep-sentences", str(args.sweep_sentences)] if args.sweep_sentences else []
        command += ["--profile", args.profile] if args.profile else []
        env = {**os.environ, **({"OMP_NUM_THREADS": str(args.threads)} if args.threads else {})}
        print(f"[{time.strftime('%H:%M:%S')}] {name} ...", file=sys.stderr, flush=True)
        done = subprocess.run(command, env=env, cwd=ROOT)
        if done.returncode != 0:
            raise SystemExit(f"measurement {name} failed (exit {done.returncode}); see the error above")
        return json.loads(out.read_text())


def ratio(top: dict | None, bottom: dict | None, key: str = "sentences_per_second") -> float | None:
    """`top[key]` over the bottom's sentences/second; None when either was not measured."""
    if not top or not bottom:
        return None
    return round(top[key] / bottom["sentences_per_second"], 3)


def summarise(results: dict) -> tuple[dict, dict]:
    """Ratios of sentences/second, and each target with its value and whether it is met."""
    m = results["measurements"]
    ratios = {
        "c/a": ratio(m.get("c"), m.get("a")),
        "c/b": ratio(m.get("c"), m.get("b")),
        "d/a": ratio(m.get("d"), m.get("a"), "sentences_per_second_after_startup"),
        "d/a_with_startup": ratio(m.get("d"), m.get("a")),
        "int8_speedup": ratio(m.get("int8"), m.get("c")),
    }
    targets = {f"{k} >= {v}": {"value": ratios[k], "met": None if ratios[k] is None else ratios[k] >= v} for k, v in TARGETS.items()}
    memory = results.get("memory")
    if memory:
        small, large = (memory[str(n)]["peak_rss_mb"] for n in results["benchmark"]["memory_sizes"])
        memory["growth"] = round(large / small - 1, 3)
        targets[f"memory growth <= {MEMORY_GROWTH_TARGET:.0%}"] = {"value": memory["growth"], "met": memory["growth"] <= MEMORY_GROWTH_TARGET}
    return ratios, targets


def plot(sweep: dict, floor: dict | None, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    for axis, key, label in ((axes[0], "batch_size", "batch size"), (axes[1], "document_length", "sentences per document")):
        x = [int(k) for k in sweep[key]]
        axis.plot(x, list(sweep[key].values()), marker="o", label="model.score (c)")
        if floor:
            axis.axhline(floor["sentences_per_second"], linestyle="--", color="grey", label="encoder floor (a)")
        axis.set_xscale("log", base=2)
        axis.set_xticks(x, [str(v) for v in x])
        axis.set_xlabel(label)
        axis.grid(alpha=0.3)
    axes[0].set_ylim(bottom=0)
    axes[0].set_ylabel("sentences / second")
    axes[0].legend()
    figure.suptitle(f"stance throughput ({sweep['sentences']} sentences per point)")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def report(results: dict) -> str:
    m, lines = results["measurements"], []
    titles = {"a": "floor (encoder)", "b": "naive pairs", "c": "model.score", "int8": "model.score int8", "d": "stance score CLI"}
    for name, title in titles.items():
        if name in m:
            r = m[name]
            rss = f"{r['peak_rss_mb']:6.0f} MiB" if "peak_rss_mb" in r else "-"
            lines.append(f"{name:5} {title:18} {r['sentences_per_second']:9.1f} sent/s {r['seconds']:8.1f} s  peak RSS {rss}")
    lines += [f"{k:17} {v}" for k, v in results["ratios"].items() if v is not None]
    lines += [f"target {k}: {t['value']} -> {'met' if t['met'] else 'MISSED'}" for k, t in results["targets"].items() if t["value"] is not None]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        Path(args.child_output).write_text(json.dumps(run_child(args)))
        return 0
    import torch

    import stance

    sentences = count_sentences(build_documents(load_sentences(args.data), args.sentences, seed=args.seed))
    results = {
        "benchmark": {
            "model": args.model,
            "sentences": sentences,
            "batch_size": args.batch_size,
            "seed": args.seed,
            "threads": args.threads or torch.get_num_threads(),
            "memory_sizes": list(args.memory_sizes),
            "date": time.strftime("%Y-%m-%d %H:%M"),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "torch": torch.__version__,
            "stance": stance.__version__,
            "command": " ".join([Path(sys.executable).name, *sys.argv]),
        },
        "measurements": {name: spawn(args, name) for name in MEASUREMENTS if name in args.only.split(",")},
    }
    if args.memory_check:
        results["memory"] = {str(n): spawn(args, f"memory:{n}") for n in args.memory_sizes}
    if args.sweep:
        results["sweep"] = spawn(args, "sweep")
        plot(results["sweep"], results["measurements"].get("a"), args.plot)
    if args.profile:
        spawn(args, "profile")
    results["ratios"], results["targets"] = summarise(results)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(report(results))
    print(f"wrote {args.output}" + (f" and {args.plot}" if args.sweep else ""), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
