"""Baselines on the same splits as the model: majority class and TF-IDF + logistic regression.

Each task turns a record into one text per item (a target with its mentions replaced by a
marker word, or a whole sentence for claims) and one gold label.
"""

from __future__ import annotations

from collections import Counter

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from stance.corpus import gold_of
from stance.evaluate import classification_block, dse_gold_class
from stance.taxonomy import POLARITIES, POLARITY_OF, STANCE_LABELS


def _marked(text: str, spans: list[list[int]], word: str, others: list[list[int]]) -> str:
    pieces = [(s, e, word) for s, e in spans] + [(s, e, "otherparty") for s, e in others]
    for start, end, replacement in sorted(pieces, reverse=True):
        text = text[:start] + f" {replacement} " + text[end:]
    return text


def target_items(records: list[dict], coarse: bool) -> tuple[list[str], list[str]]:
    """One (marked text, label) per target; `coarse` maps fine labels to polarity."""
    texts, labels = [], []
    for record in records:
        gold = gold_of(record)
        parties = [p for p in record["parties"] if p["mentions"]]
        for party in parties:
            label = gold.labels.get(party["name"], "none")
            if coarse:
                label = label if label in POLARITIES else POLARITY_OF[label]
            elif label not in STANCE_LABELS:
                continue
            others = [m for p in parties if p is not party for m in p["mentions"]]
            texts.append(_marked(record["text"], party["mentions"], "targetparty", others))
            labels.append(label)
    return texts, labels


def dse_items(records: list[dict]) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for record in records:
        gold = dse_gold_class(record)
        parties = [p for p in record["parties"] if p["mentions"]]
        if gold is None:
            continue
        text = record["text"]
        marks = [(m, "firstparty") for m in parties[0]["mentions"]] + [(m, "secondparty") for m in parties[1]["mentions"]]
        for (start, end), word in sorted(marks, reverse=True):
            text = text[:start] + f" {word} " + text[end:]
        texts.append(text)
        labels.append(str(gold))
    return texts, labels


def claim_items(records: list[dict]) -> tuple[list[str], list[str]]:
    pairs = [(r["text"], str(r["claim"]).lower()) for r in records if r["claim"] is not None]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def run_baselines(train: tuple[list[str], list[str]], evaluation: tuple[list[str], list[str]], labels: list[str], prefix: str) -> dict:
    """Majority and TF-IDF + LR scores for one task; the primary number is macro-F1."""
    train_x, train_y = train
    eval_x, eval_y = evaluation
    majority = Counter(train_y).most_common(1)[0][0]
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=200_000)
    classifier = LogisticRegression(max_iter=2000, class_weight="balanced", C=2.0)
    classifier.fit(vectorizer.fit_transform(train_x), train_y)
    predicted = list(classifier.predict(vectorizer.transform(eval_x)))
    result = {
        "majority": classification_block(eval_y, [majority] * len(eval_y), labels, prefix, bootstrap=False),
        "tfidf_lr": classification_block(eval_y, predicted, labels, prefix, bootstrap=False),
    }
    if prefix == "claim":
        for name, guess in (("majority", [majority] * len(eval_y)), ("tfidf_lr", predicted)):
            result[name]["claim_f1"] = float(f1_score(eval_y, guess, pos_label="true", zero_division=0))
    return result
