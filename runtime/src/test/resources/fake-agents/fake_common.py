"""Shared parts of the fake agent CLIs (claude, droid, codex) used by Baton's tests.

Stdlib only. A fake reads a JSON scenario, emits its CLI's stream format one line at a time
(flushed), really edits files in its working directory, and records its argv and the NAMES of its
environment variables (never their values) to $FAKE_AGENT_LOG.

Scenario (JSON): {"mode": "ok|fail|hang|overrun|no_result", "steps": [...], "result": "...",
"error": "...", "spawn_child": bool, "overrun_tokens": N, "omit_result_ids": bool,
"detach": "shell command run first, e.g. a double-forked daemon: (setsid sleep 305 &)"}
Steps: {"message": "text"}, {"write": {"path", "content"}}, {"edit": {"path", "old", "new"}},
{"delete": "path"}, {"bash": {"command", "output", "exit_code"}}, {"usage": {"input", "output",
"cache_read", "cache_write"}}.
"""
import json
import os
import re
import subprocess
import sys
import time
import uuid

PRICE_IN, PRICE_OUT, PRICE_CACHE_READ, PRICE_CACHE_WRITE = 3.0, 15.0, 0.30, 3.75


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def now_ms():
    return int(time.time() * 1000)


def log(cli, argv, extra=None):
    path = os.environ.get("FAKE_AGENT_LOG")
    if not path:
        return
    record = {"cli": cli, "argv": argv, "env": sorted(os.environ.keys()), "pid": os.getpid(), "cwd": os.getcwd()}
    if extra:
        record.update(extra)
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")


def task_id(prompt):
    m = re.search(r"^Task: *(\S+)", prompt or "", re.MULTILINE)
    return m.group(1) if m else None


def scenario(prompt):
    """The run's scenario: $FAKE_AGENT_SCENARIO, else <task>.json in $FAKE_AGENT_SCENARIOS, else in the
    working directory's .baton/scenarios (where Baton's scripted runner also looks), else a no-op.
    A scenario's "detach" command runs at once (a daemon it starts inherits stdout, as a real one would)."""
    sc = find_scenario(prompt)
    if sc.get("detach"):
        subprocess.call(["/bin/sh", "-c", sc["detach"]])
    return sc


def find_scenario(prompt):
    single = os.environ.get("FAKE_AGENT_SCENARIO")
    if single:
        return load(single)
    tid = task_id(prompt)
    for folder in [os.environ.get("FAKE_AGENT_SCENARIOS"), os.path.join(os.getcwd(), ".baton", "scenarios")]:
        if folder and tid:
            path = os.path.join(folder, tid + ".json")
            if os.path.isfile(path):
                return load(path)
    return {"mode": "ok", "steps": [{"message": "Nothing to do."}], "result": "done"}


def load(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return from_scripted(data) if isinstance(data, list) else data


def from_scripted(steps):
    """A scenario in the scripted runner's format (a list of one-key steps, docs/agents.md) as a fake's."""
    out = {"mode": "ok", "steps": [], "result": "done"}
    files = {}
    for step in steps:
        (kind, value), = step.items()
        if kind in ("message", "write", "delete"):
            out["steps"].append({kind: value})
            if kind == "write":
                files[value["path"]] = value["content"]
        elif kind == "append":
            path = value["path"]
            if path not in files:
                files[path] = open(path, encoding="utf-8").read() if os.path.isfile(path) else ""
            files[path] += value["content"]
            out["steps"].append({"write": {"path": path, "content": files[path]}})
        elif kind == "tool":
            if value.get("name") == "Bash":
                out["steps"].append({"bash": {"command": (value.get("input") or {}).get("command", ""),
                                              "output": value.get("output", ""), "exit_code": 0}})
        elif kind == "usage":
            out["steps"].append({"usage": {k: value.get(k, 0) for k in ("input", "output", "cache_read", "cache_write")}})
        elif kind == "fail":
            out["mode"], out["error"] = "fail", value
        elif kind == "hang":
            out["mode"] = "hang"
        elif kind == "exit":
            out["mode"] = "no_result"
        elif kind == "result":
            out["result"] = value
    if out["steps"] and "usage" in out["steps"][-1]:
        # a fake charges a usage step to the next assistant message: the final answer is one
        out["steps"].append({"message": out["result"]})
    return out


def read_stdin():
    if sys.stdin is None or sys.stdin.closed:
        return ""
    return sys.stdin.read()


def new_id():
    return str(uuid.uuid4())


HANG_SECONDS = 300


def hang(cli, spawn_child):
    """Sleeps until killed; optionally with a child that sleeps too (to test killing the tree).

    Both give up after HANG_SECONDS, so a failed test cannot leave them behind for ever.
    """
    if spawn_child:
        child = subprocess.Popen([sys.executable, "-c", "import time\ntime.sleep(%d)" % HANG_SECONDS])
        log(cli, None, {"child_pid": child.pid, "hanging": True})
    else:
        log(cli, None, {"hanging": True})
    time.sleep(HANG_SECONDS)
    sys.exit(3)


def apply_write(path, content):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    existed = os.path.exists(path)
    with open(path, "w", encoding="utf-8") as f:
        f.write(content)
    return existed


def apply_edit(path, old, new):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if old not in text:
        return False
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new, 1))
    return True


class Usage:
    """Running token totals of a fake run."""

    def __init__(self):
        self.input = self.output = self.cache_read = self.cache_write = 0

    def add(self, u):
        self.input += int(u.get("input", 0))
        self.output += int(u.get("output", 0))
        self.cache_read += int(u.get("cache_read", 0))
        self.cache_write += int(u.get("cache_write", 0))

    def cost(self):
        return (self.input * PRICE_IN + self.output * PRICE_OUT + self.cache_read * PRICE_CACHE_READ
                + self.cache_write * PRICE_CACHE_WRITE) / 1_000_000


def parse_args(argv, with_value, flags, usage_prefix, exit_code, allow_positional=1):
    """Parses argv like the CLI does; unknown options are refused as the real CLI refuses them."""
    opts, positional = {}, []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            positional.extend(argv[i + 1:])
            break
        if a.startswith("-") and a != "-":
            name, eq, value = a.partition("=")
            if name in with_value:
                if not eq:
                    i += 1
                    if i >= len(argv):
                        sys.stderr.write("%s: option '%s' argument missing\n" % (usage_prefix, name))
                        sys.exit(exit_code)
                    value = argv[i]
                opts.setdefault(with_value[name], []).append(value)
            elif name in flags:
                opts[flags[name]] = [True]
            else:
                sys.stderr.write("%s: unknown option '%s'\n" % (usage_prefix, a))
                sys.exit(exit_code)
        else:
            positional.append(a)
        i += 1
    if len(positional) > allow_positional:
        sys.stderr.write("%s: too many arguments: %s\n" % (usage_prefix, positional))
        sys.exit(exit_code)
    return opts, positional


def first(opts, key, default=None):
    values = opts.get(key)
    return values[-1] if values else default
