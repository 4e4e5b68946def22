"""The heatmap's shades and legend follow the rule in flashdl/stats/heatmap.py's docstring, for
any distribution of reviews a day: spread out, tied, constant, heavy-tailed, with outliers."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from flashdl.stats.heatmap import LEVEL_CHARS, Heatmap, build_heatmap

LAST = dt.date(2026, 3, 14)
FIRST = LAST - dt.timedelta(days=364)


def heatmap_of(busy: list[int]) -> Heatmap:
    """The year's heatmap with ``busy`` reviews on every other day (no reviews in between)."""
    counts = {LAST - dt.timedelta(days=2 * i): n for i, n in enumerate(busy)}
    return build_heatmap(counts, FIRST, LAST)


def cells(heatmap: Heatmap) -> list[int]:
    return [count for row in heatmap.rows for count in row if count is not None]


DISTRIBUTIONS = st.one_of(
    st.lists(st.integers(1, 500), min_size=1, max_size=182),  # spread out
    st.lists(st.sampled_from([1, 2, 3, 40]), min_size=1, max_size=182),  # few values, many ties
    st.integers(1, 1000).flatmap(lambda n: st.lists(st.just(n), min_size=1, max_size=60)),  # constant
    st.lists(st.integers(0, 12).map(lambda e: 2**e), min_size=1, max_size=182),  # heavy tail
    st.tuples(  # a habit of a few a day, and some very busy days
        st.lists(st.integers(1, 5), min_size=1, max_size=150),
        st.lists(st.integers(200, 400), max_size=4),
    ).map(lambda parts: parts[0] + parts[1]),
)


@settings(max_examples=100, deadline=None)
@given(DISTRIBUTIONS)
@example([65])  # issue 14: one busy day read "1-65, 66, 67, 68+"
@example([13])  # issue 18: the busiest day had the lightest shade
@example([1] * 90 + [500] * 10)
def test_busier_days_are_never_lighter_and_the_busiest_is_darkest(busy: list[int]) -> None:
    heatmap = heatmap_of(busy)
    days = cells(heatmap)
    assert all((heatmap.level(n) == 0) == (n == 0) for n in days)
    by_count = sorted(days)
    shades = [heatmap.level(n) for n in by_count]
    assert shades == sorted(shades)
    assert heatmap.level(max(busy)) == len(LEVEL_CHARS) - 1


@settings(max_examples=100, deadline=None)
@given(DISTRIBUTIONS)
@example([65])
@example([1, 1, 1, 2, 3, 4, 50, 50, 50, 50, 50, 50, 50, 50])
def test_the_legend_is_contiguous_ranges_each_worn_by_a_day_and_tells_the_truth(busy: list[int]) -> None:
    heatmap = heatmap_of(busy)
    legend = heatmap.legend()
    assert legend[0].first == 1 and legend[-1].last == max(busy)
    for lower, upper in zip(legend, legend[1:], strict=False):
        assert upper.first == lower.last + 1  # no gap, no overlap
        assert upper.shade > lower.shade
    assert legend[-1].shade == len(LEVEL_CHARS) - 1
    for entry in legend:
        assert entry.first <= entry.last  # no empty range
        assert any(entry.first <= n <= entry.last for n in busy)  # no level nobody wears
        for n in busy:
            if entry.first <= n <= entry.last:
                assert heatmap.level(n) == entry.shade
    # the report prints exactly this legend under the grid
    assert heatmap.to_text().splitlines()[-1] == "    " + heatmap.legend_text()
    assert heatmap.legend_text() == "reviews a day: " + ", ".join(
        [f"{LEVEL_CHARS[0]} 0"] + [f"{e.char} {e.counts}" for e in legend]
    )


@settings(max_examples=100, deadline=None)
@given(DISTRIBUTIONS)
def test_the_number_of_levels_follows_the_data(busy: list[int]) -> None:
    levels = len(heatmap_of(busy).legend())
    distinct = len(set(busy))
    assert 1 <= levels <= min(4, distinct)
    assert (levels == 1) == (distinct == 1)  # days that differ always differ in shade


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 10_000), min_size=4, max_size=182, unique=True))
def test_distinct_counts_split_into_quarters(busy: list[int]) -> None:
    heatmap = heatmap_of(busy)
    sizes = [sum(e.first <= n <= e.last for n in busy) for e in heatmap.legend()]
    quarter = len(busy) / 4
    assert len(sizes) == 4 and sum(sizes) == len(busy)
    assert all(int(quarter) <= size <= int(quarter) + 1 for size in sizes), sizes


@settings(max_examples=100, deadline=None)
@given(DISTRIBUTIONS, st.integers(2, 50))
def test_shades_depend_on_the_ranks_not_the_scale(busy: list[int], factor: int) -> None:
    small, large = heatmap_of(busy), heatmap_of([n * factor for n in busy])
    assert [small.level(n) for n in busy] == [large.level(n * factor) for n in busy]


@pytest.mark.parametrize(("busy", "legend"), [
    ([65], "reviews a day: · 0, █ 1-65"),
    ([1, 5, 40], "reviews a day: · 0, ░ 1, ▓ 2-5, █ 6-40"),
    (list(range(1, 101)), "reviews a day: · 0, ░ 1-25, ▒ 26-50, ▓ 51-75, █ 76-100"),
    ([1] * 90 + [500] * 10, "reviews a day: · 0, ▒ 1, █ 2-500"),
    ([20] * 30 + [30] * 30 + [400] * 2, "reviews a day: · 0, ░ 1-20, ▓ 21-30, █ 31-400"),
])
def test_legend_examples(busy: list[int], legend: str) -> None:
    assert heatmap_of(busy).legend_text() == legend


def test_a_year_without_reviews_has_only_the_empty_shade() -> None:
    heatmap = build_heatmap({}, FIRST, LAST)
    assert heatmap.legend() == [] and heatmap.legend_text() == "reviews a day: · 0"
    assert {heatmap.level(n) for n in cells(heatmap)} == {0}
