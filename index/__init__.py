"""Ingestion: read -> clean -> split -> embed -> store in Chroma, incrementally."""
