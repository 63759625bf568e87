"""Golden metric values on hand-made predictions."""

from __future__ import annotations

import pytest

from stance.evaluate import classification_block, dse_class, expected_calibration_error
from stance.records import SentenceResult, Stance


def test_macro_f1_and_confusion_on_hand_made_predictions():
    gold = ["none", "threat", "threat", "support"]
    pred = ["none", "threat", "support", "support"]
    block = classification_block(gold, pred, ["none", "support", "threat"], "t", bootstrap=False)
    # none F1 1, support P .5 R 1 -> 2/3, threat P 1 R .5 -> 2/3
    assert block["t_macro_f1"] == pytest.approx((1 + 2 / 3 + 2 / 3) / 3)
    assert block["t_confusion"]["matrix"] == [[1, 0, 0], [0, 1, 0], [0, 1, 1]]


def test_expected_calibration_error_golden():
    assert expected_calibration_error([0.9, 0.9], [True, False], bins=10) == pytest.approx(0.4)
    assert expected_calibration_error([1.0, 1.0], [True, True]) == pytest.approx(0.0)


def test_dse_class_mapping():
    stance = Stance("A", "B", "accusation", 0.9)
    result = SentenceResult("A blamed B", 0, 10, True, 0.9, [], [stance, Stance(None, "A", "none", 0.8)])
    assert dse_class(result, "A", "B") == 3
    assert dse_class(result, "B", "A") == 4
    assert dse_class(SentenceResult("x", 0, 1, True, 0.9, [], [Stance("AUTHOR", "B", "support", 0.9)]), "A", "B") == 0
