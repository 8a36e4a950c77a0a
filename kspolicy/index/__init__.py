"""Chunks, embedders, tokens, storage and the build."""
