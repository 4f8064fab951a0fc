# cmake -DMAILSTORM=<exe> -DEXPECT_CODE=<n|NOT0> -DEXPECT_STDERR=<regex> -DARGS=<a|b|c>
#       -DWORK=<folder> -P expect_exit.cmake
# Runs mailstorm with ARGS ('|'-separated; @WORK@ stands for WORK) in a fresh WORK folder that
# holds one regular file, WORK/blocker. Checks the exit status and that stderr matches the regex,
# and that the run left nothing in WORK (no results, no temporaries) when it failed.
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
file(WRITE ${WORK}/blocker "a regular file, so that folders under it cannot be created\n")
string(REPLACE "@WORK@" "${WORK}" args "${ARGS}")
string(REPLACE "|" ";" args "${args}")
execute_process(COMMAND ${MAILSTORM} ${args} WORKING_DIRECTORY ${WORK}
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "mailstorm ${args}\nexit status: ${code}\nstdout:\n${out}\nstderr:\n${err}")
if(EXPECT_CODE STREQUAL "NOT0")
  if(code EQUAL 0)
    message(FATAL_ERROR "expected a failure, got exit status 0")
  endif()
elseif(NOT code EQUAL EXPECT_CODE)
  message(FATAL_ERROR "expected exit status ${EXPECT_CODE}, got '${code}'")
endif()
if(NOT err MATCHES "${EXPECT_STDERR}")
  message(FATAL_ERROR "stderr does not match '${EXPECT_STDERR}'")
endif()
if(NOT code EQUAL 0)
  file(GLOB_RECURSE left RELATIVE ${WORK} LIST_DIRECTORIES true ${WORK}/*)
  if(NOT left STREQUAL "blocker")
    message(FATAL_ERROR "a failed run left files behind: ${left}")
  endif()
endif()
