"""Roles: every token has one (existing tokens become agents), every confirmation records it.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tokens") as batch:
        batch.add_column(sa.Column("role", sa.String(10), nullable=False, server_default="agent"))
    with op.batch_alter_table("confirmations") as batch:
        batch.add_column(sa.Column("role", sa.String(10), nullable=False, server_default="agent"))


def downgrade() -> None:
    with op.batch_alter_table("confirmations") as batch:
        batch.drop_column("role")
    with op.batch_alter_table("tokens") as batch:
        batch.drop_column("role")
