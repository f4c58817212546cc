"""Cited question answering over a folder of news articles: `from qa import Assistant`."""

from index.articles import Article
from index.errors import CorpusError, IndexLocked
from qa.answer import Answer, Citation, Final, Status, Text
from qa.assistant import Assistant, Conversation, QuestionError
from qa.llm import LLMError
from qa.settings import SettingsError

__all__ = [
    "Answer",
    "Article",
    "Assistant",
    "Citation",
    "Conversation",
    "CorpusError",
    "Final",
    "IndexLocked",
    "LLMError",
    "QuestionError",
    "SettingsError",
    "Status",
    "Text",
]
