"""What speaks to the database driver: connections that recover, and how store errors are told."""
