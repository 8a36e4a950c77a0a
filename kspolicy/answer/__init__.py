"""Question to answer: analysis, retrieval, composition."""
