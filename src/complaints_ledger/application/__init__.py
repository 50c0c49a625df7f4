"""The application layer: the ledger, its command catalogue, read audit and case view."""
