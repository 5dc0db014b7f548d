#!/usr/bin/env bash
# Fuzzes one target (a *FuzzTest class) for longer than the build's short run, with coverage of
# Jackson, SnakeYAML and swagger-parser guiding it too. See docs/security.md, "Fuzzing".
#
#   scripts/fuzz.sh TARGET DURATION      e.g. scripts/fuzz.sh PlanYamlFuzzTest 30m
#   scripts/fuzz.sh list                 the targets
#
# TARGET: PlanYamlFuzzTest, PlanProtoFuzzTest, SharedDocumentFuzzTest, DroidDefinitionFuzzTest,
# AgentStreamFuzzTest. DURATION: 90s, 30m, 2h or seconds. The generated corpus grows in
# <module>/.cifuzz-corpus/ (not committed; kept between runs, so later runs start where earlier
# ones stopped). A finding stops the run, exits non-zero, and is written as
# <module>/src/test/resources/<package>/<Target>Inputs/<method>/crash-<sha1>, where every
# `./mvnw verify` replays it until the parser is fixed: commit it with the fix.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

usage() {
  echo "usage: $0 TARGET DURATION (e.g. $0 PlanYamlFuzzTest 30m), or $0 list" >&2
  exit 2
}

targets() {
  find . -path ./.tools -prune -o -path '*/src/test/java/*' -name '*FuzzTest.java' -print | sort
}

[[ $# -ge 1 ]] || usage
if [[ "$1" == list ]]; then
  targets | sed 's#.*/##; s#\.java$##'
  exit 0
fi
[[ $# -eq 2 ]] || usage
target="$1"
duration="$2"

file="$(targets | grep "/${target}\.java$" || true)"
if [[ -z "$file" ]]; then
  echo "unknown target '$target' (expected one of: $(targets | sed 's#.*/##; s#\.java$##' | paste -sd, -))" >&2
  exit 2
fi
module="$(echo "$file" | sed 's#^\./##; s#/src/test/java/.*##')"

case "$duration" in
  *[0-9]s) seconds="${duration%s}" ;;
  *[0-9]m) seconds=$(( ${duration%m} * 60 )) ;;
  *[0-9]h) seconds=$(( ${duration%h} * 3600 )) ;;
  *) seconds="$duration" ;;
esac
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || (( seconds < 1 )); then
  echo "duration '$duration' is not a duration (expected: e.g. 90s, 30m, 2h or a number of seconds)" >&2
  exit 2
fi

echo "fuzzing $target ($module) for ${seconds}s; corpus in $module/.cifuzz-corpus/, findings in $module/src/test/resources/"
# jazzer.internal.arg.N are libFuzzer's arguments (N = 0 names the program); Jazzer's JUnit
# integration appends them after the @FuzzTest's maxDuration, so -max_total_time here wins.
# -timeout: an input that runs longer than this many seconds is a finding (an unbounded loop).
exec ./mvnw -B -ntp verify -pl "$module" -am -DskipITs -Dbaton.tools.skip=true \
  -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbaton.fuzz.targets="$target" \
  -Dbaton.fuzz.instrument='dev.baton.**,com.fasterxml.jackson.**,org.yaml.snakeyaml.**,io.swagger.**' \
  -Djazzer.internal.arg.0=fuzz \
  -Djazzer.internal.arg.1=-max_total_time="$seconds" \
  -Djazzer.internal.arg.2=-timeout=30 \
  -Dbaton.fuzz.forkTimeout=$(( seconds + 600 ))
