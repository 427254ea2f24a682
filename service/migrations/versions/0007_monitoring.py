"""Live measures: suggestion requests, each draft's last suggestion, confirmed drafts (no texts),
and a challenger's suggestions beside the champion's on confirmed forms.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitor_requests",
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("model_version", sa.String(100), nullable=False),
        sa.Column("requests", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("day", "model_version", name="pk_monitor_requests"),
    )
    op.create_table(
        "monitor_drafts",
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("model_version", sa.String(100), nullable=False),
        sa.Column("draft_key", sa.String(64), nullable=False),
        sa.Column("requests", sa.Integer, nullable=False),
        sa.Column("abstain", sa.Boolean, nullable=False),
        sa.Column("flag", sa.Boolean, nullable=False),
        sa.Column("chars", sa.Integer, nullable=False),
        sa.Column("suggested", sa.Text, nullable=False),
        sa.Column("probabilities", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", "model_version", "draft_key", name="pk_monitor_drafts"),
    )
    op.create_table(
        "monitor_confirmed_drafts",
        sa.Column("draft_key", sa.String(64), primary_key=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "shadow_results",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("form_id", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("champion_version", sa.String(100), nullable=False),
        sa.Column("shadow_version", sa.String(100), nullable=False),
        sa.Column("champion", sa.Text, nullable=False),
        sa.Column("shadow", sa.Text, nullable=False),
        sa.Column("confirmed", sa.Text, nullable=False),
    )
    op.create_index("ix_shadow_results_form_id", "shadow_results", ["form_id"])
    op.create_index("ix_shadow_results_shadow_version", "shadow_results", ["shadow_version"])


def downgrade() -> None:
    op.drop_table("shadow_results")
    op.drop_table("monitor_confirmed_drafts")
    op.drop_table("monitor_drafts")
    op.drop_table("monitor_requests")
