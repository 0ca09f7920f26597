"""Calendar rules the billing shares: the reference engine refuses with them, ``validate`` warns the author first."""

from __future__ import annotations

from datetime import date


def one_year_after(day: date) -> date | None:
    """The same day one year later (29 February → 28 February), as the billing delay is counted; None past the
    calendar's end (a care of the year 9999, which a casebook may write: no billing date reaches a year later)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February; or the year 9999, which has no next (a calendar limit, not a billing rule)
        return day.replace(year=day.year + 1, day=28) if day.year < date.max.year else None
