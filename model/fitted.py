"""The fitted-check of estimator methods on the request path."""

from __future__ import annotations

from typing import Any

from sklearn.utils.validation import check_is_fitted


def require_fitted(estimator: Any, attribute: str) -> None:
    """sklearn's `check_is_fitted(estimator, attribute)`, at the cost of one attribute lookup once
    fitted: sklearn's check builds the estimator's tags (~5 us), and a suggestion makes several."""
    if not hasattr(estimator, attribute):
        check_is_fitted(estimator, attribute)
