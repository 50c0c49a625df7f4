"""The read side: projections of the event log into view tables, rebuildable at any time."""
