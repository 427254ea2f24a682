"""The form version a confirmation was made on (v1 older form, v2 newer), when the client says.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("confirmations") as batch:
        batch.add_column(sa.Column("form_version", sa.String(10)))


def downgrade() -> None:
    with op.batch_alter_table("confirmations") as batch:
        batch.drop_column("form_version")
