"""rubric frameworks, checkpoints, self-assessments

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 17:37:09.601416

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('frameworks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('question_prompt', sa.String(length=200), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_frameworks')),
    sa.UniqueConstraint('key', 'version', name=op.f('uq_frameworks_key_version'))
    )
    op.create_table('framework_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['framework_id'], ['frameworks.id'], name=op.f('fk_framework_categories_framework_id_frameworks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_framework_categories'))
    )
    with op.batch_alter_table('framework_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_framework_categories_framework_id'), ['framework_id'], unique=False)

    op.create_table('framework_levels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['framework_id'], ['frameworks.id'], name=op.f('fk_framework_levels_framework_id_frameworks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_framework_levels')),
    sa.UniqueConstraint('framework_id', 'value', name=op.f('uq_framework_levels_framework_id_value'))
    )
    op.create_table('checkpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_checkpoints_program_id_programs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkpoints')),
    sa.UniqueConstraint('program_id', 'name', name=op.f('uq_checkpoints_program_id_name'))
    )
    with op.batch_alter_table('checkpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkpoints_program_id'), ['program_id'], unique=False)

    op.create_table('competencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('guiding_questions', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['framework_categories.id'], name=op.f('fk_competencies_category_id_framework_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['framework_id'], ['frameworks.id'], name=op.f('fk_competencies_framework_id_frameworks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competencies')),
    sa.UniqueConstraint('framework_id', 'number', name=op.f('uq_competencies_framework_id_number'))
    )
    with op.batch_alter_table('competencies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competencies_category_id'), ['category_id'], unique=False)

    op.create_table('descriptors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competency_id', sa.Integer(), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=False),
    sa.Column('bullets', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['competency_id'], ['competencies.id'], name=op.f('fk_descriptors_competency_id_competencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['level_id'], ['framework_levels.id'], name=op.f('fk_descriptors_level_id_framework_levels'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_descriptors')),
    sa.UniqueConstraint('competency_id', 'level_id', name=op.f('uq_descriptors_competency_id_level_id'))
    )
    with op.batch_alter_table('descriptors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_descriptors_level_id'), ['level_id'], unique=False)

    op.create_table('self_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('checkpoint_id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('shared_with_cohort', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['checkpoint_id'], ['checkpoints.id'], name=op.f('fk_self_assessments_checkpoint_id_checkpoints'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['framework_id'], ['frameworks.id'], name=op.f('fk_self_assessments_framework_id_frameworks')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_self_assessments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_assessments')),
    sa.UniqueConstraint('user_id', 'checkpoint_id', name=op.f('uq_self_assessments_user_id_checkpoint_id'))
    )
    with op.batch_alter_table('self_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_self_assessments_checkpoint_id'), ['checkpoint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_self_assessments_framework_id'), ['framework_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_self_assessments_user_id'), ['user_id'], unique=False)

    op.create_table('planned_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('change', sa.Text(), nullable=False),
    sa.Column('competency_id', sa.Integer(), nullable=True),
    sa.Column('skill_factors', sa.Text(), nullable=False),
    sa.Column('will_factors', sa.Text(), nullable=False),
    sa.Column('structural_factors', sa.Text(), nullable=False),
    sa.Column('action_steps', sa.Text(), nullable=False),
    sa.Column('support_formal_learning', sa.Text(), nullable=False),
    sa.Column('support_practice', sa.Text(), nullable=False),
    sa.Column('support_reflection', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['self_assessments.id'], name=op.f('fk_planned_changes_assessment_id_self_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['competency_id'], ['competencies.id'], name=op.f('fk_planned_changes_competency_id_competencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_planned_changes')),
    sa.UniqueConstraint('assessment_id', 'position', name=op.f('uq_planned_changes_assessment_id_position'))
    )
    op.create_table('ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('competency_id', sa.Integer(), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=True),
    sa.Column('strengths', sa.Text(), nullable=False),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['self_assessments.id'], name=op.f('fk_ratings_assessment_id_self_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['competency_id'], ['competencies.id'], name=op.f('fk_ratings_competency_id_competencies')),
    sa.ForeignKeyConstraint(['level_id'], ['framework_levels.id'], name=op.f('fk_ratings_level_id_framework_levels')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ratings')),
    sa.UniqueConstraint('assessment_id', 'competency_id', name=op.f('uq_ratings_assessment_id_competency_id'))
    )
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ratings_competency_id'), ['competency_id'], unique=False)

    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('framework_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_programs_framework_id'), ['framework_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_programs_framework_id_frameworks'), 'frameworks', ['framework_id'], ['id'])



def downgrade():
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_programs_framework_id_frameworks'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_programs_framework_id'))
        batch_op.drop_column('framework_id')

    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ratings_competency_id'))

    op.drop_table('ratings')
    op.drop_table('planned_changes')
    with op.batch_alter_table('self_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_self_assessments_user_id'))
        batch_op.drop_index(batch_op.f('ix_self_assessments_framework_id'))
        batch_op.drop_index(batch_op.f('ix_self_assessments_checkpoint_id'))

    op.drop_table('self_assessments')
    with op.batch_alter_table('descriptors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_descriptors_level_id'))

    op.drop_table('descriptors')
    with op.batch_alter_table('competencies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competencies_category_id'))

    op.drop_table('competencies')
    with op.batch_alter_table('checkpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkpoints_program_id'))

    op.drop_table('checkpoints')
    op.drop_table('framework_levels')
    with op.batch_alter_table('framework_categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_framework_categories_framework_id'))

    op.drop_table('framework_categories')
    op.drop_table('frameworks')
