"""Key terms: grading a typed answer on what it says, not on how close its letters are.

A learner who types "running averages of mean and variance" for "Running averages collected during
training" is right, though the strings are far apart. So an answer also counts when it has enough
of an accepted answer's *key terms*, says nothing foreign to the card while leaving some out, and
contradicts none of them:

- Terms are words after stemming (Snowball's English stemmer: "averages" and "averaging" are one
  term), without function words or one-letter variables, with a few notations read as words
  (μ is "mean", σ² is "variance") and a few synonyms made one ("inference" is "test", "reduce"
  is "decrease").
- The key terms of an accepted answer are its terms that the question does not already give
  away. Up to two, all are needed; from three on, at least two and half of their weight. The
  card's tags weigh double and its **bold** terms are always needed.
- An answer that leaves key terms out may only add words the card itself uses (with the same
  sense: "differences" is not the card's word when the card says "not differences") or
  everyday words: "Xavier assumes ReLU *doubles* the variance" shares half the terms of "Xavier
  assumes the activation keeps the variance" and is wrong.
- A contradiction makes an answer wrong however many terms it shares: the opposite of a key term
  in its place ("off" for "on", "test" for "train", "asexual" for "sexual"), a key term negated
  ("no weight decay", "without ...") or the other way round, one side of a contrast missing
  ("lowers bias and raises variance"), terms paired the other way round ("raises bias and lowers
  variance"), or, when the question offers alternatives ("training, validation or testing?"), an
  alternative the answer did not pick.

Pure: no Textual, no store.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from flashdl.quiz.text import fold, normalize, plain

#: Words that carry no answer on their own.
STOPWORDS = frozenset("""
a an the of to in on at by for from with and or but is are was were be been being it its it's
this that these those as into onto than then so such their there they them he she we you your i
my our which what when where who whom whose how why do does did done can could should would will
shall may might must also very just about over under between both each every any all some
other another one its itself per via while whereas use used uses using get gets got only during
because since go goes going went
""".split())
#: Words that end a negation's reach ("no dropout, but weight decay").
_CONJUNCTIONS = frozenset({"and", "but", "so", "which", "that", "where", "while", "whereas",
                           "because", "since", "then", "when"})
#: Words that negate the terms after them ("not the batch statistics", "fails to learn").
NEGATORS = frozenset({"not", "no", "never", "without", "nor", "neither", "non", "none", "cannot",
                      "fail", "fails", "failed", "unable"})
#: Contractions arrive from :func:`normalize` as "doesn t": the stem before a lone "t".
_CONTRACTED = frozenset({"don", "doesn", "didn", "isn", "aren", "wasn", "weren", "can",
                         "couldn", "won", "wouldn", "shouldn", "hasn", "haven"})
#: Notation read as words, before stemming.
ALIASES = {"μ": "mean", "σ2": "variance", "var": "variance", "avg": "average",
           "stats": "statistics", "sd": "deviation", "std": "deviation"}
#: Stems that mean the same here, mapped onto one.
SYNONYMS = {"infer": "test", "evalu": "test", "eval": "test", "deploy": "test",
            "lower": "decreas", "reduc": "decreas", "rais": "increas", "higher": "increas",
            "grow": "increas", "bigger": "larg", "larger": "larg", "smaller": "small",
            "disappear": "vanish", "drop": "vanish", "left": "leav", "move": "run",
            "chang": "differ", "vanilla": "plain"}
#: Everyday words a paraphrase may bring along without saying anything the card does not.
GENERIC_WORDS = """
many several few much lot lots too rather instead way thing things make makes made take takes
took give gives given keep keeps kept help helps new whole part parts case cases kind like still
always often usually sometimes simply roughly approximately close closely exactly really actually
basically also time stay stays remain remains computed calculated
""".split()
#: Stems of opposite meaning: one in place of the other makes an answer wrong.
_OPPOSITE_PAIRS = [
    ("on", "off"), ("train", "test"), ("train", "valid"), ("more", "less"), ("more", "fewer"),
    ("input", "output"), ("differ", "same"), ("increas", "decreas"),
    ("larg", "small"), ("big", "small"), ("high", "low"), ("befor", "after"),
    ("forward", "backward"), ("addit", "multipl"), ("dens", "spars"), ("max", "min"),
    ("maximum", "minimum"), ("upper", "lower"), ("posit", "negat"), ("fast", "slow"),
    ("deep", "shallow"), ("wide", "narrow"), ("overfit", "underfit"), ("l1", "l2"),
    ("earli", "late"), ("first", "last"),
]
OPPOSITES: dict[str, frozenset[str]] = {}
for _a, _b in _OPPOSITE_PAIRS:
    OPPOSITES[_a] = OPPOSITES.get(_a, frozenset()) | {_b}
    OPPOSITES[_b] = OPPOSITES.get(_b, frozenset()) | {_a}
#: "asexual", "unbiased", "nonlinear": a prefix that turns a word into its opposite.
NEGATING_PREFIXES = ("a", "un", "non", "in", "im", "ir", "il", "dis", "anti")

#: A word this close (rapidfuzz ratio) to a term the answer left out is that term mistyped.
TYPO_SIMILARITY = 75

_WORD = re.compile(r"[^\W_]+")
_CLAUSE = re.compile(r"[,;:.!?()]+(?:\s|$)|\s[-–—]\s")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__", re.DOTALL)
_ALTERNATIVES = re.compile(r"((?:[\w-]+,\s*)+[\w-]+,?\s+or\s+[\w-]+|[\w-]+\s+or\s+[\w-]+)")
_YES_NO = re.compile(r"\s*(?:is|are|was|were|does|do|did|can|could|should|would|will|has|have|"
                     r"had|must|may)\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """The term a word stands for: ``"averages"`` -> ``"averag"``, ``"μ"`` -> ``"mean"``."""
    word = ALIASES.get(word, word)
    stemmed = _stemmer().stemWord(word) if word.isalpha() else word
    return SYNONYMS.get(stemmed, stemmed)


@lru_cache(maxsize=1)
def generic() -> frozenset[str]:
    return frozenset(stem(word) for word in GENERIC_WORDS)


@dataclasses.dataclass(frozen=True)
class Term:
    word: str
    stem: str
    negated: bool
    #: False for "on"/"off": kept only to catch "switched off" for "switched on"
    content: bool = True
    #: which clause of the text the term is in (terms are neighbours only within one)
    clause: int = 0


def terms(text: str) -> list[Term]:
    """The terms of ``text`` in order, each marked negated or not (a negation reaches over the
    words after it, to the end of its clause or to a conjunction)."""
    out: list[Term] = []
    for number, clause in enumerate(_CLAUSE.split(plain(text))):
        words = _WORD.findall(fold(clause))
        negating = False
        for index, word in enumerate(words):
            after = words[index + 1] if index + 1 < len(words) else ""
            if word in NEGATORS or (word == "t" and index and words[index - 1] in _CONTRACTED):
                negating = True
            elif word in _CONTRACTED and after == "t":
                continue
            elif word in ("on", "off"):
                out.append(Term(word, word, negating, content=False, clause=number))
            elif word in STOPWORDS:
                negating = negating and word not in _CONJUNCTIONS  # "not *the* batch statistics"
            elif word.isdigit():
                continue  # numbers are compared as numbers (:mod:`flashdl.quiz.grading`)
            elif len(word) > 1 or word in ALIASES:  # single letters are variables: w, m, p
                out.append(Term(word, stem(word), negating, clause=number))
    return out


def same_term(a: str, b: str) -> bool:
    """One term, allowing for stems that differ in their ending ("multipl", "multipli") and for
    a typo in a long word ("reprodcut" for "reproduct")."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if len(short) >= 5 and long.startswith(short):
        return True
    # one slip of the fingers, not another word ("present" is not "represent")
    return len(short) >= 6 and len(long) - len(short) <= 1 and fuzz.ratio(a, b) >= 80


def alternatives(front: str) -> set[str]:
    """The stems of the choices a question offers ("training, validation or testing")."""
    found: set[str] = set()
    for match in _ALTERNATIVES.finditer(front.casefold()):
        for part in re.split(r",|\bor\b", match.group(1)):
            words = _WORD.findall(part)
            if words:
                found.add(stem(words[-1]))
    return found


@dataclasses.dataclass(frozen=True)
class CardTerms:
    """What the grader knows about the card beyond its accepted answers."""

    front: frozenset[str] = frozenset()
    #: the tags' stems: key terms that weigh double
    tags: frozenset[str] = frozenset()
    #: the back's **bold** terms: always needed
    bold: frozenset[str] = frozenset()
    #: the alternatives the question offers
    choices: frozenset[str] = frozenset()
    #: the question asks yes or no ("Does BatchNorm ...?"): "no" answers "No. It ..."
    yes_no: bool = False
    #: (stem, negated) of every term on the card: the words a partial answer may add
    vocabulary: frozenset[tuple[str, bool]] = frozenset()

    @classmethod
    def of(cls, front: str = "", tags: Iterable[str] = (), back: str = "") -> CardTerms:
        tag_stems = {stem(w) for tag in tags for w in _WORD.findall(normalize(tag))}
        bold = {t.stem for m in _BOLD.finditer(back) for t in terms(m.group(1) or m.group(2))}
        card_terms = [*terms(front), *terms(back)]
        return cls(
            front=frozenset(t.stem for t in terms(front) if t.content),
            tags=frozenset(tag_stems),
            bold=frozenset(bold),
            choices=frozenset(alternatives(front)),
            yes_no=_YES_NO.match(front) is not None,
            vocabulary=frozenset({(t.stem, t.negated) for t in card_terms}
                                 | {(s, False) for s in tag_stems}),
        )


def _has(given: Sequence[Term], stem_: str, negated: bool = False) -> bool:
    return any(g.content and same_term(g.stem, stem_) and g.negated == negated for g in given)


def _opposite(given: Term, key: Term) -> bool:
    if given.stem in OPPOSITES.get(key.stem, ()):
        return True
    for longer, shorter in ((given.word, key.word), (key.word, given.word)):
        if len(shorter) >= 4 and any(longer == prefix + shorter for prefix in NEGATING_PREFIXES):
            return True
    return False


def _pairs(seq: Sequence[Term]) -> set[tuple[str, str]]:
    """Neighbouring content terms of one clause: ("decreas", "bias") in "lowers bias"."""
    content = [t for t in seq if t.content]
    return {(a.stem, b.stem) for a, b in zip(content, content[1:], strict=False)
            if a.clause == b.clause}


def _swapped(given: Sequence[Term], key: Sequence[Term]) -> bool:
    """"raises bias and lowers variance" for "lowers bias and raises variance": two pairs of
    neighbouring terms that cross the answer's pairs (x-z and w-y become x-y and w-z)."""
    key_pairs = _pairs(key)
    new_pairs = _pairs(given) - key_pairs
    return any((x, z) in key_pairs and (w, y) in key_pairs
               for x, y in new_pairs for w, z in new_pairs if (x, y) != (w, z))


def _contrast(key: Sequence[Term]) -> list[Term]:
    """The terms of a clause that also holds their opposite ("lowers ... raises ...")."""
    content = [t for t in key if t.content]
    return [t for t in content
            if any(o.clause == t.clause and o.stem in OPPOSITES.get(t.stem, ()) for o in content)]


def verdict(text: str) -> str | None:
    """"yes" or "no" when ``text`` opens with one ("No.", "Usually not.", "Yes, ..."), else None."""
    words = _WORD.findall(normalize(_CLAUSE.split(text, maxsplit=1)[0]))[:3]
    if not words:
        return None
    if words[0] in ("yes", "yeah", "yep", "true"):
        return "yes"
    if words[0] in ("no", "nope", "false") or (len(words) <= 2 and NEGATORS & set(words)):
        return "no"
    return None


def contradicts(given: Sequence[Term], key: Sequence[Term], card: CardTerms) -> bool:
    """Whether ``given`` says the opposite of something in ``key`` (see the module docstring)."""
    key_stems = {t.stem for t in key}
    for k in key:
        if _has(given, k.stem, not k.negated) and not _has(given, k.stem, k.negated):
            return True  # negated where the answer is not, or the other way round
        if k.negated or _has(given, k.stem) or any(
                g.stem == k.stem and not g.negated for g in given):
            continue
        for g in given:  # an opposite in place of the answer's term
            if not g.negated and g.stem not in key_stems and _opposite(g, k):
                return True
    for k in _contrast(key):  # "lowers bias and raises variance" needs both sides
        if not _has(given, k.stem, k.negated):
            return True
    if card.choices & key_stems:  # the answer picks among the question's alternatives
        for g in given:
            if not g.negated and g.stem in card.choices and g.stem not in key_stems:
                return True
    return _swapped(given, key)


def covers(given: Sequence[Term], key: Sequence[Term], card: CardTerms) -> bool:
    """Whether ``given`` has enough of ``key``'s key terms (see the module docstring)."""
    wanted: dict[str, bool] = {}
    for term in key:
        if term.content:
            wanted.setdefault(term.stem, term.negated)
    distinct = {s: n for s, n in wanted.items() if s not in card.front} or wanted
    if not distinct:
        return False
    found = {s for s, negated in distinct.items() if _has(given, s, negated)}
    if any(s in distinct and s not in found for s in card.bold):
        return False
    if len(distinct) <= 2:
        enough = len(found) == len(distinct)
    else:
        weight = {s: 2 if s in card.tags else 1 for s in distinct}
        enough = len(found) >= 2 and 2 * sum(weight[s] for s in found) >= sum(weight.values())
    return enough


def foreign(given: Sequence[Term], key: Sequence[Term], card: CardTerms) -> bool:
    """Whether ``given`` leaves out some of ``key`` and puts in its place a word the card does
    not use (in that sense) and that is no everyday word: "Xavier assumes ReLU doubles the
    variance" for "Xavier assumes the activation keeps the variance"."""
    wanted = {t.stem: t.negated for t in key if t.content}
    if not wanted:
        return False  # a formula or a number: letters and numbers decide
    missing = [s for s, negated in wanted.items() if not _has(given, s, negated)]
    if not missing and len(wanted) > 1 and not all(s in card.front for s in wanted):
        return False  # the whole of it: extra words are the learner's own business
    # (a one-word answer, "Only in training.", or one made of the question's own words: an answer
    # that goes on about other things answers something else)
    return not all(
        any(same_term(g.stem, s) for s in wanted)
        or any(fuzz.ratio(g.stem, s) >= TYPO_SIMILARITY for s in missing)  # "dacay"
        or g.stem in generic()
        # what the answer rules out ("never at test time") need only be something the card names
        or any(same_term(g.stem, s) and (g.negated or not negated) for s, negated in card.vocabulary)
        or (g.negated and g.stem in card.front)
        for g in given if g.content
    )
