"""The example's output, exit codes and one-line errors, against a real gRPC server."""

import submit_and_watch
from conftest import FakeMaster


def test_prints_each_event_and_exits_0_on_succeeded(servers, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("BATON_TOKEN", raising=False)
    leader = servers(FakeMaster(events=3))
    standby = servers(FakeMaster(leader=leader.address))
    plan = tmp_path / "plan.yaml"
    plan.write_text("apiVersion: baton.dev/v1\n")
    code = submit_and_watch.main([str(plan), "--master", standby.address, "--time-scale", "0.001"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out == [f"submitted plan plan-1 to {leader.address}", "#1 task_ready task_id=t1",
                   "#2 task_ready task_id=t2", "#3 plan_finished state=PLAN_STATE_SUCCEEDED",
                   "plan plan-1: PLAN_STATE_SUCCEEDED"]
    assert leader.servicer.submits[0].plan_yaml == "apiVersion: baton.dev/v1\n"
    assert leader.servicer.submits[0].time_scale == 0.001


def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys):
    assert submit_and_watch.main([str(tmp_path / "nope.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope.yaml: cannot read the plan" in err
    plan = tmp_path / "p.yaml"
    plan.write_text("x")
    assert submit_and_watch.main([str(plan), "--time-scale", "2"]) == 2
    assert capsys.readouterr().err == "error: --time-scale: 2.0 (expected: 0..1; 0 means 1)\n"


def test_a_refused_plan_prints_the_masters_reason(servers, tmp_path, capsys):
    master = servers(FakeMaster())
    plan = tmp_path / "p.yaml"
    plan.write_text("invalid")
    assert submit_and_watch.main([str(plan), "--master", master.address]) == 2
    assert capsys.readouterr().err == ("error: INVALID_ARGUMENT: plan: tasks[0].orchestrator: 'nope' is not a"
                                       " domain\n")
