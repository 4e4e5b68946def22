"""Deck hierarchy: Anki's ``Parent::Child`` deck names as a tree, with counts rolled up.

A deck called ``Deep Learning::Transformers`` sits under ``Deep Learning``, whether or not a deck of
that name exists (Anki packages often carry only the leaves); a parent that is no deck of its own
is a *group*, with no key. Each node's counts are its own deck's plus all its descendants', and
:attr:`DeckNode.keys` are the decks that studying it studies: the node's own and every one below.

Pure: no Textual, no store.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

SEPARATOR = "::"
COUNT_FIELDS = ("total", "new", "due", "redrill", "suspended")


class _Counts(Protocol):
    key: str
    name: str
    description: str
    total: int
    new: int
    due: int
    redrill: int
    suspended: int


@dataclasses.dataclass
class DeckNode:
    name: str  # the full name, "Deep Learning::Transformers"
    label: str  # the last part, "Transformers"
    depth: int
    key: str | None = None  # None for a group that is no deck of its own
    description: str = ""
    total: int = 0
    new: int = 0
    due: int = 0
    redrill: int = 0
    suspended: int = 0
    children: list[DeckNode] = dataclasses.field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        """The deck keys this node stands for: its own and its descendants', in tree order."""
        return [node.key for node in self.walk() if node.key is not None]

    def walk(self) -> Iterator[DeckNode]:
        yield self
        for child in self.children:
            yield from child.walk()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "label": self.label, "key": self.key,
            **{field: getattr(self, field) for field in COUNT_FIELDS},
            "children": [child.to_dict() for child in self.children],
        }


def path_of(name: str) -> list[str]:
    """``"A::B ::C"`` -> ``["A", "B", "C"]`` (empty parts dropped, as Anki does)."""
    parts = [part.strip() for part in name.split(SEPARATOR)]
    return [part for part in parts if part] or [name.strip() or name]


def parent_name(name: str) -> str | None:
    parts = path_of(name)
    return SEPARATOR.join(parts[:-1]) if len(parts) > 1 else None


def deck_tree(decks: Iterable[_Counts]) -> list[DeckNode]:
    """The top-level nodes, each with its children, siblings in name order (case-insensitive)."""
    roots: dict[str, DeckNode] = {}
    nodes: dict[str, DeckNode] = {}  # casefolded full name -> node
    for deck in decks:
        parts = path_of(deck.name)
        level = roots
        parent: DeckNode | None = None
        for depth, part in enumerate(parts):
            full = SEPARATOR.join(parts[: depth + 1])
            node = nodes.get(full.casefold())
            if node is None:
                node = nodes[full.casefold()] = DeckNode(full, part, depth)
                if parent is None:
                    level[full.casefold()] = node
                else:
                    parent.children.append(node)
            parent = node
        assert parent is not None
        if parent.key is None:  # the deck's own spelling names the node
            parent.name, parent.label = SEPARATOR.join(parts), parts[-1]
            parent.key, parent.description = deck.key, deck.description
            for field in COUNT_FIELDS:
                setattr(parent, field, getattr(deck, field))
        else:  # two decks whose names differ only in case or spacing: a sibling each
            twin = DeckNode(deck.name, parts[-1], len(parts) - 1, deck.key, deck.description,
                            **{field: getattr(deck, field) for field in COUNT_FIELDS})
            holder = nodes.get(SEPARATOR.join(parts[:-1]).casefold()) if len(parts) > 1 else None
            if holder is None:
                roots[f"{deck.name.casefold()}\0{deck.key}"] = twin
            else:
                holder.children.append(twin)
    top = sorted(roots.values(), key=_order)
    for node in top:
        _roll_up(node)
    return top


def _order(node: DeckNode) -> tuple[str, str]:
    return (node.label.casefold(), node.key or "")


def _roll_up(node: DeckNode) -> None:
    node.children.sort(key=_order)
    for child in node.children:
        _roll_up(child)
        for field in COUNT_FIELDS:
            setattr(node, field, getattr(node, field) + getattr(child, field))


def flatten(nodes: Iterable[DeckNode]) -> list[DeckNode]:
    """Every node, parents before their children (the order a tree is drawn in)."""
    return [node for top in nodes for node in top.walk()]
