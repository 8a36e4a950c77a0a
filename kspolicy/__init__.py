"""kspolicy: a policy knowledge base with exact, cited answers (offline)."""

__version__ = "0.1.0"
# Bump when parsing, chunking or facts change: every document is then re-parsed.
PARSER_VERSION = 5
