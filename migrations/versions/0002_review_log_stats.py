"""review log: SQL NULL for new cards, interval_before; statistics indexes

Revision ID: 0002_review_log_stats
Revises: 0001_initial
Create Date: 2026-11-22

Three changes to ``review_log``, all cheap on a large log (no table rebuild):

* ``state_before`` of a new card's first answer was written as the JSON text ``null`` instead
  of SQL NULL, so "was this card new?" (``state_before IS NULL``: the daily new-card limit, the
  statistics) never matched. Those rows become SQL NULL.
* ``interval_before``: the interval the card had when it was answered (NULL for a new card), a
  plain integer copy of ``state_before.interval``. Retention by interval over a million answers
  then reads one small index instead of parsing a million JSON documents, on every backend.
* ``(review_day, duration_ms)`` replaces the index on ``review_day`` alone, so reviews and time
  per day come from the index only; ``(interval_before, grade)`` serves retention the same way.

And ``cards (deck_id, retired, suspended)``, so per-deck counts never read the cards' text.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_review_log_stats"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.add_column("review_log", sa.Column("interval_before", sa.Integer(), nullable=True))
    if dialect == "postgresql":
        op.execute("UPDATE review_log SET state_before = NULL WHERE state_before::text = 'null'")
        op.execute("UPDATE cards SET demo_params = NULL WHERE demo_params::text = 'null'")
        op.execute(
            "UPDATE review_log SET interval_before = (state_before->>'interval')::integer "
            "WHERE state_before IS NOT NULL"
        )
    else:
        op.execute("UPDATE review_log SET state_before = NULL WHERE state_before = 'null'")
        op.execute("UPDATE cards SET demo_params = NULL WHERE demo_params = 'null'")
        op.execute(
            "UPDATE review_log SET interval_before = "
            "CAST(json_extract(state_before, '$.interval') AS INTEGER) "
            "WHERE state_before IS NOT NULL"
        )
    op.drop_index("ix_review_log_review_day", table_name="review_log")
    op.create_index("ix_review_log_day_duration", "review_log", ["review_day", "duration_ms"])
    op.create_index("ix_review_log_interval_grade", "review_log", ["interval_before", "grade"])
    op.create_index("ix_cards_deck_flags", "cards", ["deck_id", "retired", "suspended"])


def downgrade() -> None:
    op.drop_index("ix_cards_deck_flags", table_name="cards")
    op.drop_index("ix_review_log_interval_grade", table_name="review_log")
    op.drop_index("ix_review_log_day_duration", table_name="review_log")
    op.create_index("ix_review_log_review_day", "review_log", ["review_day"])
    with op.batch_alter_table("review_log") as batch_op:
        batch_op.drop_column("interval_before")
