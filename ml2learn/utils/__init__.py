"""Helpers shared by every ml2learn estimator."""

from .discovery import all_estimators

__all__ = ["all_estimators"]
