"""Small numbers: the rules, and attacks that try to recover hidden cells from what is published."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fridsam.statistics.suppression import Constraint, is_primary, suppress


def value_ranges(cells, constraints, hidden):
    """The attack: the least and greatest whole value each hidden cell can take, given everything
    that is published (the visible cells, and that each constraint's total is the sum of its
    parts), every hidden cell being at least 1. Exact integer programming, one cell at a time."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    unknown = sorted(hidden, key=str)
    index = {k: i for i, k in enumerate(unknown)}
    rows, rhs = [], []
    for c in constraints:
        row = np.zeros(len(unknown))
        b = 0
        for member, sign in [*((p, 1) for p in c.parts), (c.total, -1)]:
            if member in index:
                row[index[member]] += sign
            else:
                b -= sign * (cells.get(member) or 0)
        if row.any():
            rows.append(row)
            rhs.append(b)
    equations = LinearConstraint(np.array(rows), rhs, rhs)
    ranges = {}
    for key in unknown:
        found = []
        for direction in (1, -1):
            objective = np.zeros(len(unknown))
            objective[index[key]] = direction
            result = milp(
                objective, constraints=[equations], integrality=np.ones(len(unknown)), bounds=Bounds(1, 10_000)
            )
            assert result.status == 0, f"the published figures admit no solution: {result.message}"
            found.append(round(result.x[index[key]]))
        ranges[key] = (found[0], found[1])
    return ranges


def assert_not_recoverable(cells, constraints, hidden):
    if not hidden:
        return
    for key, (least, greatest) in value_ranges(cells, constraints, hidden).items():
        assert least < greatest, f"{key} is recoverable: the only possible value is {least}"


def test_primary_suppression_hides_one_to_four_but_not_zero():
    assert [is_primary(v, 4) for v in (None, 0, 1, 4, 5)] == [False, False, True, True, False]


def test_a_single_small_cell_next_to_a_published_total_takes_another_cell_with_it():
    cells = {"a": 3, "b": 40, "c": 12, "d": 0, "total": 55}
    constraints = [Constraint("total", ("a", "b", "c", "d"))]
    hidden = suppress(cells, constraints, limit=4)
    assert hidden == {"a", "c"}  # the smallest non-zero visible part, never the zero
    assert_not_recoverable(cells, constraints, hidden)


def test_two_ones_are_not_enough_when_their_sum_is_published():
    # a + b = 2 with both at least 1 tells the reader both are 1: a third cell is hidden.
    cells = {"a": 1, "b": 1, "c": 30, "d": 9, "total": 41}
    constraints = [Constraint("total", ("a", "b", "c", "d"))]
    hidden = suppress(cells, constraints, limit=4)
    assert hidden == {"a", "b", "d"}
    assert_not_recoverable(cells, constraints, hidden)


def test_a_small_total_is_hidden_with_a_part():
    cells = {"a": 2, "b": 0, "total": 2}
    constraints = [Constraint("total", ("a", "b"))]
    hidden = suppress(cells, constraints, limit=4)
    assert {"a", "total"} <= hidden


def test_the_threshold_is_configurable(settings):
    settings.FRIDSAM_SUPPRESSION_THRESHOLD = 9
    assert suppress({"a": 8, "b": 10}) == {"a"}


def test_secondary_suppression_spreads_through_overlapping_totals():
    # County total and the two groups (with / without a coordinator) over the same cells.
    cells = {"m1": 2, "m2": 20, "m3": 15, "m4": 30, "county": 67, "with": 22, "without": 45}
    constraints = [
        Constraint("county", ("m1", "m2", "m3", "m4")),
        Constraint("with", ("m1", "m2")),
        Constraint("without", ("m3", "m4")),
        Constraint("county", ("with", "without")),
    ]
    hidden = suppress(cells, constraints, limit=4)
    assert {"m1", "m2"} <= hidden  # m2 goes with m1 inside its group
    assert_not_recoverable(cells, constraints, hidden)


@st.composite
def county_tables(draw):
    n = draw(st.integers(2, 6))
    values = draw(st.lists(st.integers(0, 12), min_size=n, max_size=n))
    with_coordinator = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    cells = {f"m{i}": v for i, v in enumerate(values)}
    constraints = [Constraint("county", tuple(cells))]
    cells["county"] = sum(values)
    for group, flag in (("with", True), ("without", False)):
        members = tuple(f"m{i}" for i in range(n) if with_coordinator[i] == flag)
        if members:
            cells[group] = sum(cells[m] for m in members)
            constraints.append(Constraint(group, members))
    if "with" in cells and "without" in cells:
        # Implied by the others, but the rules only see what they are told: the pages publish it.
        constraints.append(Constraint("county", ("with", "without")))
    return cells, constraints


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(county_tables())
def test_no_hidden_cell_of_a_county_table_can_be_recovered(table):
    cells, constraints = table
    hidden = suppress(cells, constraints, limit=4)
    assert all(k in hidden for k, v in cells.items() if 1 <= v <= 4)
    assert_not_recoverable(cells, constraints, hidden)


@st.composite
def tables_with_sums(draw):
    """Municipalities × three parts (adults, children exposed, children who witnessed), each
    municipality's sum of the parts, and the county total of every column."""
    n = draw(st.integers(2, 4))
    cells, constraints = {}, []
    for i in range(n):
        parts = draw(st.lists(st.integers(0, 8), min_size=3, max_size=3))
        for j, v in enumerate(parts):
            cells[(j, i)] = v
        cells[("sum", i)] = sum(parts)
        constraints.append(Constraint(("sum", i), tuple((j, i) for j in range(3))))
    for column in (0, 1, 2, "sum"):
        members = tuple((column, i) for i in range(n))
        cells[(column, "county")] = sum(cells[m] for m in members)
        constraints.append(Constraint((column, "county"), members))
    constraints.append(Constraint(("sum", "county"), tuple((j, "county") for j in range(3))))
    return cells, constraints


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables_with_sums())
def test_no_hidden_cell_of_a_table_with_row_and_column_totals_can_be_recovered(table):
    cells, constraints = table
    hidden = suppress(cells, constraints, limit=4)
    assert_not_recoverable(cells, constraints, hidden)


@pytest.mark.parametrize("value", [1, 2, 3, 4])
def test_rates_leave_no_trace_of_a_hidden_count(value):
    from fridsam.statistics.models import Indicator, Unit
    from fridsam.statistics.selectors import Cell, comparable

    indicator = Indicator(key="x", unit=Unit.PER_10K_INHABITANTS)
    cell = Cell(count=value, population=5000, hidden=True)
    assert comparable(indicator, cell) is None


def test_cells_published_together_are_hidden_together():
    # A share's number (a) is small; what it leaves out (a_rest) goes with it, and then the
    # total of the rests needs a second hidden rest.
    cells = {"a": 3, "a_rest": 44, "b": 41, "b_rest": 23, "n": 44, "rest": 67}
    constraints = [Constraint("n", ("a", "b")), Constraint("rest", ("a_rest", "b_rest"))]
    hidden = suppress(cells, constraints, limit=4, together=[("a", "a_rest"), ("b", "b_rest")])
    assert hidden == {"a", "a_rest", "b", "b_rest"}
    assert_not_recoverable(cells, constraints, hidden)


def share_ranges(table, hidden_ids):
    """The attack on shares: a reader who knows every denominator (risk assessments are out of
    all actualised cases, which are published), every visible municipality's share and every
    published group share (so the group's number: share × the group's denominator) looks for the
    least and greatest whole number of each hidden municipality, at least 0 and at most its
    denominator."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    shares, groups, shown_groups = table["shares"], table["groups"], table["shown_groups"]
    unknown = sorted(hidden_ids)
    index = {m: i for i, m in enumerate(unknown)}
    rows, rhs = [], []
    for group in shown_groups:
        # The group's number less its visible members' numbers: what its hidden members add up to.
        row = np.zeros(len(unknown))
        for m in groups[group]:
            if m in index:
                row[index[m]] = 1
        if row.any():
            rows.append(row)
            rhs.append(sum(shares[m][0] for m in groups[group] if m in index))
    upper = np.array([shares[m][1] for m in unknown], dtype=float)
    constraints = [LinearConstraint(np.array(rows), rhs, rhs)] if rows else []
    ranges = {}
    for m in unknown:
        found = []
        for direction in (1, -1):
            objective = np.zeros(len(unknown))
            objective[index[m]] = direction
            result = milp(
                objective, constraints=constraints, integrality=np.ones(len(unknown)), bounds=Bounds(0, upper)
            )
            assert result.status == 0, result.message
            found.append(round(result.x[index[m]]))
        ranges[m] = tuple(found)
    return ranges


@st.composite
def county_shares(draw):
    n = draw(st.integers(2, 6))
    denominators = draw(st.lists(st.integers(1, 40), min_size=n, max_size=n))
    numbers = [draw(st.integers(0, d)) for d in denominators]
    with_coordinator = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return list(zip(numbers, denominators, strict=True)), with_coordinator


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(county_shares())
def test_no_hidden_share_can_be_recovered_from_the_county_and_group_shares(table):
    from fridsam.statistics.models import Indicator, Unit
    from fridsam.statistics.selectors import COUNTY, WITH, WITHOUT, Cell, Figures, _add_totals, _suppress

    pairs, with_coordinator = table
    indicator = Indicator(key="risk_assessment_rate", unit=Unit.PERCENT, counts_people=True)

    class Place:
        def __init__(self, pk):
            self.pk, self.name = pk, f"m{pk}"

    places = [Place(i) for i in range(len(pairs))]
    figures = Figures(places, [2024], [indicator])
    for place, (number, denominator), flag in zip(places, pairs, with_coordinator, strict=True):
        figures.cells[(indicator.key, place.pk, 2024)] = Cell(count=number, denominator=denominator)
        figures.with_coordinator[(place.pk, 2024)] = flag
    _add_totals(figures, {indicator.key: indicator})
    _suppress(figures, {indicator.key: indicator}, 4)
    cell = figures.cell
    hidden = {p.pk for p in places if cell(indicator, p.pk, 2024).hidden}
    for p, (number, denominator) in zip(places, pairs, strict=True):
        if 1 <= number <= 4 or 1 <= denominator - number <= 4:
            assert p.pk in hidden
    groups = {
        COUNTY: [p.pk for p in places],
        WITH: [p.pk for p, f in zip(places, with_coordinator, strict=True) if f],
        WITHOUT: [p.pk for p, f in zip(places, with_coordinator, strict=True) if not f],
    }
    shown_groups = [g for g, members in groups.items() if members and not cell(indicator, g, 2024).hidden]
    ranges = share_ranges({"shares": dict(enumerate(pairs)), "groups": groups, "shown_groups": shown_groups}, hidden)
    for m, (least, greatest) in ranges.items():
        assert least < greatest, f"m{m}'s hidden number can only be {least}: {pairs}, {with_coordinator}"
