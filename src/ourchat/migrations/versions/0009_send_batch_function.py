"""PostgreSQL: a function that stores a batch of session messages in one call.

``ourchat_store_session_events`` takes ids and times from ``event_clock``, inserts the rows
and returns the sessions' members, in the one statement it is called from; called on its own,
that statement is also its own transaction. SQLite has no such functions (it does not need
them: its statements run in-process), so there this revision changes nothing.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-01 23:00:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None

# Each statement of a VOLATILE plpgsql function reads a fresh snapshot, so the members are
# read after the UPDATE took the clock's row lock: every membership committed before these
# ids were taken is among them. The first row carries only the last id and time, so a batch
# whose sessions lost every member meanwhile still learns them.
_CREATE = """
CREATE FUNCTION ourchat_store_session_events(
    p_now bigint,
    p_kinds smallint[],
    p_payloads bytea[],
    p_senders bigint[],
    p_sessions bigint[],
    p_encrypted boolean[],
    p_audience smallint
) RETURNS TABLE (o_last_id bigint, o_last_time bigint, o_session_id bigint, o_user_id bigint)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    n integer := cardinality(p_kinds);
    v_last_id bigint;
    v_last_time bigint;
BEGIN
    UPDATE event_clock AS c
    SET last_id = c.last_id + n, last_time = greatest(c.last_time + n, p_now + n - 1)
    WHERE c.id = 1
    RETURNING c.last_id, c.last_time INTO v_last_id, v_last_time;
    INSERT INTO events (msg_id, "time", kind, payload, sender_id, session_id, audience,
        is_encrypted, is_announcement)
    SELECT v_last_id - n + r.i, v_last_time - n + r.i, r.kind, r.payload, r.sender_id,
        r.session_id, p_audience, r.is_encrypted, false
    FROM unnest(p_kinds, p_payloads, p_senders, p_sessions, p_encrypted)
        WITH ORDINALITY AS r(kind, payload, sender_id, session_id, is_encrypted, i);
    RETURN QUERY
        SELECT v_last_id, v_last_time, NULL::bigint, NULL::bigint
        UNION ALL
        SELECT v_last_id, v_last_time, m.session_id, m.user_id
        FROM session_members AS m
        WHERE m.session_id = ANY (p_sessions);
END
$$
"""

_DROP = (
    "DROP FUNCTION IF EXISTS ourchat_store_session_events("
    "bigint, smallint[], bytea[], bigint[], bigint[], boolean[], smallint)"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_CREATE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_DROP)
