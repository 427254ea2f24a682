"""One latest confirmation per form, enforced by a partial unique index; every confirmation has a form id.

Release 0.1 could store several "latest" rows for one form (concurrent replacements on
PostgreSQL): the newest one stays latest and the older ones are marked as superseded by it.
Confirmations stored without a form id get `legacy-<id>`.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "UPDATE confirmations SET form_id = 'legacy-' || CAST(id AS VARCHAR(20)) WHERE form_id IS NULL"
    )
    op.execute(
        """
        UPDATE confirmations SET superseded_by = (
            SELECT MAX(newest.id) FROM confirmations AS newest
            WHERE newest.form_id = confirmations.form_id AND newest.superseded_by IS NULL
        )
        WHERE superseded_by IS NULL AND id < (
            SELECT MAX(newest.id) FROM confirmations AS newest
            WHERE newest.form_id = confirmations.form_id AND newest.superseded_by IS NULL
        )
        """
    )
    with op.batch_alter_table("confirmations") as batch:
        batch.alter_column("form_id", existing_type=sa.String(200), nullable=False)
    op.create_index(
        "uq_confirmations_latest_form",
        "confirmations",
        ["form_id"],
        unique=True,
        sqlite_where=sa.text("superseded_by IS NULL"),
        postgresql_where=sa.text("superseded_by IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_confirmations_latest_form", "confirmations")
    with op.batch_alter_table("confirmations") as batch:
        batch.alter_column("form_id", existing_type=sa.String(200), nullable=True)
