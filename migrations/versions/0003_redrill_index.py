"""review states: an index for pending same-day repeats (the study queue looks them up)

Revision ID: 0003_redrill_index
Revises: 0002_review_log_stats
Create Date: 2026-11-22 03:06:43.718197
"""

from __future__ import annotations

from alembic import op

revision = '0003_redrill_index'
down_revision = '0002_review_log_stats'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('review_states', schema=None) as batch_op:
        batch_op.create_index('ix_review_states_redrill', ['needs_redrill', 'due'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('review_states', schema=None) as batch_op:
        batch_op.drop_index('ix_review_states_redrill')
