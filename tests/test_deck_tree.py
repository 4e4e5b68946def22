"""Deck hierarchy: Anki's ``A::B`` decks as a tree in ``flashdl decks`` and the deck list;
studying a parent studies its subdecks; counts roll up."""

from __future__ import annotations

import json

import pytest
from fixtures.study.kit import make_app, screen_text, settle

from flashdl.cli import main
from flashdl.store.queries import DeckCounts, resolve_decks
from flashdl.study.deck_tree import deck_tree, flatten

ROWS = {
    "Deep Learning::Transformers": ["attention?\tsoftmax(QKᵀ/√dₖ)V", "heads?\tmany"],
    "Deep Learning::Regularization::Dropout": ["p?\tdrop probability"],
    "Vocab": ["chat\tcat"],
}


def counts(name: str, key: str, new: int) -> DeckCounts:
    return DeckCounts(key, name, "", new, new, 0, 0, 0)


def test_tree_groups_subdecks_under_parents_and_rolls_counts_up():
    tree = deck_tree([
        counts("b::y", "b-y", 2), counts("a", "a", 1), counts("b::x::deep", "b-x-deep", 4),
        counts("B::x", "b-x", 3),  # Anki names are case-insensitive: the same parent
    ])
    rows = [(n.name, n.depth, n.key, n.new, n.keys) for n in flatten(tree)]
    assert rows == [
        ("a", 0, "a", 1, ["a"]),
        ("b", 0, None, 9, ["b-x", "b-x-deep", "b-y"]),  # a group: no deck of its own
        ("B::x", 1, "b-x", 7, ["b-x", "b-x-deep"]),
        ("b::x::deep", 2, "b-x-deep", 4, ["b-x-deep"]),
        ("b::y", 1, "b-y", 2, ["b-y"]),
    ]


@pytest.fixture
def imported(tmp_path, capsys) -> None:
    for index, (deck, rows) in enumerate(ROWS.items()):
        path = tmp_path / f"deck{index}.tsv"
        path.write_text(f"#separator:tab\n#deck:{deck}\n" + "\n".join(rows) + "\n", encoding="utf-8")
        assert main(["import", str(path)]) == 0
    capsys.readouterr()


def test_decks_command_draws_the_tree_with_rolled_up_counts(imported, capsys):
    assert main(["decks"]) == 0
    lines = capsys.readouterr().out.splitlines()
    name_at = lines[0].index("name")
    tree = [(line[:name_at].strip(), line[name_at:].split()) for line in lines
            if line[name_at:].startswith(("Deep Learning", "  ", "    "))]
    assert tree == [
        ("", ["Deep", "Learning", "3", "3", "0", "0"]),  # a group: no id, its subdecks' counts
        ("", ["Regularization", "1", "1", "0", "0"]),
        ("deep-learning-regularization-dropout", ["Dropout", "1", "1", "0", "0"]),
        ("deep-learning-transformers", ["Transformers", "2", "2", "0", "0"]),
    ]
    indents = {line[name_at:].split()[0]: len(line[name_at:]) - len(line[name_at:].lstrip())
               for line in lines if line[name_at:].startswith(("Deep Learning", "  ", "    "))}
    assert (indents["Deep"], indents["Regularization"], indents["Dropout"]) == (0, 2, 4)


def test_decks_json_keeps_its_keys_and_adds_parent_and_tree(imported, capsys):
    assert main(["decks", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    by_name = {d["name"]: d for d in data["decks"]}
    dropout = by_name["Deep Learning::Regularization::Dropout"]
    assert {"key", "name", "description", "total", "new", "due", "redrill", "suspended"} <= set(dropout)
    assert dropout["parent"] == "Deep Learning::Regularization"
    [group] = [node for node in data["tree"] if node["name"] == "Deep Learning"]
    assert (group["key"], group["total"], [c["label"] for c in group["children"]]) == (
        None, 3, ["Regularization", "Transformers"])


def test_a_parent_name_brings_its_subdecks(imported, store):
    with store.read() as session:
        assert resolve_decks(session, ["deep learning"]) == [
            "deep-learning-regularization-dropout", "deep-learning-transformers"]
        assert resolve_decks(session, ["Deep Learning::Transformers"]) == ["deep-learning-transformers"]


async def test_the_deck_list_is_a_tree_and_enter_on_a_parent_studies_its_subdecks(imported, db_url):
    from flashdl.tui.screens.study import StudyScreen

    app = make_app(db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lines = screen_text(app).splitlines()
        group = next(line for line in lines if "Deep Learning" in line)
        assert group.split()[-4:] == ["3", "0", "0", "3"]  # new, due, redrill, total rolled up
        assert any("    Dropout" in line for line in lines)
        keys = list(app.screen.nodes)
        await pilot.press(*["down"] * keys.index("group:Deep Learning"), "enter")
        await settle(pilot)
        assert isinstance(app.screen, StudyScreen)
        assert app.screen.deck_keys == ["deep-learning-regularization-dropout",
                                        "deep-learning-transformers"]
        assert app.screen.session.remaining == 3
