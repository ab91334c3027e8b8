# Runs a schedule fuzzer as a test (cmake -P), in one of two modes:
#   MODE=find     it must fail within RUNS executions with output matching EXPECT; then the crash
#                 input it saved must fail the same way when the binary runs on it (same report line,
#                 same replay string), and so must WEFT_REPLAY=<that string> with the same file and,
#                 when WEFT is given, `weft replay --bytes <crash> -- <fuzzer>`.
#   MODE=survive  RUNS executions must all pass.
# -D arguments: FUZZER, WORKDIR, MODE, RUNS, EXPECT (find only), VARS (NAME=value;...), WEFT (optional:
# the weft command).
foreach(required FUZZER WORKDIR MODE RUNS)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "check_schedule_fuzzer.cmake needs -D${required}=...")
  endif()
endforeach()

file(REMOVE_RECURSE ${WORKDIR})
file(MAKE_DIRECTORY ${WORKDIR})

function(run_fuzzer out_code out_text)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env ${VARS} ${ARGN}
                  RESULT_VARIABLE code OUTPUT_VARIABLE text ERROR_VARIABLE text TIMEOUT 240)
  set(${out_code} ${code} PARENT_SCOPE)
  set(${out_text} "${text}" PARENT_SCOPE)
endfunction()

# -seed=1: the same mutations every time, so the number of executions needed does not drift.
run_fuzzer(code text ${FUZZER} -runs=${RUNS} -seed=1 -timeout=30 -artifact_prefix=${WORKDIR}/)

if(MODE STREQUAL "survive")
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "the correct program failed under the fuzzer (exit ${code}):\n${text}")
  endif()
  if(NOT text MATCHES "Done ${RUNS} runs")
    message(FATAL_ERROR "the fuzzer did not run all ${RUNS} executions:\n${text}")
  endif()
  return()
endif()

if(code EQUAL 0 OR NOT text MATCHES "${EXPECT}")
  message(FATAL_ERROR "the bug was not found within ${RUNS} executions (exit ${code}; expected output "
                      "matching \"${EXPECT}\"):\n${text}")
endif()
string(REGEX MATCH "input ([0-9]+) of this fuzzing process failed" found "${text}")
message(STATUS "found after ${CMAKE_MATCH_1} executions (bound ${RUNS})")
string(REGEX MATCH "Reproduce: WEFT_REPLAY=(w[0-9]+\\.[A-Za-z0-9_-]+)" found "${text}")
set(replay ${CMAKE_MATCH_1})
if(NOT replay)
  message(FATAL_ERROR "the failure report has no replay line:\n${text}")
endif()
file(GLOB crashes ${WORKDIR}/crash-*)
list(LENGTH crashes crash_count)
if(NOT crash_count EQUAL 1)
  message(FATAL_ERROR "expected one crash input in ${WORKDIR}, found ${crash_count}:\n${text}")
endif()

# The crash input is the schedule: the binary run on it fails the same way.
run_fuzzer(code again ${FUZZER} ${crashes})
if(code EQUAL 0 OR NOT again MATCHES "${EXPECT}" OR NOT again MATCHES "WEFT_REPLAY=${replay}")
  message(FATAL_ERROR "the crash input did not reproduce the failure (exit ${code}; expected "
                      "\"${EXPECT}\" and WEFT_REPLAY=${replay}):\n${again}")
endif()

# The replay string printed by the failure replays it too.
list(APPEND VARS WEFT_REPLAY=${replay})
run_fuzzer(code replayed ${FUZZER} ${crashes})
if(code EQUAL 0 OR NOT replayed MATCHES "${EXPECT}")
  message(FATAL_ERROR "WEFT_REPLAY=${replay} did not reproduce the failure (exit ${code}):\n${replayed}")
endif()

# The weft command replays the crash input the same way.
if(DEFINED WEFT)
  list(FILTER VARS EXCLUDE REGEX "^WEFT_REPLAY=")  # the input alone must decide
  run_fuzzer(code by_weft ${WEFT} replay --bytes ${crashes} -- ${FUZZER})
  if(NOT code EQUAL 1 OR NOT by_weft MATCHES "${EXPECT}" OR NOT by_weft MATCHES "weft replay: reproduced")
    message(FATAL_ERROR "weft replay --bytes did not reproduce the failure (exit ${code}):\n${by_weft}")
  endif()
endif()
