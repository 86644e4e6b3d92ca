"""round.workshop_revision: bumped whenever a round's consensus or actions change

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 21:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('workshop_revision', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_column('workshop_revision')
