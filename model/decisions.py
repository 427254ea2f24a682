"""From calibrated probabilities to what the agent is shown: suggested, possible, flagged."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from model.taxonomy import check_neighbours

# A reason from half its threshold up to its threshold is shown as "possível": a hint, not a
# suggestion, so that a reason just under its threshold does not vanish while the agent types.
POSSIBLE_SHARE = 0.5


@dataclass(frozen=True)
class Decisions:
    """What the model tells the agent for each case: the suggested reasons, the possible ones,
    whether the note states any reason yet, and whether the flag is raised."""

    suggested: np.ndarray  # (cases x reasons) bool
    possible: np.ndarray  # (cases x reasons) bool: under the threshold, at least half of it
    flagged: np.ndarray  # (cases,) bool

    @property
    def no_reason(self) -> np.ndarray:
        """The note states no reason yet: nothing suggested, nothing even possible."""
        return ~(self.suggested | self.possible).any(axis=1)

    @property
    def abstain(self) -> np.ndarray:
        """No reason suggested (the model still offers its best guesses)."""
        return ~self.suggested.any(axis=1)


def neighbour_matrix(pairs: Sequence[Sequence[str]], codes: Sequence[str]) -> np.ndarray:
    """(reasons x reasons) bool, read-only: True where two reasons are neighbours (`pairs`, both
    ways). Built once per set of pairs: a model with the rule on asks for it on every request."""
    return _neighbour_matrix(tuple(map(tuple, pairs)), tuple(codes))


@lru_cache(maxsize=16)
def _neighbour_matrix(pairs: tuple[tuple[str, ...], ...], codes: tuple[str, ...]) -> np.ndarray:
    check_neighbours(pairs, codes)
    index = {code: k for k, code in enumerate(codes)}
    matrix = np.zeros((len(codes), len(codes)), dtype=bool)
    for a, b in pairs:
        matrix[index[a], index[b]] = matrix[index[b], index[a]] = True
    matrix.setflags(write=False)
    return matrix


def decide(
    proba: np.ndarray,
    thresholds: np.ndarray,
    second_share: float = 1.0,
    neighbours: np.ndarray | None = None,
    neighbour_share: float = 1.0,
) -> Decisions:
    """Suggestions and flag from probabilities (cases x reasons+1), each label at its threshold
    (`thresholds`, reasons then the flag).

    Around each case's leader, its most probable reason at or over its threshold:
    `second_share` < 1 lets every other reason in from that share of its threshold (notes state
    their main reason plainly and the others in passing); > 1 asks that many times its threshold
    of every other reason. `neighbour_share` > 1 asks that many times its threshold only of the
    leader's `neighbours` (a reasons x reasons bool matrix): the boxes readers confuse with it.
    """
    proba = np.atleast_2d(proba)
    reasons, limits = proba[:, :-1], thresholds[:-1]
    over = reasons >= limits
    rows = np.arange(len(reasons))
    # The leader is chosen at the thresholds themselves, before any share moves them, so that no
    # rule can let in a reason that then pushes out the one that justified it.
    leader = np.argmax(np.where(over, reasons, -1.0), axis=1)
    has_leader = over.any(axis=1)
    suggested = over
    if second_share < 1.0:
        suggested = over | (has_leader[:, None] & (reasons >= second_share * limits))
    elif second_share > 1.0:
        enough = reasons >= second_share * limits
        enough[rows, leader] = True
        suggested = over & enough
    if neighbour_share > 1.0 and neighbours is not None:
        near = neighbours[leader] & has_leader[:, None]
        # A reason is never its own neighbour (check_neighbours), so the leader always stays.
        suggested = suggested & (~near | (reasons >= neighbour_share * limits))
    possible = ~suggested & (reasons >= POSSIBLE_SHARE * limits)
    return Decisions(suggested, possible, proba[:, -1] >= thresholds[-1])
