"""The operator's imported history of past forms (`motivo history import`).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "history_cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("form_id", sa.String(200)),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("observations", sa.Text, nullable=False),
        sa.Column("general_note", sa.Text, nullable=False),
        sa.Column("reasons", sa.Text),
        sa.Column("judicializacao", sa.Boolean),
        sa.Column("status", sa.String(40)),
        sa.Column("form_version", sa.String(10)),
        sa.Column("form_date", sa.Date),
        sa.Column("conflict", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("text_sha256"),
    )
    op.create_index("ix_history_cases_source", "history_cases", ["source"])


def downgrade() -> None:
    op.drop_table("history_cases")
