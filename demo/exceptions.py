"""The households of a county the demo register deliberately gets wrong: the exit years that
follow the published counts, the wrong exits (错退) and the households not visited in 2020, drawn
at random within the shares below (decision 0018)."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator

from demo.evidence import Flaw

DEMO_VILLAGE = "520627100200"  # where the casework happens: no deliberate exception there
WRONG_EXIT_SHARE = 0.005  # 错退: of the people exited by the county's exit year, at most
WRONG_EXIT_HOUSEHOLDS = 0.004  # … and of its households (rounded up), at most
UNVISITED_SHARE = 0.004  # 缺少佐证 in 2020: of the households exited by 2019


def exit_years_for(remaining: dict[int, int], sizes: list[int]) -> list[int]:
    """Exit years 2015–2019 for households (in order) so that the people left at each year end
    follow ``remaining`` (all gone by the end of 2019)."""
    years, left, index = [], sum(sizes), 0
    for year in range(2015, 2020):
        while index < len(sizes) and left - sizes[index] >= remaining[year]:
            left -= sizes[index]
            years.append(year)
            index += 1
    years.extend([2019] * (len(sizes) - index))
    return years


def pick_within(
    rng: random.Random, sizes: list[int], among: list[int], budget: int, most: int
) -> list[int]:
    """At most ``most`` households of ``among`` (indexes into ``sizes``), drawn at random, whose
    people add up to at most ``budget``."""
    picked: list[int] = []
    people = 0
    for index in rng.sample(among, len(among)):
        if len(picked) == most:
            break
        if people + sizes[index] <= budget:
            picked.append(index)
            people += sizes[index]
    return picked


def deliberate_flaws(
    rng: random.Random,
    plan: tuple[list[int], list[int], list[str]],
    county_exit: int,
    kinds: Iterator[str],
) -> list[str]:
    """The flaw of each registered household of a county (mostly none): wrong exits (the kinds
    in turn) among the households exited by the county's exit year — their people at most
    ``WRONG_EXIT_SHARE`` of those exited, their number at most ``WRONG_EXIT_HOUSEHOLDS`` of
    those households (rounded up) — and households not visited in 2020 among those
    exited by 2019. The demo village, where the casework happens, has none. ``plan`` is the
    county's sizes, exit years and villages."""
    sizes, years, villages = plan
    flaws = [""] * len(sizes)
    chosen = [i for i, village in enumerate(villages) if village != DEMO_VILLAGE]
    exited = [i for i in chosen if years[i] <= county_exit]
    budget = int(sum(sizes[i] for i in exited) * WRONG_EXIT_SHARE)
    most = math.ceil(len(exited) * WRONG_EXIT_HOUSEHOLDS)
    for index in pick_within(rng, sizes, exited, budget, most):
        flaws[index] = next(kinds)
    before_2020 = [i for i in chosen if years[i] <= 2019 and not flaws[i]]
    for index in rng.sample(before_2020, int(len(before_2020) * UNVISITED_SHARE)):
        flaws[index] = Flaw.UNVISITED
    return flaws
