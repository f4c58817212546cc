"""Cited question answering over a folder of news articles: `from qa import Assistant`."""

from index.articles import Article
from qa.answer import Answer, Citation, Final, Status, Text
from qa.assistant import Assistant, Conversation, QuestionError

__all__ = ["Answer", "Article", "Assistant", "Citation", "Conversation", "Final", "QuestionError", "Status", "Text"]
