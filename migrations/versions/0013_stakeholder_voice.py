"""stakeholder voice

Hand-checked: feedback rounds on a plan, their audiences (open link token), invitees (address
and single-use link hash, deleted at use and at closing), anonymous responses with their
answers and open answers (no time, no account, no address), and the framework's optional
survey section (a JSON column on frameworks).

Revision ID: 0013
Revises: 0011
Create Date: 2026-11-30 22:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('frameworks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('survey', sa.JSON(), nullable=True))
    op.create_table('feedback_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('competency_ids', sa.JSON(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('visibility', sa.String(length=20), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('heard', sa.Text(), nullable=False),
    sa.Column('will_do', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['action_plans.id'], name=op.f('fk_feedback_rounds_plan_id_action_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_rounds'))
    )
    op.create_index(op.f('ix_feedback_rounds_plan_id'), 'feedback_rounds', ['plan_id'], unique=False)
    op.create_table('round_audiences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['feedback_rounds.id'], name=op.f('fk_round_audiences_round_id_feedback_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_audiences')),
    sa.UniqueConstraint('token', name=op.f('uq_round_audiences_token'))
    )
    op.create_index(op.f('ix_round_audiences_round_id'), 'round_audiences', ['round_id'], unique=False)
    op.create_table('round_invitees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audience_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('reminder_hash', sa.String(length=64), nullable=True),
    sa.Column('reminded', sa.Boolean(), nullable=False),
    sa.Column('message_ids', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['audience_id'], ['round_audiences.id'], name=op.f('fk_round_invitees_audience_id_round_audiences'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_invitees')),
    sa.UniqueConstraint('reminder_hash', name=op.f('uq_round_invitees_reminder_hash')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_round_invitees_token_hash'))
    )
    op.create_index(op.f('ix_round_invitees_audience_id'), 'round_invitees', ['audience_id'], unique=False)
    op.create_table('voice_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audience_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.ForeignKeyConstraint(['audience_id'], ['round_audiences.id'], name=op.f('fk_voice_responses_audience_id_round_audiences'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voice_responses'))
    )
    op.create_index(op.f('ix_voice_responses_audience_id'), 'voice_responses', ['audience_id'], unique=False)
    op.create_table('voice_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('competency_id', sa.Integer(), nullable=False),
    sa.Column('statement', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['competency_id'], ['competencies.id'], name=op.f('fk_voice_answers_competency_id_competencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['voice_responses.id'], name=op.f('fk_voice_answers_response_id_voice_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voice_answers'))
    )
    op.create_index(op.f('ix_voice_answers_response_id'), 'voice_answers', ['response_id'], unique=False)
    op.create_table('voice_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('competency_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['competency_id'], ['competencies.id'], name=op.f('fk_voice_comments_competency_id_competencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['voice_responses.id'], name=op.f('fk_voice_comments_response_id_voice_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voice_comments'))
    )
    op.create_index(op.f('ix_voice_comments_response_id'), 'voice_comments', ['response_id'], unique=False)


def downgrade():
    for table in ('voice_comments', 'voice_answers', 'voice_responses', 'round_invitees',
                  'round_audiences', 'feedback_rounds'):
        op.drop_table(table)
    with op.batch_alter_table('frameworks', schema=None) as batch_op:
        batch_op.drop_column('survey')
