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
