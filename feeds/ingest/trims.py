"""Entries lost to MAXLEN trims, found and reported loudly.

Producers cap the streams (``XADD MAXLEN ~``). When ingest falls behind by more than the
cap, entries are trimmed before the group reads them; entries a dead consumer held are
trimmed before another claims them. Either way they are gone: each loss is logged at
WARNING, written as one dead-letter summary (stream, how many, id range) and counted in
``{live}:counters`` (``lost:<stream>``) for /status and metrics.

Unread losses are found from the stream's own counters (Redis 7+ / Valkey): the group's
``entries-read`` against the stream's ``entries-added``. A script does it atomically and
then records the lost entries as read (``XGROUP SETID ... ENTRIESREAD``), so each loss
is reported once, by one worker.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from feeds import constants as K
from feeds import records, store

if TYPE_CHECKING:
    from feeds.ingest.worker import Worker

log = logging.getLogger("watchfloor.ingest")

# Returns {lost, last delivered id, first id still in the stream}.
GAP_SCRIPT = """
local function kv(arr)
  local t = {}
  for i = 1, #arr, 2 do t[arr[i]] = arr[i + 1] end
  return t
end
local function before(a, b)
  local am, as = string.match(a, '(%d+)-(%d+)')
  local bm, bs = string.match(b, '(%d+)-(%d+)')
  am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
  return am < bm or (am == bm and as < bs)
end
if redis.call('EXISTS', KEYS[1]) == 0 then return {0, '', ''} end
local s = kv(redis.call('XINFO', 'STREAM', KEYS[1]))
local g = nil
for _, grp in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  local t = kv(grp)
  if t['name'] == ARGV[1] then g = t end
end
if not g then return {0, '', ''} end
local last = g['last-delivered-id']
local read = g['entries-read']
if not read then
  if last ~= '0-0' then return {0, '', ''} end  -- unknown (an XDEL); nothing to say
  read = 0  -- the group never delivered anything
end
read = tonumber(read)
local added = tonumber(s['entries-added'])
local length = tonumber(s['length'])
local first = ''
if s['first-entry'] then first = s['first-entry'][1] end
local after = nil  -- entries still in the stream after the last one delivered
if first == '' or before(last, first) then
  after = length
elseif last == s['last-generated-id'] then
  after = 0
end
if after == nil then return {0, last, first} end
local lost = added - read - after
if lost > 0 then
  redis.call('XGROUP', 'SETID', KEYS[1], ARGV[1], last, 'ENTRIESREAD', added - after)
end
return {lost, last, first}
"""


def report_unread(w: Worker, stream: str, lost: int, last: str, first: str) -> None:
    how = f"trimmed by MAXLEN before ingest read them (after {last}, before {first or 'now'})"
    report_lost(w, stream, lost, how, first_id=last)


def report_lost(w: Worker, stream: str, n: int, how: str, first_id: str) -> None:
    """Log, dead-letter and count entries that are gone."""
    reason = f"{n} entries lost: {how}"
    log.warning("%s: %s", stream, reason)
    now = w.clock()
    fields = {"lost": str(n), "how": how}
    entry = f"lost:{first_id}"  # a summary, not one entry: never mistaken for its dead letter
    with w.engine.begin() as conn:
        store.add_dead_letters(conn, [records.dead_row(stream, entry, fields, reason, at=now)])
    pipe = w.r.pipeline(transaction=False)
    pipe.xadd(
        w.s.key(K.STREAM_DEAD),
        records.dead_entry(stream, entry, fields, reason, now),
        maxlen=K.MAXLEN_DEAD,
        approximate=True,
    )
    pipe.hincrby(w.s.key(K.K_COUNTERS), K.C_LOST + stream, n)
    pipe.execute()


def lost_pending(w: Worker, stream: str, ids: list[str], how: str) -> None:
    """Pending entries found deleted (trimmed before they were claimed or re-read):
    acknowledge and report them."""
    if not ids:
        return
    w.r.xack(w.stream_key(stream), K.GROUP, *ids)
    report_lost(w, stream, len(ids), f"{how} (ids {ids[0]} .. {ids[-1]})", first_id=ids[0])
