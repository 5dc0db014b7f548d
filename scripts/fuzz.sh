#!/usr/bin/env bash
# A longer coverage-guided fuzzing run of one target than the 10 s each gets in `./mvnw verify`.
# Runs Jazzer's own driver on the target's @FuzzTest (the same code the build runs), from the
# module directory, so that:
#   - seeds come from <module>/src/test/resources/<package>/<Class>Inputs/<method>/ (committed),
#   - the corpus it grows goes to <module>/.cifuzz-corpus/<Class>/<method>/ (gitignored; kept
#     between runs, so a second run starts where the first stopped),
#   - a finding (crash-*, timeout-*) is written next to the seeds, where every later build replays it.
#
#   scripts/fuzz.sh TARGET [DURATION]     e.g. scripts/fuzz.sh plan-yaml 30m
#   scripts/fuzz.sh list
#
# DURATION: seconds, or a number with s, m or h (default 10m). Exit status: 0 when the run ended
# without a finding, 1 with a finding, 2 on a usage error. See docs/security.md, "Fuzzing".
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

targets="plan-yaml plan-proto shared-documents agent-streams droid-definitions"
usage() { echo "usage: $0 TARGET [DURATION] (TARGET: ${targets// /, }; DURATION such as 600, 10m or 2h)" >&2; exit 2; }

target="${1:-}"
duration="${2:-10m}"
case "$target" in
  plan-yaml) module=master; class=dev.baton.master.plan.PlanFuzzTest; method=yaml ;;
  plan-proto) module=master; class=dev.baton.master.plan.PlanFuzzTest; method=proto ;;
  shared-documents) module=master; class=dev.baton.master.conflict.SharedDocumentFuzzTest; method=everyParser ;;
  agent-streams) module=runtime; class=dev.baton.runtime.agent.AgentStreamFuzzTest; method=everyParser ;;
  droid-definitions) module=runtime; class=dev.baton.runtime.droid.definition.DroidDefinitionFuzzTest; method=parse ;;
  list) for t in $targets; do echo "$t"; done; exit 0 ;;
  *) usage ;;
esac

case "$duration" in
  *[0-9]h) seconds=$(( ${duration%h} * 3600 )) ;;
  *[0-9]m) seconds=$(( ${duration%m} * 60 )) ;;
  *[0-9]s) seconds=${duration%s} ;;
  *[!0-9]*|'') usage ;;
  *) seconds=$duration ;;
esac
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -ge 1 ]] || usage

cd "$root"
classpath_file="$root/$module/target/fuzz-classpath.txt"
echo "building $module's tests and their class path..." >&2
./mvnw -B -ntp -q test-compile dependency:build-classpath -pl "$module" -am \
  -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=test >&2

cd "$root/$module"
echo "fuzzing $class#$method for ${seconds}s (findings: $module/src/test/resources/${class//.//}Inputs/$method/)" >&2
# -max_total_time given here comes after the @FuzzTest's maxDuration and so replaces it.
exec java -cp "target/test-classes:target/classes:$(cat "$classpath_file")" \
  com.code_intelligence.jazzer.Jazzer \
  --target_class="$class" --target_method="$method" \
  -max_total_time="$seconds"
