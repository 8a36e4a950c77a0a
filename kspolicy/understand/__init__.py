"""Lines to clause tree, tables and typed facts."""
