"""Reference data shipped with the package: boundaries, neighborhoods, CVI programs.

Every read of these tables goes through this package, so the data's location and
spelling rules live in one place.
"""

from bmoredash.reference import boundaries, cvi, neighborhoods

__all__ = ["boundaries", "cvi", "neighborhoods"]
