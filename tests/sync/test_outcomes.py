"""The two decision tables of the sync engine, row by row."""
from __future__ import annotations

import pytest

from app.api.errors import NotSent, OutcomeUnknown, ProtocolError, ServerError
from app.sync.outcomes import (
    Exchange,
    Fate,
    Judgement,
    ReadBack,
    SentUse,
    exchange_of,
    fate_of_write,
    judge_readback,
)

WRITE_ROWS = [
    # what happened to the request                 → its fate
    (Exchange(sent=False), Fate.NOT_APPLIED),          # connect refused, connect/pool timeout
    (Exchange(sent=True, status=None), Fate.UNKNOWN),  # read timeout, reset, truncated answer, deadline
    (Exchange(sent=True, status=200), Fate.APPLIED),
    (Exchange(sent=True, status=201), Fate.APPLIED),
    (Exchange(sent=True, status=200, usable=False), Fate.UNKNOWN),  # unreadable, or about another item
    (Exchange(sent=True, status=301), Fate.UNKNOWN),
    (Exchange(sent=True, status=400), Fate.REFUSED),
    (Exchange(sent=True, status=401), Fate.PAUSE),
    (Exchange(sent=True, status=403), Fate.PAUSE),
    (Exchange(sent=True, status=404), Fate.UNKNOWN),
    (Exchange(sent=True, status=405), Fate.UNKNOWN),
    (Exchange(sent=True, status=409), Fate.UNKNOWN),
    (Exchange(sent=True, status=410), Fate.UNKNOWN),
    (Exchange(sent=True, status=422), Fate.REFUSED),
    (Exchange(sent=True, status=429), Fate.NOT_APPLIED),
    (Exchange(sent=True, status=500), Fate.UNKNOWN),
    (Exchange(sent=True, status=502), Fate.UNKNOWN),
    (Exchange(sent=True, status=503), Fate.UNKNOWN),
    (Exchange(sent=True, status=504), Fate.UNKNOWN),
]


@pytest.mark.parametrize(("exchange", "fate"), WRITE_ROWS, ids=[f"{e.sent}-{e.status}-{e.usable}" for e, _ in WRITE_ROWS])
def test_a_write_is_not_applied_only_when_it_provably_never_reached_the_server(exchange, fate):
    assert fate_of_write(exchange) is fate


def test_every_status_a_server_can_send_has_a_fate():
    assert {fate_of_write(Exchange(sent=True, status=s)) for s in range(100, 600)} <= set(Fate)


@pytest.mark.parametrize(("error", "exchange"), [
    (NotSent("refused", endpoint="e", write=True), Exchange(sent=False)),
    (OutcomeUnknown("timeout", endpoint="e", write=True), Exchange(sent=True, status=None, usable=False)),
    (ServerError("500", status=500, endpoint="e", write=True), Exchange(sent=True, status=500, usable=False)),
    (ProtocolError("bad json", endpoint="e", write=True, status=200), Exchange(sent=True, status=200, usable=False)),
])
def test_client_errors_map_to_the_exchange_they_describe(error, exchange):
    assert exchange_of(error) == exchange


SENT_AT, SETTLE_AFTER, SKEW = 1_000.0, 1_300.0, 60.0
SINGLE = SentUse(expected_count=1, server_count_before=None, sent_at=SENT_AT, settle_after=SETTLE_AFTER)
MULTI = SentUse(expected_count=2, server_count_before=1, sent_at=SENT_AT, settle_after=SETTLE_AFTER)

READBACK_ROWS = [
    # (name, the use, what the server says, now) → judgement
    ("single use counted, used while ours could land", SINGLE, ReadBack(1, 1, 1_005), 1_010.0, Judgement.CONFIRMED),
    ("single use counted, no time given", SINGLE, ReadBack(1, 1, None), 1_010.0, Judgement.CONFIRMED),
    ("single use counted, used long before we sent", SINGLE, ReadBack(1, 1, 500), 1_010.0, Judgement.USED_ELSEWHERE),
    ("single use counted, used after our window", SINGLE, ReadBack(1, 1, 1_500), 1_600.0, Judgement.USED_ELSEWHERE),
    ("single use not counted, window open", SINGLE, ReadBack(0, 1, None), 1_010.0, Judgement.WAIT),
    ("single use not counted, window closed", SINGLE, ReadBack(0, 1, None), 1_300.0, Judgement.DENIED),
    ("multi use moved by ours", MULTI, ReadBack(2, 3, None), 1_010.0, Judgement.CONFIRMED),
    ("multi use moved by more than ours", MULTI, ReadBack(3, 3, 1_005), 1_010.0, Judgement.DOUBT),
    ("multi use not moved, window open", MULTI, ReadBack(1, 3, None), 1_010.0, Judgement.WAIT),
    ("multi use not moved, window closed", MULTI, ReadBack(1, 3, None), 1_301.0, Judgement.DENIED),
    ("multi use went down", MULTI, ReadBack(0, 3, None), 1_301.0, Judgement.DOUBT),
    ("counted, although the server answered 409", SentUse(1, 0, SENT_AT, SETTLE_AFTER, answer_status=409),
     ReadBack(1, 1, 1_005), 1_010.0, Judgement.DOUBT),
    ("counted after a 500: applied before the failure", SentUse(1, 0, SENT_AT, SETTLE_AFTER, answer_status=500),
     ReadBack(1, 1, 1_005), 1_010.0, Judgement.CONFIRMED),
    ("nothing recorded about the send", SentUse(None, None, None, None), ReadBack(1, 1, None), 1_010.0, Judgement.DOUBT),
]


@pytest.mark.parametrize(("use", "read", "now", "judgement"), [r[1:] for r in READBACK_ROWS], ids=[r[0] for r in READBACK_ROWS])
def test_a_read_back_confirms_at_once_and_denies_only_after_the_settle_window(use, read, now, judgement):
    assert judge_readback(use, read, now, SKEW)[0] is judgement


def test_every_judgement_but_confirmation_says_why():
    for _, use, read, now, judgement in READBACK_ROWS:
        reason = judge_readback(use, read, now, SKEW)[1]
        assert bool(reason) == (judgement is not Judgement.CONFIRMED)
