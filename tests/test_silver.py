"""Silver fine labels from cue verbs (training/silver.py): what is relabelled and what is left coarse."""

from __future__ import annotations

from training.silver import count_fine, cue_label, silver_fine_labels


def _record(text: str, holder: str | None, target: str, label: str) -> dict:
    parties = []
    for name in dict.fromkeys(n for n in (holder, target) if n):
        start = text.index(name)
        parties.append({"name": name, "mentions": [[start, start + len(name)]]})
    return {
        "id": "r",
        "text": text,
        "context": "",
        "claim": None,
        "parties": parties,
        "stances": [{"holder": holder, "target": target, "label": label}],
    }


def _label(text: str, holder: str | None, target: str, label: str) -> str:
    return silver_fine_labels(_record(text, holder, target, label))["stances"][0]["label"]


def test_cue_verb_governing_the_target_gives_the_fine_label():
    assert _label("Seoul accused Pyongyang of hacking the bank.", "Seoul", "Pyongyang", "negative") == "accusation"
    assert _label("The EU condemned Russia's annexation.", "EU", "Russia", "negative") == "condemnation"
    assert _label("Kenya threatened Somalia with sanctions.", "Kenya", "Somalia", "negative") == "threat"
    assert _label("Delhi rejected Islamabad's offer of talks.", "Delhi", "Islamabad", "negative") == "rejection"
    assert _label("Merkel urged the President Erdogan to show restraint.", "Merkel", "Erdogan", "neutral") == "advice"
    assert _label("The union called on the government to act.", None, "government", "neutral") == "advice"


def test_polarity_must_agree_with_the_cue():
    assert _label("Seoul accused Pyongyang of hacking the bank.", "Seoul", "Pyongyang", "neutral") == "neutral"
    assert _label("Merkel urged Erdogan to show restraint.", "Merkel", "Erdogan", "negative") == "negative"
    assert _label("Seoul accused Pyongyang of hacking.", "Seoul", "Pyongyang", "positive") == "positive"


def test_negation_distance_holder_order_and_ambiguity_leave_the_label_coarse():
    assert _label("Ankara did not condemn Moscow for the strike.", "Ankara", "Moscow", "negative") == "negative"
    assert _label("Ankara refused to condemn Moscow.", "Ankara", "Moscow", "negative") == "negative"
    # the cue governs another phrase: the target is far from it
    assert _label("Rome accused the officials who met in secret last week of lying to Paris.", "Rome", "Paris", "negative") == "negative"
    # the holder is mentioned after the cue: the cue is somebody else's
    assert _label("Accused Lagos of fraud, said Abuja.", "Abuja", "Lagos", "negative") == "negative"
    # two mentions of the target, each under another cue class
    text = "Oslo condemned Iran on Monday and accused Iran of arming the rebels."
    record = _record(text, "Oslo", "Iran", "negative")
    record["parties"][1]["mentions"].append([text.rindex("Iran"), text.rindex("Iran") + 4])
    assert silver_fine_labels(record)["stances"][0]["label"] == "negative"
    assert cue_label(text, text.index("Iran")) == "condemnation" and cue_label(text, text.rindex("Iran")) == "accusation"


def test_fine_labels_are_kept_and_the_input_is_not_changed():
    record = _record("Seoul accused Pyongyang of hacking.", "Seoul", "Pyongyang", "condemnation")
    assert silver_fine_labels(record)["stances"][0]["label"] == "condemnation"
    record = _record("Seoul accused Pyongyang of hacking.", "Seoul", "Pyongyang", "negative")
    silver = silver_fine_labels(record)
    assert record["stances"][0]["label"] == "negative" and silver["stances"][0]["label"] == "accusation"
    assert count_fine([silver, record]) == {"accusation": 1}
