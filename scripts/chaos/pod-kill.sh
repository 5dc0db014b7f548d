#!/usr/bin/env bash
# Chaos by killing pods (issue 12): deletes a random Running pod of Baton every N seconds for M
# minutes while a plan runs, then checks that the plan SUCCEEDED with every task succeeded exactly
# once and never run twice. For a real cluster (kubectl); docs/chaos-testing.md, "Killing pods".
#
# Exit codes: 0 the plan passed the checks, 1 it did not (each problem is printed), 2 bad arguments
# or a missing tool, 3 the cluster or the master could not be reached.
set -euo pipefail

readonly PROG=pod-kill
KUBECTL=${KUBECTL:-kubectl}
BATON=${BATON:-baton}

usage() {
  cat <<'EOF'
usage: scripts/chaos/pod-kill.sh --plan FILE [options]

Submits FILE to Baton's master, deletes a random Running pod of ROLE every N seconds for M
minutes while the plan runs, waits for the plan's end, then checks it: SUCCEEDED, one
TaskSucceeded per task, no task started again unless its instance was recovered (killed), no late
result ignored. Prints one line per kill and a summary.

  -p, --plan FILE          plan YAML to submit (required)
  -n, --namespace NS       namespace of Baton's pods (default: baton)
  -r, --role ROLE          master, frontend, backend, devops, testing or any (default: any); pods are
                           chosen by app.kubernetes.io/name=baton and app.kubernetes.io/component=master
                           or baton.dev/domain=ROLE (the labels of k8s/base)
  -i, --interval N         seconds between kills, 1..3600 (default: 30)
  -d, --duration M         minutes of killing, 1..1440, or seconds as 90s (default: 5)
  -g, --grace S            grace period of each deletion in seconds, 0..3600 (default: 0: a forced
                           deletion, as Chaos Mesh's pod-kill; a graceful one lets the pod drain)
  -m, --master HOST:PORT[,HOST:PORT...]
                           the master Service (or the masters) as reachable from here (default:
                           kubectl port-forward of svc/baton-master port 7233 to a free local port,
                           started again on that port whenever it ends, as when its pod is killed)
      --time-scale X       passed to baton submit (sim droids: 0.01 makes a plan minute 0.6 s)
      --seed N             seed of the victim choice, 0..32767 (default: from the clock; printed)
      --plan-timeout M     minutes to wait for the plan after the last kill, 1..1440 (default: 30)
      --context CTX        kubectl context (default: the current one)
      --out DIR            keep the events and the final status here (default: a temporary directory)
  -h, --help               this text

Environment: KUBECTL and BATON name the commands (default kubectl, baton); baton reads its own
BATON_TLS_CA, BATON_TLS_CERT, BATON_TLS_KEY and BATON_TOKEN. Needs bash, jq and coreutils.
EOF
}

# One line naming the problem and what is expected, then exit 2.
bad() {
  echo "$PROG: $* (see --help)" >&2
  exit 2
}

int_in() { # value min max
  [[ $1 =~ ^[0-9]+$ ]] && (( 10#$1 >= $2 && 10#$1 <= $3 ))
}

plan='' namespace=baton role=any interval=30 duration=5 grace=0 master='' time_scale='' seed='' plan_timeout=30
context='' out=''
need_value() { [[ $# -ge 2 && -n $2 ]] || bad "$1 needs a value"; }
while [[ $# -gt 0 ]]; do
  case $1 in
    -p|--plan) need_value "$@"; plan=$2; shift 2 ;;
    -n|--namespace) need_value "$@"; namespace=$2; shift 2 ;;
    -r|--role) need_value "$@"; role=$2; shift 2 ;;
    -i|--interval) need_value "$@"; interval=$2; shift 2 ;;
    -d|--duration) need_value "$@"; duration=$2; shift 2 ;;
    -g|--grace) need_value "$@"; grace=$2; shift 2 ;;
    -m|--master) need_value "$@"; master=$2; shift 2 ;;
    --time-scale) need_value "$@"; time_scale=$2; shift 2 ;;
    --seed) need_value "$@"; seed=$2; shift 2 ;;
    --plan-timeout) need_value "$@"; plan_timeout=$2; shift 2 ;;
    --context) need_value "$@"; context=$2; shift 2 ;;
    --out) need_value "$@"; out=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) bad "unknown argument '$1'" ;;
  esac
done

[[ -n $plan ]] || bad "--plan FILE is required (the plan to run while pods are killed)"
[[ -f $plan && -r $plan ]] || bad "--plan $plan: no such readable file"
case $role in
  master|frontend|backend|devops|testing|any) ;;
  *) bad "--role $role: expected master, frontend, backend, devops, testing or any" ;;
esac
[[ $namespace =~ ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$ ]] || bad "--namespace $namespace: not a Kubernetes namespace name"
int_in "$interval" 1 3600 || bad "--interval $interval: expected whole seconds from 1 to 3600"
if [[ $duration =~ ^[0-9]+s$ ]]; then
  duration_s=$((10#${duration%s}))
  (( duration_s >= 1 && duration_s <= 86400 )) || bad "--duration $duration: expected 1s to 86400s"
elif int_in "$duration" 1 1440; then
  duration_s=$((10#$duration * 60))
else
  bad "--duration $duration: expected minutes from 1 to 1440, or seconds as 90s"
fi
int_in "$grace" 0 3600 || bad "--grace $grace: expected whole seconds from 0 to 3600 (0: forced deletion)"
int_in "$plan_timeout" 1 1440 || bad "--plan-timeout $plan_timeout: expected minutes from 1 to 1440"
if [[ -n $seed ]]; then
  int_in "$seed" 0 32767 || bad "--seed $seed: expected 0 to 32767"
else
  seed=$(( $(date +%s) % 32768 ))
fi
if [[ -n $master ]]; then
  [[ $master =~ ^[^:/,[:space:]]+:[0-9]{1,5}(,[^:/,[:space:]]+:[0-9]{1,5})*$ ]] \
    || bad "--master $master: expected HOST:PORT[,HOST:PORT...] (the master Service, or the masters)"
fi
if [[ -n $time_scale ]]; then
  [[ $time_scale =~ ^[0-9]*\.?[0-9]+$ ]] || bad "--time-scale $time_scale: expected a positive number such as 0.01"
fi
for tool in "$KUBECTL" "$BATON" jq; do
  command -v "$tool" >/dev/null 2>&1 || bad "$tool not found on the PATH (install it, or set KUBECTL/BATON)"
done

kubectl_() {
  if [[ -n $context ]]; then "$KUBECTL" --context "$context" -n "$namespace" "$@"; else "$KUBECTL" -n "$namespace" "$@"; fi
}

selector=app.kubernetes.io/name=baton
case $role in
  any) ;;
  master) selector+=,app.kubernetes.io/component=master ;;
  *) selector+=,baton.dev/domain=$role ;;   # the sub-orchestrators of one domain (k8s/base)
esac

if [[ -z $out ]]; then
  out=$(mktemp -d "${TMPDIR:-/tmp}/pod-kill.XXXXXX")
fi
mkdir -p "$out"
forward_pid='' watch_pid=''
cleanup() {
  [[ -n $watch_pid ]] && kill "$watch_pid" 2>/dev/null || true
  [[ -n $forward_pid ]] && kill "$forward_pid" 2>/dev/null || true
}
trap cleanup EXIT

now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
log() { echo "$PROG: $(now) $*"; }

# Running pods of the role that are not being deleted: "name node" per line.
running_pods() {
  kubectl_ get pods -l "$selector" --field-selector=status.phase=Running \
    -o 'jsonpath={range .items[*]}{.metadata.name}{" "}{.spec.nodeName}{" "}{.metadata.deletionTimestamp}{"\n"}{end}' \
    | awk 'NF == 2'
}

if ! pods_now=$(running_pods 2>"$out/kubectl.err"); then
  echo "$PROG: cannot list pods in namespace $namespace: $(head -n 1 "$out/kubectl.err") (check the context and RBAC: get, list, delete pods)" >&2
  exit 3
fi
[[ -n $pods_now ]] || log "warning: no Running pod matches $selector in $namespace yet"

# kubectl port-forward to a Service binds one of its pods and ends when that pod dies: it is
# started again on the same local port, where baton watch (--retry-for) finds the master again.
port=''
forward() {
  kubectl_ port-forward svc/baton-master "${port}:7233" >"$out/port-forward.log" 2>&1 &
  forward_pid=$!
  local found=''
  for _ in $(seq 1 100); do
    found=$(sed -n 's/^Forwarding from 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$out/port-forward.log" | head -n 1)
    [[ -n $found ]] && break
    kill -0 "$forward_pid" 2>/dev/null || break
    sleep 0.1
  done
  [[ -n $found ]] || return 1
  port=$found
}
if [[ -z $master ]]; then
  forward || { echo "$PROG: kubectl port-forward svc/baton-master failed: $(head -n 1 "$out/port-forward.log") (or give --master HOST:PORT)" >&2; exit 3; }
  master=127.0.0.1:$port
fi
keep_forwarding() {
  if [[ -n $forward_pid ]] && ! kill -0 "$forward_pid" 2>/dev/null; then
    forward || log "warning: kubectl port-forward svc/baton-master ended and could not be started again: $(head -n 1 "$out/port-forward.log")"
  fi
}

submit_args=(submit "$plan" --master "$master" --output json)
[[ -n $time_scale ]] && submit_args+=(--time-scale "$time_scale")
if ! "$BATON" "${submit_args[@]}" >"$out/submit.json" 2>"$out/submit.err"; then
  echo "$PROG: baton submit failed: $(tail -n 1 "$out/submit.err")" >&2
  exit 3
fi
plan_id=$(jq -r '.planId // empty' "$out/submit.json")
total=$(jq -r '.status.tasks | length' "$out/submit.json")
[[ -n $plan_id ]] || { echo "$PROG: baton submit printed no planId (see $out/submit.json)" >&2; exit 3; }
log "plan $plan_id submitted to $master ($total tasks); killing $selector in $namespace every ${interval}s for ${duration_s}s, grace ${grace}s, seed $seed"

# baton watch: event lines (stderr) to events.log, the final PlanStatus (stdout) to final.json.
"$BATON" watch "$plan_id" --master "$master" --output json --retry-for 10m >"$out/final.json" 2>"$out/events.log" &
watch_pid=$!

phase() {
  local done last
  done=$(awk '$3 == "task" && $5 == "succeeded"' "$out/events.log" | wc -l)
  last=$(awk '$2 ~ /^#[0-9]+$/ { s = $2 } END { print s }' "$out/events.log")
  echo "$done/$total tasks succeeded, event ${last:-#0}"
}

RANDOM=$seed
kills=0 skipped=0
end=$(( $(date +%s) + duration_s ))
while (( $(date +%s) < end )) && kill -0 "$watch_pid" 2>/dev/null; do
  next=$(( $(date +%s) + interval ))
  while (( $(date +%s) < next )) && kill -0 "$watch_pid" 2>/dev/null; do keep_forwarding; sleep 1; done
  kill -0 "$watch_pid" 2>/dev/null || break
  mapfile -t candidates < <(running_pods || true)
  if (( ${#candidates[@]} == 0 )); then
    skipped=$((skipped + 1))
    log "no Running pod matches $selector; nothing killed ($(phase))"
    continue
  fi
  read -r pod node <<<"${candidates[RANDOM % ${#candidates[@]}]}"
  if (( grace == 0 )); then
    delete_args=(delete pod "$pod" --grace-period=0 --force --wait=false)
  else
    delete_args=(delete pod "$pod" "--grace-period=$grace" --wait=false)
  fi
  if kubectl_ "${delete_args[@]}" >/dev/null 2>"$out/kubectl.err"; then
    kills=$((kills + 1))
    log "kill #$kills pod=$pod node=$node grace=${grace}s phase=\"$(phase)\""
  else
    skipped=$((skipped + 1))
    log "could not delete $pod: $(head -n 1 "$out/kubectl.err")"
  fi
done

log "killing stopped after $kills kill(s); waiting up to ${plan_timeout}m for plan $plan_id"
deadline=$(( $(date +%s) + plan_timeout * 60 ))
while kill -0 "$watch_pid" 2>/dev/null && (( $(date +%s) < deadline )); do keep_forwarding; sleep 1; done
if kill -0 "$watch_pid" 2>/dev/null; then
  echo "$PROG: FAIL plan $plan_id did not finish within ${plan_timeout}m after the kills ($(phase)); events in $out/events.log"
  exit 1
fi
wait "$watch_pid" || true
watch_pid=''

# The checks, from the final status and the event lines (dev.baton.cli.EventFormat's format).
problems=()
state=$(jq -r '.state // "unknown"' "$out/final.json" 2>/dev/null || echo unknown)
[[ $state == PLAN_STATE_SUCCEEDED ]] || problems+=("plan $plan_id ended $state: $(jq -r '.reason // ""' "$out/final.json" 2>/dev/null)")
mapfile -t tasks < <(jq -r '.tasks[].id' "$out/final.json" 2>/dev/null || true)
(( ${#tasks[@]} > 0 )) || problems+=("the final status lists no task (see $out/final.json)")
restarted=0
for task in "${tasks[@]}"; do
  n=$(awk -v t="$task" '$3 == "task" && $4 == t && $5 == "succeeded"' "$out/events.log" | wc -l)
  (( n == 1 )) || problems+=("task $task has $n TaskSucceeded (expected exactly 1)")
  # Every start but the last must be on an instance the master recovered (lost) afterwards.
  mapfile -t starts < <(awk -v t="$task" '$3 == "task" && $4 == t && $5 == "started" { print NR, $7 }' "$out/events.log")
  for (( i = 0; i + 1 < ${#starts[@]}; i++ )); do
    read -r line instance <<<"${starts[i]}"
    if awk -v from="$line" -v i="$instance" 'NR > from && $3 == "recovery" && $6 == i { found = 1 } END { exit !found }' "$out/events.log"; then
      restarted=$((restarted + 1))
    else
      problems+=("task $task started again after $instance without a recovery of $instance: run twice")
    fi
  done
done
while read -r late; do
  [[ -n $late ]] && problems+=("a task ran twice: $late")
done < <(awk '$3 == "late" { $1 = ""; $2 = ""; sub(/^ +/, ""); print }' "$out/events.log")

summary="plan $plan_id $state after $kills kill(s) ($skipped round(s) without a kill), seed $seed; ${#tasks[@]} task(s), $restarted restart(s) after a recovery; events in $out"
if (( ${#problems[@]} == 0 )); then
  echo "$PROG: PASS $summary"
  exit 0
fi
for p in "${problems[@]}"; do echo "$PROG: problem: $p"; done
echo "$PROG: FAIL $summary"
exit 1
