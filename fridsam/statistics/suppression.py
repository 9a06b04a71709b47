"""Small numbers protected: the one module every output that leaves a municipality goes through.

A *cell* is a count of people or cases (a municipality's figure for an indicator and year, or a
total over several municipalities). A *constraint* says that the published total is the sum of
its parts (the county total of a year, the total of the municipalities with a coordinator, all
actualised cases = adults + children…). Rates shown elsewhere are derived from the cells with
public population figures, so a hidden cell hides its rate too. A share is two cells, its number
and what it leaves out, each summed over the groups like a count (ADR 0017).

Rules (ADR 0010):

1. **Primary suppression**: a count from 1 to the threshold (4 by default,
   ``FRIDSAM_SUPPRESSION_THRESHOLD``) is hidden. Zero is shown: it reveals no one.
2. **Secondary suppression**: in every constraint, either nothing is hidden or at least two
   members are; and when the total is shown, the hidden parts must add up to more than their
   number (each hidden part is at least 1, so parts adding up to exactly their number would all
   be 1). Otherwise the smallest visible non-zero part is hidden too (the total, when no part is
   left). This repeats until every constraint holds, since hiding a cell can break another
   constraint it belongs to.
3. **Published together, hidden together**: cells named in one group of ``together`` (a share's
   number and what it leaves out) are hidden all or none, and the rules run again.

The tests attack the result: they enumerate every assignment of the hidden cells that agrees
with everything published and check that no hidden cell has only one possible value.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from scipy.optimize import linprog
from scipy.sparse import coo_matrix, hstack, identity
from scipy.sparse.linalg import lsqr

Key = Hashable


def threshold() -> int:
    return int(getattr(settings, "FRIDSAM_SUPPRESSION_THRESHOLD", 4))


@dataclass(frozen=True)
class Constraint:
    """``total`` is published as the sum of ``parts`` (all keys of cells)."""

    total: Key
    parts: tuple[Key, ...]

    @property
    def members(self) -> tuple[Key, ...]:
        return (*self.parts, self.total)


def is_primary(count: int | None, limit: int | None = None) -> bool:
    limit = threshold() if limit is None else limit
    return count is not None and 1 <= count <= limit


def _lower_bounds(cells: Mapping[Key, int | None], constraints: list[Constraint], hidden: set[Key]) -> dict:
    """What a reader can tell about each hidden cell's minimum: a hidden count is at least 1 (zeros
    are never hidden), a hidden total at least the minimums of its parts plus its visible parts."""
    bounds = {key: 1 for key in hidden}
    for _round in range(4):  # totals of totals are at most a few levels deep
        changed = False
        for constraint in constraints:
            if constraint.total not in hidden:
                continue
            floor = sum(bounds[p] if p in hidden else (cells.get(p) or 0) for p in constraint.parts)
            if floor > bounds[constraint.total]:
                bounds[constraint.total] = floor
                changed = True
        if not changed:
            break
    return bounds


def _satisfied(constraint: Constraint, cells: Mapping[Key, int | None], hidden: set[Key], bounds: dict) -> bool:
    hidden_members = [m for m in constraint.members if m in hidden]
    if not hidden_members:
        return True
    if len(hidden_members) < 2:
        return False
    if constraint.total in hidden:
        return True
    # The hidden parts add up to a published number: it must leave room above their minimums,
    # or each is exactly its minimum.
    hidden_sum = sum(cells[m] or 0 for m in hidden_members)
    return hidden_sum - sum(bounds.get(m, 1) for m in hidden_members) >= 1


def _next_to_hide(constraint: Constraint, cells: Mapping[Key, int | None], hidden: set[Key]) -> Key | None:
    candidates = [p for p in constraint.parts if p not in hidden and (cells.get(p) or 0) > 0]
    if candidates:
        return min(candidates, key=lambda p: (cells[p], str(p)))
    if constraint.total not in hidden and cells.get(constraint.total) is not None:
        return constraint.total
    return None


def suppress(
    cells: Mapping[Key, int | None],
    constraints: Iterable[Constraint] = (),
    *,
    limit: int | None = None,
    together: Iterable[Iterable[Key]] = (),
) -> set[Key]:
    """The keys of the cells to hide. ``cells`` maps keys to counts (None = no figure);
    ``together``: groups of cells that are shown or hidden as one (rule 3)."""
    constraints = list(constraints)
    together = [tuple(group) for group in together]
    hidden = {key for key, count in cells.items() if is_primary(count, limit)}
    _hide_together(together, hidden)
    if not constraints or not hidden:
        return hidden
    # Hiding a cell can break another constraint, and the minimums a reader can infer change as
    # cells are hidden: the rules run until nothing more needs hiding, then the audit solves the
    # published equations and hides more wherever a hidden cell still follows from them.
    solved: dict = {}  # components already audited, by their equations
    while True:
        _apply_rules(cells, constraints, hidden)
        if _hide_together(together, hidden):
            continue
        determined = _determined(cells, constraints, hidden, solved)
        progress = [_hide_next_to(key, cells, constraints, hidden) for key in sorted(determined, key=str)]
        if not any(progress):
            return hidden  # everything connected is hidden already


def _hide_together(together: list[tuple], hidden: set) -> bool:
    """Hide the rest of every group of which a cell is hidden; True when something was hidden."""
    more = {key for group in together if hidden.intersection(group) for key in group} - hidden
    hidden |= more
    return bool(more)


def _apply_rules(cells, constraints, hidden) -> None:
    while True:
        bounds = _lower_bounds(cells, constraints, hidden)
        before = len(hidden)
        for constraint in constraints:
            guard = 0
            while not _satisfied(constraint, cells, hidden, bounds) and guard <= len(constraint.members):
                guard += 1
                key = _next_to_hide(constraint, cells, hidden)
                if key is None:
                    # Nothing non-zero left to hide in this constraint: the audit below looks further.
                    break
                hidden.add(key)
                bounds = _lower_bounds(cells, constraints, hidden)
        if len(hidden) == before:
            return


def _hide_next_to(key, cells, constraints, hidden) -> bool:
    """A hidden cell still follows from the published figures: hide the nearest visible cell,
    searching outwards through the constraints (non-zero cells first). False when nothing is left."""
    seen_keys, frontier = {key}, [key]
    while frontier:
        touching = [c for c in constraints if any(k in c.members for k in frontier)]
        members = {m for c in touching for m in c.members} - seen_keys
        visible = [m for m in members if m not in hidden and (cells.get(m) or 0) > 0]
        if visible:
            hidden.add(min(visible, key=lambda m: (cells[m], str(m))))
            return True
        seen_keys |= members
        frontier = list(members)
    return False


def _determined(cells, constraints, hidden, solved: dict | None = None) -> set:
    """Hidden cells that a reader can compute from the published figures.

    The published figures are equations over the hidden cells (each constraint: parts − total
    = 0, with the visible cells moved to the right-hand side), and every hidden cell is at least
    1. For each connected group of hidden cells, one linear programme finds the cells that can
    never rise above 1 (they are pinned at their minimum); the rest are substituted and the
    equations solved exactly: a cell with a row of its own is pinned by the equations alone.
    The tables published are sums over nested groups, whose vertices are whole numbers, so a
    cell that can move in the programme can take two whole values."""
    equations = []
    for constraint in constraints:
        row: dict = {}
        rhs = 0
        for member, sign in [*((p, 1) for p in constraint.parts), (constraint.total, -1)]:
            if member in hidden:
                row[member] = row.get(member, 0) + sign
            else:
                rhs -= sign * (cells.get(member) or 0)
        row = {k: v for k, v in row.items() if v}
        if row:
            equations.append((row, rhs))
    determined: set = set()
    solved = {} if solved is None else solved
    for component in _components(equations):
        signature = hash(tuple(sorted((repr(sorted(row.items(), key=repr)), rhs) for row, rhs in component)))
        if signature not in solved:
            solved[signature] = _pinned(component)
        determined |= solved[signature]
    return determined


def _components(equations):
    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for row, _rhs in equations:
        keys = list(row)
        for other in keys[1:]:
            parent[find(other)] = find(keys[0])
    groups: dict = {}
    for row, rhs in equations:
        groups.setdefault(find(next(iter(row))), []).append((row, rhs))
    return list(groups.values())


def _pinned(equations) -> set:
    variables = sorted({k for row, _rhs in equations for k in row}, key=str)
    at_minimum = _at_minimum(equations, variables)
    if at_minimum is None:
        return set()  # inconsistent figures: nothing sensible to protect against
    free = [v for v in variables if v not in at_minimum]
    return at_minimum | _fixed_by_equations([row for row, _rhs in equations], free)


def _at_minimum(equations, variables) -> set | None:
    """The variables that equal 1 in every solution of the equations with all variables ≥ 1:
    maximise the sum of s_i with x_i − s_i ≥ 1 and 0 ≤ s_i ≤ 1; at the optimum s_i > 0 for every
    variable that can exceed 1 (the feasible set is convex)."""
    n = len(variables)
    index = {v: i for i, v in enumerate(variables)}
    data, row_ids, col_ids = [], [], []
    b_eq = np.zeros(len(equations))
    for r, (row, rhs) in enumerate(equations):
        for k, v in row.items():
            data.append(float(v))
            row_ids.append(r)
            col_ids.append(index[k])
        b_eq[r] = rhs
    a_eq = coo_matrix((data, (row_ids, col_ids)), shape=(len(equations), 2 * n)).tocsr()
    a_ub = hstack([-identity(n), identity(n)]).tocsr()  # -x + s <= -1
    b_ub = -np.ones(n)
    c = np.concatenate([np.zeros(n), -np.ones(n)])
    bounds = [(1, None)] * n + [(0, 1)] * n
    result = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if result.status != 0:
        return None
    return {v for v in variables if result.x[n + index[v]] < 1e-6}


def _fixed_by_equations(rows, variables) -> set:
    """Variables the equations fix on their own: those on which every solution of the homogeneous
    system is zero. A random vector projected onto the null space (sparse least squares) is
    zero exactly there, with probability one; two projections guard against an unlucky draw."""
    if not variables:
        return set()

    index = {v: i for i, v in enumerate(variables)}
    data, row_ids, col_ids = [], [], []
    for r, row in enumerate(rows):
        for k, v in row.items():
            if k in index:
                data.append(float(v))
                row_ids.append(r)
                col_ids.append(index[k])
    if not data:
        return set()
    matrix = coo_matrix((data, (row_ids, col_ids)), shape=(len(rows), len(variables))).tocsr()
    rng = np.random.default_rng(20261126)
    movable = np.zeros(len(variables), dtype=bool)
    for _draw in range(2):
        r = rng.standard_normal(len(variables))
        y = lsqr(matrix.T, r, atol=1e-14, btol=1e-14, iter_lim=20 * len(variables) + 100)[0]
        projection = r - matrix.T @ y
        movable |= np.abs(projection) > 1e-7
    return {v for v in variables if not movable[index[v]]}
