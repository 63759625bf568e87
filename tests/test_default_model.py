"""The shipped default model with the real encoder: loads offline, checks its base, reads news."""

from __future__ import annotations

import json
import shutil

import pytest

import stance
from stance.model import default_model_path
from stance.taxonomy import POLARITY_OF

pytestmark = pytest.mark.skipif(not (default_model_path() / "config.json").is_file(), reason="no packaged model")


@pytest.fixture(scope="module")
def default_model():
    return stance.load()


def test_default_model_loads_offline_and_reads_a_condemnation(default_model, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    doc = default_model.analyze("Germany condemned Russia's missile strikes on Kyiv. It urged Moscow to withdraw its troops.")
    first = {s.target: s for s in doc.sentences[0].stances}
    assert {"Germany", "Russia"} <= set(first)
    assert POLARITY_OF[first["Russia"].label] == "negative"
    assert first["Russia"].holder == "Germany"
    assert doc.sentences[0].claim


def test_adapters_refuse_a_different_base_encoder(tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(default_model_path(), folder)
    config = json.loads((folder / "config.json").read_text())
    config["base_encoder_sha256"] = "0" * 64
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(stance.ModelFolderError, match="sha256"):
        stance.load(folder)
