"""Reads for comments and the cohort feed, each in a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import (
    Integer,
    String,
    bindparam,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import joinedload

from plc import paging, permissions
from plc.accounts.models import User
from plc.db import built_once
from plc.extensions import db
from plc.feedback import mentions
from plc.feedback.models import Comment
from plc.plans.models import DRAFT, ActionPlan, ProgressUpdate
from plc.programs import queries as program_queries
from plc.programs.models import MEMBER, Cohort, Membership

FEED_PAGE_SIZE = 20
CONVERSATIONS_PER_PAGE = 10


@dataclass
class Thread:
    """A top-level comment and its replies (one level), oldest first."""

    comment: Comment
    replies: list[Comment] = field(default_factory=list)


class ThreadList(list):
    """Threads (of the plan, or of one update) that also carry what their comment forms need:
    the plan author's cohorts (for the access rules) and the people one may @mention."""

    def __init__(self, threads=(), author_cohort_ids=frozenset(), people=None):
        super().__init__(threads)
        self.author_cohort_ids = author_cohort_ids
        self.people = people if people is not None else {}

    @property
    def newest(self) -> Comment | None:
        """The latest comment or reply of these threads that is not removed."""
        return max((c for t in self for c in (t.comment, *t.replies) if not c.is_deleted),
                   key=lambda c: c.id, default=None)


@dataclass
class PlanThreads:
    """Comment threads on one plan, loaded at once: a page of the plan's own conversations and
    each shown update's threads."""

    on_plan: ThreadList = field(default_factory=ThreadList)
    by_update: dict[int, ThreadList] = field(default_factory=dict)
    author_cohort_ids: frozenset[int] = frozenset()
    people: dict[str, mentions.Person] = field(default_factory=dict)
    page: int = 1  # page 1: the latest conversations on the plan itself
    conversations: int = 0  # on the plan itself, on every page

    @property
    def pages(self) -> int:
        return paging.page_count(self.conversations, CONVERSATIONS_PER_PAGE)

    def on_update(self, update_id: int) -> ThreadList:
        return self.by_update.get(update_id) or self._empty()

    def _empty(self) -> ThreadList:
        return ThreadList((), self.author_cohort_ids, self.people)


def _own_conversations(plan_id: int):
    """The top-level comments on the plan itself (not on one of its updates)."""
    return (Comment.plan_id == plan_id, Comment.update_id.is_(None), Comment.parent_id.is_(None))


def plan_threads(plan_id: int, update_ids: list[int] | None = None, page: int = 1
                 ) -> PlanThreads:
    """The plan's own conversations, CONVERSATIONS_PER_PAGE at a time (page 1: the latest),
    with their replies, and the threads on ``update_ids`` (None: on every update). Three
    statements whatever their number."""
    page = max(page, 1)
    cohort_ids = frozenset(db.session.execute(
        _author_cohorts_statement(), {"plan_id": plan_id}).scalars())
    values = {"plan_id": plan_id, "skip": (page - 1) * CONVERSATIONS_PER_PAGE}
    if update_ids is not None:
        values["update_ids"] = list(update_ids)
    rows = db.session.execute(_threads_statement(update_ids is None), values).all()
    threads = PlanThreads(author_cohort_ids=cohort_ids, people=mentionable(plan_id), page=page,
                          conversations=rows[0][1] if rows else 0)
    threads.on_plan = threads._empty()
    _thread([comment for comment, _total in rows], threads)
    return threads


def content_stamp_of(plan_id) -> list:
    """What moves with every comment and progress update on the plan ``plan_id`` (a column or
    a parameter), added, edited or removed: for each kind, one scalar subquery of its count,
    newest id and creation, and the sum of its versions (which every ORM update of a row
    bumps), as one string. A bulk update moves none of them: it changes the site's stamp
    instead (plc/stamps.py). The plan page reads them with its plan
    (plans.queries.plan_seen_stamped) and keys its kept body by them."""
    def stamp(model):
        parts = (func.count(model.id), func.max(model.id), func.max(model.created_at),
                 func.sum(model.version))
        text = literal("")
        for part in parts:
            text = text + func.coalesce(cast(part, String), "") + ","
        return select(text).where(model.plan_id == plan_id).scalar_subquery()

    return [stamp(Comment), stamp(ProgressUpdate)]


@built_once
def _author_cohorts_statement():
    return author_cohorts(bindparam("plan_id"))


@built_once
def _threads_statement(every_update: bool):
    """The comments plan_threads shows: a page of the plan's own conversations (``:skip``)
    with their replies, and those on every update or on ``:update_ids``, with their total."""
    plan_id = bindparam("plan_id")
    shown = (
        select(Comment.id).where(*_own_conversations(plan_id))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(CONVERSATIONS_PER_PAGE).offset(bindparam("skip", type_=Integer))
    )
    on_updates = (Comment.update_id.is_not(None) if every_update
                  else Comment.update_id.in_(bindparam("update_ids", expanding=True)))
    total = select(func.count(Comment.id)).where(*_own_conversations(plan_id)).scalar_subquery()
    return (
        select(Comment, total)
        .where(Comment.plan_id == plan_id,
               or_(on_updates, Comment.id.in_(shown), Comment.parent_id.in_(shown)))
        .options(joinedload(Comment.author)).order_by(Comment.created_at, Comment.id)
    )


def _thread(comments: list[Comment], threads: PlanThreads) -> None:
    """Sort comments (oldest first) into top-level threads with their replies."""
    top: dict[int, Thread] = {}
    for comment in comments:
        if comment.parent_id is None:
            top[comment.id] = thread = Thread(comment)
            target = (threads.on_plan if comment.update_id is None
                      else threads.by_update.setdefault(comment.update_id, threads._empty()))
            target.append(thread)
    for comment in comments:
        if comment.parent_id is not None and comment.parent_id in top:
            top[comment.parent_id].replies.append(comment)


def conversation_page_number(plan_id: int, top_id: int) -> int:
    """The page of plan_threads that shows the conversation started by comment ``top_id``."""
    return paging.page_holding(Comment, _own_conversations(plan_id), top_id,
                               CONVERSATIONS_PER_PAGE)


def author_cohorts(plan_id: int):
    """The select of the plan author's cohorts (member role, the plan's programme): what
    the access rules call author_cohort_ids. It reads its own plan row (correlate(None)), also
    inside a statement that joins the plan."""
    return (
        program_queries.member_cohorts(ActionPlan.user_id, ActionPlan.program_id)
        .where(ActionPlan.id == plan_id)
        .correlate(None)
    )


def _readers(plan_id: int, *columns):
    """The people of the author's cohorts who may read the plan (its author included): those
    who have joined (chosen a password) and are active."""
    return (
        select(*columns).join(Membership, Membership.user_id == User.id)
        .join(ActionPlan, ActionPlan.id == plan_id)
        .where(Membership.cohort_id.in_(author_cohorts(plan_id)), User.active.is_(True),
               User.password_hash.is_not(None),
               permissions.plan_readers(ActionPlan.user_id, ActionPlan.visibility))
        .distinct().order_by(User.name, User.id)
    )


def plan_readers(plan_id: int) -> list[User]:
    """The plan's readers (``_readers``) as users, for notifying them."""
    return list(db.session.execute(_readers(plan_id, User)).scalars())


def mentionable(plan_id: int) -> dict[str, mentions.Person]:
    """Who may be @mentioned on the plan, by handle (one statement; plain columns, as every
    plan page asks)."""
    return mentions.by_handle(db.session.execute(
        _mentionable_statement(), {"plan_id": plan_id}).tuples())


@built_once
def _mentionable_statement():
    return _readers(bindparam("plan_id"), User.id, User.email, User.name)


def comment(comment_id: int) -> Comment | None:
    return db.session.get(Comment, comment_id)


def update(update_id: int) -> ProgressUpdate | None:
    return db.session.get(ProgressUpdate, update_id)


# --- the cohort feed ---------------------------------------------------------------------


@dataclass
class FeedItem:
    kind: str  # "plan" (shared), "update", "comment"
    at: datetime
    plan: ActionPlan
    update: ProgressUpdate | None = None
    comment: Comment | None = None


@dataclass
class FeedPage:
    items: list[FeedItem]
    page: int
    has_next: bool


def _visible_plan_ids(user, cohort_id: int):
    """Plans of the cohort's members, out of draft, that ``user`` may read."""
    return (
        select(ActionPlan.id)
        .join(Membership, (Membership.user_id == ActionPlan.user_id) & (Membership.role == MEMBER))
        .join(Cohort, (Cohort.id == Membership.cohort_id)
              & (Cohort.program_id == ActionPlan.program_id))
        .where(Membership.cohort_id == cohort_id, ActionPlan.visibility != DRAFT,
               permissions.visible_plans(user, Membership.cohort_id, ActionPlan.visibility,
                                         ActionPlan.user_id))
    )


def cohort_feed(user, cohort_id: int, page: int = 1) -> FeedPage:
    """Newest first: plans shared, progress updates, comments (not removed) on the plans of
    the cohort that ``user`` may read. Four statements whatever the page or the data."""
    plans = _visible_plan_ids(user, cohort_id)
    no_id = null().cast(Integer)
    events = union_all(
        select(literal("plan", String).label("kind"), ActionPlan.shared_at.label("at"),
               ActionPlan.id.label("plan_id"), no_id.label("update_id"),
               no_id.label("comment_id"))
        .where(ActionPlan.id.in_(plans), ActionPlan.shared_at.is_not(None)),
        select(literal("update", String), ProgressUpdate.created_at, ProgressUpdate.plan_id,
               ProgressUpdate.id, no_id)
        .where(ProgressUpdate.plan_id.in_(plans)),
        select(literal("comment", String), Comment.created_at, Comment.plan_id,
               Comment.update_id, Comment.id)
        .where(Comment.plan_id.in_(plans), Comment.deleted_at.is_(None)),
    ).subquery()
    page = max(page, 1)
    rows = db.session.execute(
        select(events).order_by(events.c.at.desc(), events.c.kind, events.c.plan_id.desc(),
                                events.c.update_id.desc(), events.c.comment_id.desc())
        .limit(FEED_PAGE_SIZE + 1).offset((page - 1) * FEED_PAGE_SIZE)
    ).all()
    has_next = len(rows) > FEED_PAGE_SIZE
    rows = rows[:FEED_PAGE_SIZE]
    plans_by_id = _by_id(ActionPlan, {r.plan_id for r in rows})
    updates = _by_id(ProgressUpdate, {r.update_id for r in rows if r.kind == "update"})
    comments = _by_id(Comment, {r.comment_id for r in rows if r.kind == "comment"})
    items = [
        FeedItem(r.kind, _aware(r.at), plans_by_id[r.plan_id], updates.get(r.update_id),
                 comments.get(r.comment_id))
        for r in rows
    ]
    return FeedPage(items, page, has_next)


def _by_id(model, ids: set) -> dict:
    """Always one statement (even for no ids), so the page's count does not depend on data."""
    return {row.id: row for row in db.session.execute(
        _by_id_statement(model), {"ids": list(ids or {-1})}).scalars()}


@built_once
def _by_id_statement(model):
    """The feed's rows of one kind by id, with the person each names."""
    loads = {ActionPlan: (joinedload(ActionPlan.user),), Comment: (joinedload(Comment.author),)}
    return (select(model).where(model.id.in_(bindparam("ids", expanding=True)))
            .options(*loads.get(model, ())))


def _aware(value):
    from datetime import UTC

    if isinstance(value, str):  # SQLite hands back a union's timestamps as text
        value = datetime.fromisoformat(value)
    return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)
