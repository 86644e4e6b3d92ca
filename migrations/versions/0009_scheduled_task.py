"""scheduled_task: when each daily task (the retention purge) last ran, shared by every process

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 04:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'scheduled_task',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('last_run_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduled_task')),
    )


def downgrade():
    op.drop_table('scheduled_task')
