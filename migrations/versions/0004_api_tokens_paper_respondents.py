"""api tokens; respondents entered from paper

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 22:40:00

"""
from alembic import op
import sqlalchemy as sa

import database


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facilitator_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('hint', sa.String(length=16), nullable=False),
    sa.Column('created_at', database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['facilitator_id'], ['facilitator.id'], name=op.f('fk_api_token_facilitator_id_facilitator'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_facilitator_id'), ['facilitator_id'], unique=False)

    with op.batch_alter_table('respondent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=10), nullable=False, server_default='online'))
        batch_op.add_column(sa.Column('reference', sa.String(length=40), nullable=True))
        batch_op.create_check_constraint(op.f('ck_respondent_valid_source'), "source IN ('online', 'paper')")
        batch_op.create_unique_constraint(batch_op.f('uq_respondent_assessment_id'), ['assessment_id', 'reference'])


def downgrade():
    with op.batch_alter_table('respondent', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_respondent_assessment_id'), type_='unique')
        batch_op.drop_constraint(op.f('ck_respondent_valid_source'), type_='check')
        batch_op.drop_column('reference')
        batch_op.drop_column('source')

    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_facilitator_id'))

    op.drop_table('api_token')
