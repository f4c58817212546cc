"""User-facing ingestion errors: each carries one clear message, never a traceback."""


class CorpusError(Exception):
    """The corpus folder or one of its files cannot be used as given."""


class IndexLocked(Exception):
    """Another process is writing the same index right now."""
