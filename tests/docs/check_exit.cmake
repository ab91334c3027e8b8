# Runs one docs sample and fails unless it exits with the code its block declares.
#   cmake -DPROGRAM=<exe> -DEXPECTED=<code> -DSAMPLE=<doc:line> -P check_exit.cmake
execute_process(COMMAND ${PROGRAM} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 100)
if(NOT "${result}" STREQUAL "${EXPECTED}")
  message(FATAL_ERROR "docs sample ${SAMPLE} exited with ${result}, expected ${EXPECTED}\n"
                      "--- stdout ---\n${out}\n--- stderr ---\n${err}")
endif()
message(STATUS "docs sample ${SAMPLE} exited with ${result}, as declared")
