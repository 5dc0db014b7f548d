"""MasterClient against real gRPC servers: leader hints, tokens, resumed watches, clear failures."""

import grpc
import pytest

from baton_client import MasterClient, MasterUnreachable, Settings, leader_hint
from baton_client.v1 import master_pb2, plan_pb2
from conftest import FakeMaster


def test_submit_follows_the_standbys_leader_hint_and_remembers_the_leader(servers):
    leader = servers(FakeMaster())
    standby = servers(FakeMaster(leader=leader.address))
    with MasterClient(Settings(addresses=(standby.address,))) as client:
        response = client.submit(master_pb2.SubmitPlanRequest(plan_yaml="x", request_id="r1"))
        assert response.plan_id == "plan-1"
        assert client.last_answered == leader.address
        client.submit(master_pb2.SubmitPlanRequest(plan_yaml="x", request_id="r2"))
    assert [r.request_id for r in leader.servicer.submits] == ["r1", "r2"]
    assert len(standby.servicer.tokens) == 1  # the second submit went straight to the leader


def test_the_token_travels_as_a_bearer_header(servers):
    master = servers(FakeMaster())
    with MasterClient(Settings(addresses=(master.address,), token="s3cret")) as client:
        client.submit(master_pb2.SubmitPlanRequest(plan_yaml="x"))
        list(client.watch("plan-1"))
    assert master.servicer.tokens == ["Bearer s3cret", "Bearer s3cret"]


def test_watch_yields_every_event_once_in_order_across_a_broken_stream(servers):
    master = servers(FakeMaster(events=6, break_after=2))
    with MasterClient(Settings(addresses=(master.address,))) as client:
        events = list(client.watch("plan-1"))
    assert [e.sequence for e in events] == [1, 2, 3, 4, 5, 6]
    assert events[-1].plan_finished.state == plan_pb2.PLAN_STATE_SUCCEEDED
    assert master.servicer.watches == [0, 2]


def test_other_errors_pass_through_at_once(servers):
    master = servers(FakeMaster())
    with MasterClient(Settings(addresses=(master.address,))) as client:
        with pytest.raises(grpc.RpcError) as e:
            client.submit(master_pb2.SubmitPlanRequest(plan_yaml="invalid"))
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_gives_up_after_retry_for_naming_what_each_master_said():
    clock = [0.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        clock[0] += seconds

    # nothing listens on port 1 of loopback: every call is UNAVAILABLE at once
    client = MasterClient(Settings(addresses=("127.0.0.1:1",)), retry_for=5, sleep=sleep, clock=lambda: clock[0])
    with client, pytest.raises(MasterUnreachable) as e:
        client.list_plans()
    assert str(e.value).startswith("ListPlans: no master answered within 5 s (127.0.0.1:1: UNAVAILABLE:")
    assert "\n" not in str(e.value)
    assert slept and all(0.1 <= s <= 2.0 for s in slept) and clock[0] >= 5


def test_a_hint_that_is_not_host_port_is_ignored(servers):
    standby = servers(FakeMaster(leader="not-an-address"))
    with MasterClient(Settings(addresses=(standby.address,)), retry_for=0) as client:
        with pytest.raises(MasterUnreachable) as e:
            client.submit(master_pb2.SubmitPlanRequest(plan_yaml="x"))
    assert "is a standby" in str(e.value)
    assert len(standby.servicer.tokens) == 1


def test_leader_hint_is_none_for_other_errors():
    assert leader_hint(ValueError("x")) is None


def test_rejects_a_retry_for_out_of_bounds():
    with pytest.raises(ValueError, match=r"retry_for: 7200 s \(expected: 0..3600 s\)"):
        MasterClient(Settings(), retry_for=7200)
