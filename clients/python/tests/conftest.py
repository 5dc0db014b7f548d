"""Real gRPC servers in this process implementing Master, as a leader or a standby, for the tests."""

from concurrent import futures
from typing import List

import grpc
import pytest

from baton_client.v1 import master_pb2, master_pb2_grpc, plan_pb2


class FakeMaster(master_pb2_grpc.MasterServicer):
    """Leads (answers everything) unless `leader` is set: then a standby that refuses writes with
    UNAVAILABLE and the baton-leader trailer, as runtime's LeaderHint.standby does."""

    def __init__(self, leader: str = "", events: int = 3, break_after: int = 0):
        self.leader = leader
        self.events = events
        self.break_after = break_after  # breaks the first watch with UNAVAILABLE after this many events
        self.submits: List[master_pb2.SubmitPlanRequest] = []
        self.tokens: List[str] = []
        self.watches: List[int] = []

    def _record(self, context):
        self.tokens.append(dict(context.invocation_metadata()).get("authorization", ""))

    def SubmitPlan(self, request, context):
        self._record(context)
        if self.leader:
            context.set_trailing_metadata((("baton-leader", self.leader),))
            context.abort(grpc.StatusCode.UNAVAILABLE, "master m2 is a standby and does not lead; the leader is at "
                          + self.leader + " (dial it)")
        if "invalid" in request.plan_yaml:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "plan: tasks[0].orchestrator: 'nope' is not a domain")
        self.submits.append(request)
        return master_pb2.SubmitPlanResponse(plan_id="plan-1", created=True)

    def WatchPlan(self, request, context):
        self._record(context)
        self.watches.append(request.after_sequence)
        for seq in range(request.after_sequence + 1, self.events + 1):
            if self.break_after and len(self.watches) == 1 and seq > self.break_after:
                context.abort(grpc.StatusCode.UNAVAILABLE, "stream broke")
            event = plan_pb2.PlanEvent(plan_id=request.plan_id, sequence=seq)
            if seq == self.events:
                event.plan_finished.state = plan_pb2.PLAN_STATE_SUCCEEDED
            else:
                event.task_ready.task_id = f"t{seq}"
            yield event


class Server:
    def __init__(self, servicer):
        self.servicer = servicer
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        master_pb2_grpc.add_MasterServicer_to_server(servicer, self.server)
        self.port = self.server.add_insecure_port("127.0.0.1:0")
        self.address = f"127.0.0.1:{self.port}"
        self.server.start()


@pytest.fixture
def servers():
    started = []

    def start(servicer):
        s = Server(servicer)
        started.append(s)
        return s

    yield start
    for s in started:
        s.server.stop(grace=None)
