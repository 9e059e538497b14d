"""frameworks per programme

Hand-checked: a programme offers further frameworks besides its first (programs.framework_id),
in order; a cohort may choose one of them (null: the programme's first). Framework drafts
written in the browser's editor: their content as JSON in the file format, the programme
they are for (its leads edit them), the version they copy.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 22:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('program_frameworks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['framework_id'], ['frameworks.id'], name=op.f('fk_program_frameworks_framework_id_frameworks')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_program_frameworks_program_id_programs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_program_frameworks')),
    sa.UniqueConstraint('program_id', 'framework_id', name=op.f('uq_program_frameworks_program_id_framework_id'))
    )
    with op.batch_alter_table('program_frameworks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_program_frameworks_framework_id'), ['framework_id'], unique=False)

    op.create_table('framework_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=True),
    sa.Column('base_framework_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['base_framework_id'], ['frameworks.id'], name=op.f('fk_framework_drafts_base_framework_id_frameworks'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_framework_drafts_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_framework_drafts_program_id_programs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_framework_drafts'))
    )
    with op.batch_alter_table('framework_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_framework_drafts_base_framework_id'), ['base_framework_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_framework_drafts_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_framework_drafts_program_id'), ['program_id'], unique=False)

    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('framework_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_cohorts_framework_id'), ['framework_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_cohorts_framework_id_frameworks'), 'frameworks', ['framework_id'], ['id'])


def downgrade():
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cohorts_framework_id_frameworks'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_cohorts_framework_id'))
        batch_op.drop_column('framework_id')

    with op.batch_alter_table('framework_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_framework_drafts_program_id'))
        batch_op.drop_index(batch_op.f('ix_framework_drafts_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_framework_drafts_base_framework_id'))

    op.drop_table('framework_drafts')

    with op.batch_alter_table('program_frameworks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_program_frameworks_framework_id'))

    op.drop_table('program_frameworks')
