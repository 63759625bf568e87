"""Sentence boundaries as character offsets, by rule: fast, streaming, no model.

A boundary is sentence-final punctuation (``.``, ``!``, ``?``, optionally followed by
closing quotes or brackets) followed by whitespace and a sentence opener (an upper-case
letter, a digit, an opening quote or bracket), a line break after such punctuation, or a
blank line. Abbreviations, titles and initials ("Dr.", "U.S.", "S. Jaishankar", "Jan. 14")
do not end a sentence, nor does punctuation inside a quotation or parenthesis that the
sentence continues after in lower case (``"We will act. They will pay," he said.``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_CLOSERS = "”\"’')]"
_OPENERS = "“\"‘'(["
# Punctuation run + closers + whitespace, or a blank line (a paragraph break) on its own.
_CANDIDATE = re.compile(
    r"(?P<punct>[.!?]+)(?P<close>[”\"’')\]]*)(?P<ws>\s+)"
    r"|(?P<para>\n[^\S\n]*\n\s*)"
)

# Never the end of a sentence: a name or a number always follows these.
# fmt: off
_HARD_ABBREVIATIONS = frozenset(
    {
        "Dr", "Mr", "Mrs", "Ms", "Mx", "Prof", "Gen", "Lt", "Col", "Sgt", "Capt", "Maj", "Adm", "Cmdr", "Rev", "Hon", "Rep",
        "Sen", "Gov", "Pres", "Amb", "Fr", "Sr", "Supt", "Insp", "Det", "Brig", "Pvt", "Cpl", "Messrs", "Mme", "Mlle", "vs",
        "v", "cf", "e.g", "i.e", "viz", "al", "approx", "Nos", "Art", "Fig", "Vol", "pp", "Ph.D",
    }
)
# fmt: on
# Usually not the end; they are when a common sentence opener follows ("... the U.S. The").
# fmt: off
_SOFT_ABBREVIATIONS = frozenset(
    {
        "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Inc", "Ltd", "Co", "Corp",
        "Bros", "Jr", "St", "Mt", "Ave", "Blvd", "Rd", "Dept", "Univ", "Govt", "Assn", "Est", "etc", "a.m", "p.m",
    }
)
_OPENER_WORDS = frozenset(
    {
        "The", "A", "An", "He", "She", "It", "They", "We", "I", "You", "This", "That", "These", "Those", "There", "Their",
        "His", "Her", "Its", "Our", "But", "And", "However", "Meanwhile", "In", "On", "At", "As", "After", "Before", "When",
        "While", "If", "Since", "Although", "Officials", "Sources", "Yet", "So", "Then", "Now", "Some", "Many", "Most",
        "Other", "Others", "Earlier", "Later",
    }
)
# fmt: on
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")  # U.S, U.N, e.g, a.m (final dot cut off)
_QUOTE_WINDOW = 600  # how far back and ahead a quotation or parenthesis is followed
_CONTINUES_LOWER = re.compile(r"[,;:.!?]*\s*[a-z]")
_LETTERS = re.compile(r"[^\W\d_]*")
_ANY_OPENER = re.compile(r"[(\[“\"]")


def _is_abbreviation(text: str, dot: int, next_pos: int) -> bool:
    """Whether the '.' at `dot` closes an abbreviation or an initial, not a sentence."""
    lo = max(0, dot - 40)
    word = text[max(text.rfind(" ", lo, dot), text.rfind("\n", lo, dot), text.rfind("\t", lo, dot)) + 1 : dot]
    word = word.lstrip(_OPENERS)
    if word in _HARD_ABBREVIATIONS:
        return True
    if word == "No":  # "No. 10 Downing Street", but "She said No. Then ..." ends.
        return next_pos < len(text) and text[next_pos].isdigit()
    soft = (
        word in _SOFT_ABBREVIATIONS
        or (len(word) == 1 and word.isupper())  # an initial: "S. Jaishankar"
        or _DOTTED.fullmatch(word) is not None
    )
    return soft and _LETTERS.match(text, next_pos).group() not in _OPENER_WORDS


def _inside_continued_quote(text: str, start: int, pos: int) -> bool:
    """Whether `pos` lies in a quotation/parenthesis after which the sentence goes on in
    lower case (``"We will act. They will pay," he said`` or ``(see above. It is.) and``).
    """
    lo = max(start, pos - _QUOTE_WINDOW)
    if not _ANY_OPENER.search(text, lo, pos):
        return False
    hi = min(len(text), pos + _QUOTE_WINDOW)
    pairs = (("(", ")"), ("[", "]"), ("“", "”"))
    for opener, closer in pairs:
        if text.count(opener, lo, pos) > text.count(closer, lo, pos):
            close = text.find(closer, pos, hi)
            if close >= 0 and _CONTINUES_LOWER.match(text, close + 1):
                return True
    if text.count('"', lo, pos) % 2 == 1:
        close = text.find('"', pos, hi)
        if close >= 0 and _CONTINUES_LOWER.match(text, close + 1):
            return True
    return False


def iter_sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` offsets of the sentences of `text`, in order, stripped.

    >>> text = "Dr. Rao met S. Jaishankar on Jan. 14. They spoke.\\n\\nNext"
    >>> [text[s:e] for s, e in iter_sentence_spans(text)]
    ['Dr. Rao met S. Jaishankar on Jan. 14.', 'They spoke.', 'Next']
    """
    start = len(text) - len(text.lstrip())
    for match in _CANDIDATE.finditer(text, start):
        next_pos = match.end()
        if next_pos >= len(text):
            break  # only trailing whitespace is left
        if match.group("para") is not None:
            end = start + len(text[start : match.start()].rstrip())
        else:
            end = match.end("close")
            newlines = match.group("ws").count("\n")
            if newlines < 2:
                opener = text[next_pos]
                if not newlines and not (opener.isupper() or opener.isdigit() or opener in _OPENERS):
                    continue
                if match.group("punct") == "." and _is_abbreviation(text, match.start(), next_pos):
                    continue
                if _inside_continued_quote(text, start, match.start()):
                    continue
        if end > start:
            yield start, end
        start = next_pos
    end = len(text.rstrip())
    if end > start:
        yield start, end


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence boundaries as ``[start, end)`` character offsets into `text`.

    >>> text = 'He said "no." and left. The U.N. met (again). Then it ended'
    >>> [text[s:e] for s, e in sentence_spans(text)]
    ['He said "no." and left.', 'The U.N. met (again).', 'Then it ended']
    """
    return list(iter_sentence_spans(text))
