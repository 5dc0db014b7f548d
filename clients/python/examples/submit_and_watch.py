#!/usr/bin/env python3
"""Submits a plan file to a Baton master and prints its events until it finishes.

    python submit_and_watch.py PLAN.yaml [--master HOST:PORT[,...]] [--time-scale X] [--runner NAME]

The plan goes as YAML text in SubmitPlanRequest.plan_yaml, exactly as `baton submit` sends it (the
master parses and validates it). The masters, TLS files and token come from the flags or from
BATON_MASTER, BATON_TLS_CA, BATON_TLS_CERT, BATON_TLS_KEY and BATON_TOKEN, as for the CLI. A standby
master's leader hint is followed. One line per event: `#SEQ KIND key=value ...`.

Exit codes (the CLI's): 0 the plan succeeded; 1 it failed or was cancelled; 2 bad input or a refused
call (the error on one line on stderr); 3 no master could be reached.
"""

from __future__ import annotations

import argparse
import os
import sys
import uuid

import grpc

from baton_client import BatonClientError, MasterClient, MasterUnreachable, Settings, describe
from baton_client.v1 import master_pb2, plan_pb2

#: The master refuses a plan_yaml over 1 MiB (master.proto); refuse it here first with a clear line.
MAX_PLAN_BYTES = 1024 * 1024


def summary(event: plan_pb2.PlanEvent) -> str:
    """`#SEQ KIND fields`: the kind of the oneof and the fields that say what happened."""
    kind = event.WhichOneof("kind") or "unknown"
    body = getattr(event, kind) if kind != "unknown" else None
    parts = [f"#{event.sequence}", kind]
    for field in ("task_id", "sync_point_id", "instance_id", "attempt", "level", "reason"):
        if body is not None and field in body.DESCRIPTOR.fields_by_name and getattr(body, field):
            parts.append(f"{field}={getattr(body, field)}")
    if kind == "plan_finished":
        parts.append("state=" + plan_pb2.PlanState.Name(event.plan_finished.state))
    return " ".join(parts)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Submit a Baton plan and watch it to the end.")
    parser.add_argument("plan", help="the plan file (YAML, as for `baton submit`)")
    parser.add_argument("--master", help="masters, host:port[,host:port...] (default: $BATON_MASTER or 127.0.0.1:7233)")
    parser.add_argument("--time-scale", type=float, default=0.0,
                        help="speeds simulated droids up: 0.001 makes a plan minute 60 ms (0..1; default 0 = 1)")
    parser.add_argument("--runner", default="", help="run every droid on this runner (default: the plan's)")
    parser.add_argument("--retry-for", type=float, default=60.0,
                        help="seconds to keep trying when no master answers (0..3600; default 60)")
    args = parser.parse_args(argv)
    try:
        if not 0 <= args.time_scale <= 1:
            raise BatonClientError(f"--time-scale: {args.time_scale} (expected: 0..1; 0 means 1)")
        plan_yaml = read_plan(args.plan)
        settings = Settings.from_env(master=args.master)
        with MasterClient(settings, retry_for=args.retry_for) as client:
            request = master_pb2.SubmitPlanRequest(plan_yaml=plan_yaml, time_scale=args.time_scale,
                                                   runner=args.runner, request_id=str(uuid.uuid4()))
            submitted = client.submit(request)
            print(f"submitted plan {submitted.plan_id} to {client.last_answered}", flush=True)
            state = plan_pb2.PLAN_STATE_UNSPECIFIED
            for event in client.watch(submitted.plan_id):
                print(summary(event), flush=True)
                if event.HasField("plan_finished"):
                    state = event.plan_finished.state
                    if event.plan_finished.reason:
                        print(f"reason: {' '.join(event.plan_finished.reason.split())}", flush=True)
        print(f"plan {submitted.plan_id}: {plan_pb2.PlanState.Name(state)}", flush=True)
        return 0 if state == plan_pb2.PLAN_STATE_SUCCEEDED else 1
    except BatonClientError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except MasterUnreachable as e:
        print(f"error: {e}", file=sys.stderr)
        return 3
    except grpc.RpcError as e:
        print(f"error: {describe(e)}", file=sys.stderr)
        return 2


def read_plan(path: str) -> str:
    try:
        size = os.path.getsize(path)
        if size > MAX_PLAN_BYTES:
            raise BatonClientError(f"{path}: {size} bytes (expected: a plan of at most {MAX_PLAN_BYTES} bytes)")
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        raise BatonClientError(f"{path}: cannot read the plan ({e.strerror}; expected: a readable YAML file)") from None
    except UnicodeDecodeError:
        raise BatonClientError(f"{path}: not UTF-8 text (expected: a YAML plan file)") from None


if __name__ == "__main__":
    sys.exit(main())
