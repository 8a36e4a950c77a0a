"""kspolicy: a policy knowledge base with exact, cited answers (offline)."""

import hashlib
from pathlib import Path

__version__ = "0.2.0"
PARSER_REVISION = 30  # bump when parsing, chunking or facts change: every document is then re-parsed


def parser_version(vocabulary: Path = Path(__file__).parent / "understand" / "vocab") -> str:
    """The parser's revision and a digest of its vocabulary files: teaching the parser a new word
    (understand/vocab/*.toml) re-parses every document at the next build, like a code change."""
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(vocabulary.glob("*.toml"))))
    return f"{PARSER_REVISION}.{digest.hexdigest()[:8]}"


PARSER_VERSION = parser_version()
