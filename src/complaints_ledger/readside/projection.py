"""The plug-in API under its first names, kept so projections written against them still load.

New code imports `ReadModel` and `Table` from `complaints_ledger.readside.read_model`.
"""

from complaints_ledger.readside.read_model import ReadModel, Table

Projection = ReadModel

__all__ = ["Projection", "Table"]
