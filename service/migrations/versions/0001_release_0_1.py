"""The schema of release 0.1 exactly as its `create_all` wrote it: tokens and confirmations.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "confirmations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("form_id", sa.String(200)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_by", sa.String(200), nullable=False),
        sa.Column("observations", sa.Text, nullable=False),
        sa.Column("general_note", sa.Text, nullable=False),
        sa.Column("model_version", sa.String(100), nullable=False),
        sa.Column("suggested_reasons", sa.Text, nullable=False),
        sa.Column("suggested_flag", sa.Boolean, nullable=False),
        sa.Column("reasons", sa.Text, nullable=False),
        sa.Column("judicializacao", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(40)),
        sa.Column("superseded_by", sa.Integer),
    )
    op.create_index("ix_confirmations_form_id", "confirmations", ["form_id"])
    op.create_index("ix_confirmations_created_at", "confirmations", ["created_at"])


def downgrade() -> None:
    op.drop_table("confirmations")
    op.drop_table("tokens")
