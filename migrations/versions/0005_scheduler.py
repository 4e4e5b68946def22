"""scheduler: the learner's choice of SM-2 or FSRS, FSRS memory states, imported Anki answers

Revision ID: 0005_scheduler
Revises: 0003_redrill_index
Create Date: 2026-12-01

* ``scheduler_settings``: one row, the scheduler in use and FSRS's settings (desired retention,
  fitted weights, fuzz). It is the learner's, so it lives with their history, not in a config
  file of one machine. No row means SM-2 with FSRS's defaults.
* ``review_states.stability`` / ``difficulty``: FSRS's memory state (NULL under SM-2).
* ``review_log.first_of_day``: False for an answer to a card already answered that day (a
  redrill, a "study missed"), so retention by interval and the daily limits count a card once
  a day; existing rows are filled in by one window query.
* ``review_log.external_id``: the id of an answer imported from another app (Anki's revlog id),
  unique per card, so importing the same history twice adds it once.
* ``(first_of_day, interval_before, grade)`` replaces ``(interval_before, grade)`` for retention.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_scheduler"
down_revision = "0003_redrill_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scheduler_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=10), nullable=False),
        sa.Column("desired_retention", sa.Float(), nullable=False),
        sa.Column("weights", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("fuzz", sa.Boolean(), nullable=False),
        sa.Column("optimized_at", sa.DateTime(), nullable=True),
        sa.Column("optimized_reviews", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduler_settings")),
    )
    with op.batch_alter_table("review_states", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stability", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("difficulty", sa.Float(), nullable=True))
    op.add_column(
        "review_log",
        sa.Column("first_of_day", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.add_column("review_log", sa.Column("external_id", sa.BigInteger(), nullable=True))
    op.execute(
        "UPDATE review_log SET first_of_day = false WHERE id IN ("
        " SELECT id FROM (SELECT id, ROW_NUMBER() OVER ("
        "  PARTITION BY card_id, review_day ORDER BY reviewed_at, id) AS n FROM review_log"
        " ) AS ranked WHERE n > 1)"
    )
    op.create_index(
        "ix_review_log_external", "review_log", ["card_id", "external_id"], unique=True
    )
    op.drop_index("ix_review_log_interval_grade", table_name="review_log")
    op.create_index(
        "ix_review_log_retention", "review_log", ["first_of_day", "interval_before", "grade"]
    )


def downgrade() -> None:
    op.drop_index("ix_review_log_retention", table_name="review_log")
    op.create_index("ix_review_log_interval_grade", "review_log", ["interval_before", "grade"])
    op.drop_index("ix_review_log_external", table_name="review_log")
    with op.batch_alter_table("review_log", schema=None) as batch_op:
        batch_op.drop_column("external_id")
        batch_op.drop_column("first_of_day")
    with op.batch_alter_table("review_states", schema=None) as batch_op:
        batch_op.drop_column("difficulty")
        batch_op.drop_column("stability")
    op.drop_table("scheduler_settings")
