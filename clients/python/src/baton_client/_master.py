"""A client of the Master service that finds the master that will answer, like the CLI's LeaderFollower.

Several masters may run; one leads. A standby answers reads and refuses writes (SubmitPlan,
CancelPlan) with UNAVAILABLE and the trailer `baton-leader: host:port`. So a write goes to the leader
last learned, else the addresses in order; on UNAVAILABLE (or DEADLINE_EXCEEDED) it follows the
trailer if there is one (at most MAX_HOPS in a row), else tries the next address; after each round of
addresses it backs off (jittered, doubling from 200 ms to 2 s); once `retry_for` seconds have passed
since the first failure it raises :class:`MasterUnreachable`, one line naming what each address said.
Other codes (INVALID_ARGUMENT, UNAUTHENTICATED, NOT_FOUND, ...) pass through at once as grpc.RpcError.

Not thread-safe: use one client per thread (a watch included).
"""

from __future__ import annotations

import random
import time
from typing import Callable, Dict, Iterator, List, Optional

import grpc

from ._channel import open_channel
from ._settings import BatonClientError, Settings, split_host_port
from .v1 import master_pb2, master_pb2_grpc, plan_pb2

#: The trailer by which a standby names the leader (runtime's LeaderHint.KEY).
LEADER_TRAILER = "baton-leader"
#: Leader trailers followed in a row before the next address is tried.
MAX_HOPS = 3
#: Deadline of one unary call, seconds (a SubmitPlan of a 10,000-task plan takes well under this).
CALL_DEADLINE_S = 30.0
#: Default time to keep trying after the first failure, seconds (the CLI's --retry-for default).
DEFAULT_RETRY_FOR_S = 60.0
#: Upper bound of retry_for, seconds (the CLI's: 1 h).
MAX_RETRY_FOR_S = 3600.0
_RETRYABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


class MasterUnreachable(Exception):
    """No master answered within retry_for; the message is one line naming what each one said."""


def leader_hint(error: BaseException) -> Optional[str]:
    """The leader a failed call names: the `baton-leader` trailer of an UNAVAILABLE answer, if it is a
    plausible host:port; None for anything else."""
    if not isinstance(error, grpc.Call) or error.code() != grpc.StatusCode.UNAVAILABLE:
        return None
    for key, value in error.trailing_metadata() or ():
        if key == LEADER_TRAILER:
            try:
                split_host_port(value.strip())
            except BatonClientError:
                return None
            return value.strip()
    return None


def describe(error: grpc.RpcError) -> str:
    """`CODE: details` of a failed call, on one line."""
    code = error.code().name if isinstance(error, grpc.Call) else "UNKNOWN"
    details = (error.details() if isinstance(error, grpc.Call) else str(error)) or ""
    return f"{code}: {' '.join(details.split())}"


class MasterClient:
    """Calls the masters of `settings`, following leader hints; close() it (or use `with`)."""

    def __init__(self, settings: Settings, *, retry_for: float = DEFAULT_RETRY_FOR_S,
                 channel_factory: Callable[[str, Settings], grpc.Channel] = open_channel,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 rng: Optional[random.Random] = None) -> None:
        settings.validate()
        if not 0 <= retry_for <= MAX_RETRY_FOR_S:
            raise BatonClientError(f"retry_for: {retry_for} s (expected: 0..{MAX_RETRY_FOR_S:.0f} s)")
        self._settings = settings
        self._retry_for = retry_for
        self._factory = channel_factory
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self._channels: Dict[str, grpc.Channel] = {}
        self._leader: Optional[str] = None
        #: The master that answered the last call (None before any did).
        self.last_answered: Optional[str] = None

    def __enter__(self) -> "MasterClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for channel in self._channels.values():
            channel.close()
        self._channels.clear()

    # --- the calls -------------------------------------------------------------------------------------

    def submit(self, request: master_pb2.SubmitPlanRequest) -> master_pb2.SubmitPlanResponse:
        """SubmitPlan on the leader. Give the request a request_id so that a retry starts the plan once."""
        return self._call(True, "SubmitPlan", lambda s: s.SubmitPlan(request, timeout=CALL_DEADLINE_S))

    def cancel(self, plan_id: str, reason: str = "") -> master_pb2.CancelPlanResponse:
        request = master_pb2.CancelPlanRequest(plan_id=plan_id, reason=reason)
        return self._call(True, "CancelPlan", lambda s: s.CancelPlan(request, timeout=CALL_DEADLINE_S))

    def get_plan(self, plan_id: str) -> master_pb2.GetPlanResponse:
        request = master_pb2.GetPlanRequest(plan_id=plan_id)
        return self._call(False, "GetPlan", lambda s: s.GetPlan(request, timeout=CALL_DEADLINE_S))

    def list_plans(self) -> master_pb2.ListPlansResponse:
        return self._call(False, "ListPlans",
                          lambda s: s.ListPlans(master_pb2.ListPlansRequest(), timeout=CALL_DEADLINE_S))

    def watch(self, plan_id: str, after_sequence: int = 0) -> Iterator[plan_pb2.PlanEvent]:
        """Every event of the plan after `after_sequence`, in order, until the master ends the stream
        (after PlanFinished). A stream that breaks with UNAVAILABLE is re-opened, on any master, from
        the last sequence seen, so no event is lost or repeated."""
        last = after_sequence
        while True:
            request = master_pb2.WatchPlanRequest(plan_id=plan_id, after_sequence=last)
            stream = self._call(False, "WatchPlan", lambda s: _first(s.WatchPlan(request)))
            try:
                for event in stream:
                    if event.sequence <= last:
                        continue  # a replay overlapping what we saw, after a re-open
                    last = event.sequence
                    yield event
                return
            except grpc.RpcError as e:
                if not isinstance(e, grpc.Call) or e.code() not in _RETRYABLE:
                    raise
                # the stream broke after it had answered: open it again from `last`

    # --- where a call goes -------------------------------------------------------------------------------

    def _stub(self, address: str) -> master_pb2_grpc.MasterStub:
        channel = self._channels.get(address)
        if channel is None:
            channel = self._factory(address, self._settings)
            self._channels[address] = channel
        return master_pb2_grpc.MasterStub(channel)

    def _order(self, write: bool) -> List[str]:
        order = list(self._settings.addresses)
        preferred = self._leader if write else self.last_answered
        if preferred:
            order = [preferred] + [a for a in order if a != preferred]
        return order

    def _call(self, write: bool, rpc: str, call):
        started: Optional[float] = None
        said: Dict[str, str] = {}
        round_no = 0
        while True:
            queue = self._order(write)
            hops = 0
            while queue:
                address = queue.pop(0)
                try:
                    result = call(self._stub(address))
                except grpc.RpcError as e:
                    if not isinstance(e, grpc.Call) or e.code() not in _RETRYABLE:
                        raise
                    said[address] = describe(e)
                    if started is None:
                        started = self._clock()
                    hint = leader_hint(e)
                    if hint and hops < MAX_HOPS:
                        hops += 1
                        if write:
                            self._leader = hint
                        queue = [hint] + [a for a in queue if a != hint]
                    elif write and self._leader == address:
                        self._leader = None
                    continue
                if write:
                    self._leader = address
                self.last_answered = address
                return result
            if self._clock() - started >= self._retry_for:
                lines = "; ".join(f"{a}: {s}" for a, s in said.items())
                raise MasterUnreachable(f"{rpc}: no master answered within {self._retry_for:g} s ({lines})")
            self._sleep(min(2.0, 0.2 * 2 ** round_no) * (0.5 + self._rng.random() / 2))
            round_no += 1


def _first(stream):
    """Waits for the stream's first answer (or its end), so that an unreachable master fails here,
    inside the retry loop, rather than mid-iteration; returns an iterator over the whole stream."""
    try:
        head = next(stream)
    except StopIteration:
        return iter(())
    return _chain(head, stream)


def _chain(head, stream):
    yield head
    yield from stream
