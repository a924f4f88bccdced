"""A page of a longer list: its rows, the total and where it is (the ``pager`` macro shows it)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Page:
    rows: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))
