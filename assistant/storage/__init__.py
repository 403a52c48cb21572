"""Storage: SQLAlchemy 2 models, alembic migrations (upgrade on start) and repository functions."""

from assistant.storage.db import Database, open_database, utcnow
from assistant.storage.records import (
           list_quiz_answers,
           list_quiz_scores,
           record_quiz_answer,
           record_quiz_score,
)

__all__ = ["Database", "list_quiz_answers", "list_quiz_scores", "open_database", "record_quiz_answer",
           "record_quiz_score", "utcnow"]
