"""Tribunal Desk (法庭自动履行工作台)."""

__version__ = "0.1.0"
