#!/usr/bin/env bash
# Reads `swift build` output on stdin, echoes it, and fails when SwiftPM only *warned* that a
# pkg-config package is missing or misnamed (it would then build against whatever headers it finds).
set -uo pipefail
status=0
while IFS= read -r line; do
  printf '%s\n' "$line"
  case "$line" in
    *"you may be able to install"*|*"couldn't find pc file"*|*"could not find pc file"*|*"pkg-config"*"not found"*)
      echo "error: a system library's pkg-config package is missing or misnamed (see the line above); run 'make deps'" >&2
      status=1 ;;
    *"error:"*) status=1 ;;
  esac
done
exit $status
