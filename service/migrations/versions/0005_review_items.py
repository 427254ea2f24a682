"""The QA review queue: an audit's findings stored as a named batch, and each reviewer's decision.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("batch", sa.String(200), nullable=False),
        sa.Column("form_id", sa.String(200), nullable=False),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("probability", sa.Float, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("agent", sa.String(200)),
        sa.Column("source", sa.Text),
        sa.Column("observations", sa.Text, nullable=False),
        sa.Column("general_note", sa.Text, nullable=False),
        sa.Column("ticked_reasons", sa.Text, nullable=False),
        sa.Column("ticked_flag", sa.Boolean),
        sa.Column("status", sa.String(40)),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("instead", sa.Text, nullable=False),
        sa.Column("model_version", sa.String(100), nullable=False),
        sa.Column("suggested_reasons", sa.Text, nullable=False),
        sa.Column("suggested_flag", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.String(10)),
        sa.Column("decided_by", sa.String(200)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("corrected", sa.Text),
        sa.UniqueConstraint("batch", "form_id", "code", "kind", name="uq_review_items_finding"),
    )
    op.create_index("ix_review_items_form_id", "review_items", ["form_id"])
    op.create_index("ix_review_items_batch_score", "review_items", ["batch", "score"])


def downgrade() -> None:
    op.drop_table("review_items")
