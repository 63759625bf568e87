"""Party finding: alias table, user parties, document memory, offsets, and the seed document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stance.parties import DocumentParties, Entity, PartyFinder, load_alias_table
from stance.records import Party
from stance.segment import sentence_spans

SEED = Path(__file__).resolve().parents[1] / "seeds" / "unsc_pahalgam.txt"


@pytest.fixture(scope="module")
def rules() -> PartyFinder:
    return PartyFinder(ner=None)


@pytest.fixture(scope="module")
def ner_finder() -> PartyFinder:
    pytest.importorskip("spacy")
    finder = PartyFinder()
    try:
        finder.nlp  # noqa: B018 - load now, skip if the model is missing
    except OSError as err:
        pytest.skip(str(err))
    return finder


@pytest.fixture(scope="module")
def seed_sentences() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    return [text[start:end] for start, end in sentence_spans(text)]


def names(parties: list[Party]) -> list[str]:
    return [party.name for party in parties]


def surfaces(sentence: str, party: Party) -> list[str]:
    return [sentence[start:end] for start, end in party.mentions]


def test_alias_canonicalisation(rules: PartyFinder) -> None:
    sentence = "Islamabad said Pakistani troops and Pakistan’s envoy met the United Nations Security Council."
    (pakistan, unsc) = rules.find([sentence])[0]
    assert pakistan == Party("Pakistan", pakistan.mentions, "country")
    assert surfaces(sentence, pakistan) == ["Islamabad", "Pakistani", "Pakistan"]
    assert (unsc.name, unsc.kind, surfaces(sentence, unsc)) == ("UNSC", "organisation", ["United Nations Security Council"])


@pytest.mark.parametrize(
    ("phrase", "name"),
    [
        ("the Kremlin", "Russia"),
        ("the White House", "United States"),
        ("U.S.", "United States"),
        ("Washington", "United States"),
        ("Downing Street", "United Kingdom"),
        ("Britain", "United Kingdom"),
        ("Beijing", "China"),
        ("Chinese", "China"),
        ("Indians", "India"),
        ("Brussels", "European Union"),
        ("U.N. Security Council", "UNSC"),
        ("Jaish-e-Mohammed", "Jaish-e-Mohammed"),
        ("JeM", "Jaish-e-Mohammed"),
        ("ISIL", "Islamic State"),
        ("Al-Qaeda", "al-Qaeda"),
        ("Ansar Allah", "Houthis"),
        ("Taipei", "Taiwan"),
        ("Pristina", "Kosovo"),
        ("Guinea-Bissau", "Guinea-Bissau"),
        ("South Sudan", "South Sudan"),
    ],
)
def test_table_phrases(rules: PartyFinder, phrase: str, name: str) -> None:
    sentence = f"Officials in {phrase} spoke."
    assert names(rules.find([sentence])[0]) == [name]


def test_table_covers_un_members_and_has_no_pronoun_aliases() -> None:
    data = json.loads(Path(__file__).resolve().parents[1].joinpath("stance", "data", "aliases.json").read_text("utf-8"))
    countries = [party["name"] for party in data["parties"] if party["kind"] == "country"]
    assert len(countries) >= 196 and {"Taiwan", "Palestine", "Kosovo"} <= set(countries)
    aliases = {alias.lower() for party in data["parties"] for alias in party["aliases"]}
    assert not aliases & {"the council", "the bloc", "the alliance", "they", "it", "the country", "the group"}
    anaphors = {party["name"]: party["anaphors"] for party in data["parties"] if "anaphors" in party}
    assert anaphors == {"UNSC": ["the council"], "NATO": ["the alliance"], "European Union": ["the bloc"]}


def test_ignored_phrases_and_whole_words(rules: PartyFinder) -> None:
    found = rules.find(["Latin America, the Indian Ocean and Indiana saw USAID staff from New Mexico."])[0]
    assert found == []


def test_user_parties_override_the_table(rules: PartyFinder) -> None:
    sentence = "India and Islamabad traded fire near Pindi."
    user = {"Hindustan": ["India"], "Pakistan Army": ["Pindi"]}
    found = rules.find([sentence], user)[0]
    assert [(p.name, p.kind, surfaces(sentence, p)) for p in found] == [
        ("Hindustan", "country", ["India"]),
        ("Pakistan", "country", ["Islamabad"]),
        ("Pakistan Army", "other", ["Pindi"]),
    ]
    renamed = rules.find(["Islamabad and Pakistani officials."], {"PAK": ["Pakistan"]})[0]
    assert names(renamed) == ["PAK"] and len(renamed[0].mentions) == 2


def test_user_parties_must_be_lists(rules: PartyFinder) -> None:
    with pytest.raises(TypeError, match="list of aliases"):
        rules.find(["India."], {"India": "Bharat"})


def test_acronym_in_parentheses_binds_to_the_full_name(rules: PartyFinder) -> None:
    sentences = [
        "Reporters Without Borders (RSF) and the Tehreek-e-Labbaik Pakistan (TLP) spoke.",
        "RSF and TLP later repeated it.",
    ]
    found = rules.find(sentences, {"Tehreek-e-Labbaik Pakistan": []})
    assert [(p.name, surfaces(sentences[0], p)) for p in found[0]] == [
        ("Reporters Without Borders", ["Reporters Without Borders", "RSF"]),
        ("Tehreek-e-Labbaik Pakistan", ["Tehreek-e-Labbaik Pakistan", "TLP"]),
    ]
    assert names(found[1]) == ["Reporters Without Borders", "Tehreek-e-Labbaik Pakistan"]
    assert names(rules.find(["RSF fighters advanced."])[0]) == ["Rapid Support Forces"]  # a new document


def test_anaphor_resolves_only_after_its_party_was_named(rules: PartyFinder) -> None:
    sentences = ["The council met.", "Then the Security Council voted.", "The council adjourned and the bloc waited."]
    found = rules.find(sentences)
    assert [names(parties) for parties in found] == [[], ["UNSC"], ["UNSC"]]
    assert surfaces(sentences[2], found[2][0]) == ["The council"]
    assert names(rules.find(["The EU and the bloc's members and the alliance."])[0]) == ["European Union"]


def test_surname_memory_and_titles() -> None:
    doc = DocumentParties()
    first = "Prime Minister Narendra Modi met S. Jaishankar."
    ents = [Entity(15, 28, "Narendra Modi", None, "person"), Entity(33, 46, "S. Jaishankar", None, "person")]
    assert names(doc.resolve(first, ents)) == ["Narendra Modi", "S. Jaishankar"]
    second = "Modi and Jaishankar’s aides left."
    parties = doc.resolve(second, [Entity(0, 4, "Modi", None, "person")])
    assert [(p.name, surfaces(second, p)) for p in parties] == [("Narendra Modi", ["Modi"]), ("S. Jaishankar", ["Jaishankar"])]


def test_memory_is_bounded() -> None:
    doc = DocumentParties(max_names=3)
    for i in range(50):
        name = f"Person Number{i}"
        doc.resolve(name, [Entity(0, len(name), name, None, "person")])
    assert len(doc._seen) <= 3 and len(doc._surnames) <= 3


def test_offsets_match_surfaces(rules: PartyFinder, seed_sentences: list[str]) -> None:
    for sentence, entities in zip(seed_sentences, rules.entities(seed_sentences)):
        for entity in entities:
            assert sentence[entity.start : entity.end] == entity.surface
    assert rules.nlp is None


def test_custom_alias_table(tmp_path: Path) -> None:
    path = tmp_path / "aliases.json"
    path.write_text(json.dumps({"parties": [{"name": "Acme", "kind": "organisation", "aliases": ["Acme Corp"]}]}))
    finder = PartyFinder(ner=None, aliases_path=path)
    assert names(finder.find(["Acme Corp sued India."])[0]) == ["Acme"]
    assert load_alias_table().lookup("Islamabad") == ("Pakistan", "country")


def test_seed_document(ner_finder: PartyFinder, seed_sentences: list[str]) -> None:
    found = ner_finder.find(seed_sentences)
    assert [names(parties) for parties in found] == [
        ["UNSC", "Pakistan", "India"],
        ["UNSC", "Pakistan", "India"],
        ["UNSC"],
        ["Lashkar-e-Taiba"],
        ["UNSC", "Pakistan"],
        ["Pakistan", "UNSC"],
        ["Pakistan"],
        ["Pakistan", "UNSC"],
        ["Pakistan", "India"],
        ["India", "UNSC"],
        ["Narendra Modi", "S. Jaishankar", "China", "Pakistan"],
        ["India"],
        ["Pakistan", "Asim Iftikhar Ahmad", "UNSC", "India"],
        ["India", "Pakistan"],
    ]
    assert "Islamabad" in surfaces(seed_sentences[0], found[0][1])
    assert surfaces(seed_sentences[2], found[2][0]) == ["the council"]
    assert surfaces(seed_sentences[3], found[3][0]) == ["Lashkar-e-Taiba", "LeT"]
    kinds = {party.name: party.kind for parties in found for party in parties}
    assert kinds["Narendra Modi"] == kinds["S. Jaishankar"] == kinds["Asim Iftikhar Ahmad"] == "person"
    assert ner_finder.entities(seed_sentences) == PartyFinder(ner=ner_finder.nlp, batch_size=2).entities(seed_sentences)


def test_ner_cleaning(ner_finder: PartyFinder) -> None:
    sentences = [
        "Prime Minister Narendra Modi spoke to Hindu pilgrims on April 22.",
        "Later, Modi thanked the 15 members of the World Bank.",
    ]
    found = ner_finder.find(sentences)
    assert names(found[0]) == ["Narendra Modi"]
    assert names(found[1]) == ["Narendra Modi", "World Bank"]
