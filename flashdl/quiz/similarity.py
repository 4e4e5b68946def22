"""How alike two cards' answers are, so that wrong options are plausible ones.

A distractor that is obviously off-topic teaches nothing: "He initialization" offered against a
dropout question is eliminated at a glance. Distractors are therefore the other cards whose answers
are most similar to the right one: TF-IDF cosine over the words of the answers (a handful of cards,
so the standard library is plenty) plus a bonus for shared tags.
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from collections.abc import Sequence

from flashdl.quiz.cards import QuizCard
from flashdl.quiz.text import plain

#: Weight of the tag overlap (Jaccard, 0..1) next to the text cosine (0..1).
TAG_WEIGHT = 0.5

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is",
    "it", "its", "of", "on", "or", "so", "that", "the", "this", "to", "was", "were", "which",
    "with", "what", "when", "where", "how", "why", "not", "no", "do", "does", "than", "then",
    "there", "their", "they", "them", "can", "each", "one", "two", "into", "only", "also", "more",
    "less", "most", "while",
})


def _tokens(text: str) -> list[str]:
    return [w for w in _WORD.findall(plain(text).casefold()) if w not in STOPWORDS]


class SimilarityIndex:
    """TF-IDF vectors of every card's answer in a selection, for ranking distractors."""

    def __init__(self, cards: Sequence[QuizCard]) -> None:
        self.cards = list(cards)
        counts = {card.card_id: Counter(_tokens(card.back)) for card in self.cards}
        document_frequency: Counter[str] = Counter()
        for counter in counts.values():
            document_frequency.update(counter.keys())
        n = len(self.cards)
        idf = {word: math.log((1 + n) / (1 + df)) + 1.0 for word, df in document_frequency.items()}
        self._vectors: dict[int, dict[str, float]] = {}
        for card_id, counter in counts.items():
            vector = {word: (1 + math.log(tf)) * idf[word] for word, tf in counter.items()}
            norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
            self._vectors[card_id] = {word: v / norm for word, v in vector.items()}

    def cosine(self, a: QuizCard, b: QuizCard) -> float:
        va, vb = self._vectors[a.card_id], self._vectors[b.card_id]
        if len(vb) < len(va):
            va, vb = vb, va
        return sum(weight * vb.get(word, 0.0) for word, weight in va.items())

    def similarity(self, a: QuizCard, b: QuizCard) -> float:
        tags_a, tags_b = set(a.tags), set(b.tags)
        union = tags_a | tags_b
        jaccard = len(tags_a & tags_b) / len(union) if union else 0.0
        return self.cosine(a, b) + TAG_WEIGHT * jaccard

    def ranked(self, target: QuizCard, rng: random.Random) -> list[QuizCard]:
        """The other cards, most similar answer first; ties fall in a seeded random order."""
        others = [card for card in self.cards if card.card_id != target.card_id]
        rng.shuffle(others)  # sort is stable: equal scores keep this (seeded) order
        return sorted(others, key=lambda card: -self.similarity(target, card))
