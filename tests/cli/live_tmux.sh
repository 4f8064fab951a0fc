#!/usr/bin/env bash
# Drives `mailstorm live` in a detached 80x24 tmux pane, as a class would use it, and checks what
# the pane shows (capture-pane) and that the terminal is given back as it was.
#
#   live_tmux.sh CASE MAILSTORM SCENARIO WORK
#   CASE: keys     draws the clock and charts (UTF-8), space pauses (the clock stands still),
#                  e switches emergency moderation on (events line), q quits: summary line,
#                  exit 0, main screen back, terminal settings unchanged
#         ctrl-c   the same way out by Ctrl-C, in an ASCII locale
#         sigterm  kill -TERM: terminal restored, exit status 143 (killed by SIGTERM)
#         pipe     `mailstorm live ... | cat` from a terminal: plain lines, no escape codes
# Every wait polls with a timeout (20 s) so that a loaded machine slows the test, not fails it.
set -euo pipefail
case_name=$1 mailstorm=$2 scenario=$3 work=$4

if ! command -v tmux >/dev/null; then
  echo "FAIL: tmux is not installed (bash scripts/install-deps.sh installs it)"
  exit 1
fi
rm -rf "$work"
mkdir -p "$work"
export TERM=${TERM:-xterm-256color}
[[ "$TERM" == dumb ]] && export TERM=xterm-256color
socket="mailstorm-live-test-$$"
tm() { tmux -L "$socket" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null || true' EXIT

capture() { tm capture-pane -p -J -t live | sed 's/ *$//'; }  # wrapped lines joined
fail() {
  echo "FAIL: $*"
  echo "---- the pane shows:"
  capture || true
  echo "----"
  exit 1
}
# wait_for REGEX [SECONDS]: until the pane shows a line matching REGEX (grep -E).
wait_for() {
  local re=$1 deadline=$((SECONDS + ${2:-20}))
  while ((SECONDS < deadline)); do
    capture | grep -Eq -- "$re" && return 0
    sleep 0.2
  done
  fail "the pane never showed /$re/"
}
pane_says() { capture | grep -Eq -- "$1"; }
alternate_on() { tm display-message -p -t live '#{alternate_on}'; }
clock_line() { capture | grep -Eo '^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) 2000-[0-9-]+ [0-9]{2}:[0-9]{2} \+09:00' | head -n 1; }

# The pane runs a script that records the terminal's settings before and after, and the exit
# status, then stays open so the result can be read.
start() {  # start LOCALE ARGS...
  local locale=$1
  shift
  {
    echo 'trap : INT'
    printf 'echo $$ > %q\n' "$work/shell.pid"
    echo 'before=$(stty -g)'
    printf 'LC_ALL=%q %q live %q' "$locale" "$mailstorm" "$scenario"
    printf ' %q' "$@"
    echo
    echo 'rc=$?'
    echo 'if [ "$before" = "$(stty -g)" ]; then echo TTY-RESTORED; else echo TTY-CHANGED; fi'
    echo 'echo "EXIT=$rc"'
    echo 'sleep 600'
  } >"$work/pane.sh"
  tm new-session -d -s live -x 80 -y 24 "bash $(printf %q "$work/pane.sh")"
}

clock_re='^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) 2000-06-[0-9]{2} [0-9]{2}:[0-9]{2} \+09:00 '

check_restored() {  # check_restored EXIT_STATUS
  wait_for "^EXIT=$1\$"
  pane_says '^TTY-RESTORED$' || fail "the terminal's settings were not restored"
  [[ "$(alternate_on)" == 0 ]] || fail "still on the alternate screen"
  pane_says '^keys: space pause' && fail "the dashboard is still on the screen"
  return 0
}

case "$case_name" in
  keys)
    start C.UTF-8 --speed 2 --set operator.action=none
    wait_for '^mailstorm live: small-storm'
    wait_for "$clock_re"
    wait_for '^keys: space pause'
    [[ "$(alternate_on)" == 1 ]] || fail "the view is not on the alternate screen"
    wait_for '^sender inbox .*█'  # the busiest hour at full height
    wait_for '^per hour'
    tm send-keys -t live Space
    wait_for 'PAUSED'
    first=$(clock_line)
    sleep 1.5
    second=$(clock_line)
    [[ -n "$first" && "$first" == "$second" ]] || fail "paused, yet the clock moved: '$first' -> '$second'"
    tm send-keys -t live e
    wait_for '^events: at (Mon|Tue|Wed|Thu|Fri|Sat|Sun) [0-9]{2}:[0-9]{2}: emergency moderation$'
    wait_for 'list MODERATED'
    tm send-keys -t live q
    check_restored 0
    pane_says '^mailstorm live: small-storm stopped at .*measures: at .*emergency moderation' ||
      fail "no summary line naming the measure"
    ;;
  ctrl-c)
    start C --speed 24
    wait_for "$clock_re"
    wait_for '^sender inbox .*@'  # ASCII charts in the C locale
    pane_says '[▁▂▃▄▅▆▇█]' && fail "Unicode blocks in the C locale"
    tm send-keys -t live C-c
    check_restored 0
    pane_says '^mailstorm live: small-storm stopped at .*no measure taken' || fail "no summary line"
    ;;
  sigterm)
    start C.UTF-8 --speed 4
    wait_for "$clock_re"
    shell=$(cat "$work/shell.pid")
    pid=''
    for _ in $(seq 100); do
      pid=$(pgrep -P "$shell" -x mailstorm | head -n 1 || true)
      [[ -n "$pid" ]] && break
      sleep 0.2
    done
    [[ -n "$pid" ]] || fail "cannot find the mailstorm process"
    kill -TERM "$pid"
    check_restored 143
    ;;
  pipe)
    {
      echo "$(printf %q "$mailstorm") live $(printf %q "$scenario") --set run.horizon=6h | cat > $(printf %q "$work/out.txt")"
      echo 'echo "EXIT=${PIPESTATUS[0]}"'
      echo 'sleep 600'
    } >"$work/pane.sh"
    tm new-session -d -s live -x 80 -y 24 "bash $(printf %q "$work/pane.sh")"
    wait_for '^EXIT=0$'
    grep -q $'\x1b' "$work/out.txt" && fail "escape codes in piped output: $(cat -v "$work/out.txt")"
    hourly=$(grep -Ec "$clock_re inbox/h [0-9]+  posts/h [0-9]+  bounces/h [0-9]+" "$work/out.txt" || true)
    [[ "$hourly" == 6 ]] || fail "expected 6 hourly lines, got $hourly: $(cat "$work/out.txt")"
    tail -n 1 "$work/out.txt" | grep -q '^mailstorm live: small-storm stopped at .*(6h of 6h)' ||
      fail "no summary line at the end: $(cat "$work/out.txt")"
    ;;
  *)
    echo "unknown case '$case_name'" >&2
    exit 2
    ;;
esac
echo "ok: live $case_name"
