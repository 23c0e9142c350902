# check_sigv4_sign.cmake - runs sigv4-sign on one SigV4 suite case and compares its output
# with the case's expected files, byte for byte.
# Inputs: TOOL (sigv4-sign), CASE_DIR (tests/data/sigv4/<case>), MODE (header|query),
# WORK_DIR (scratch directory).
file(MAKE_DIRECTORY "${WORK_DIR}")
set(args "")
if(MODE STREQUAL "query")
  set(args "--query")
endif()
execute_process(COMMAND "${TOOL}" ${args} "${CASE_DIR}/request.txt" "${CASE_DIR}/context.json"
                OUTPUT_FILE "${WORK_DIR}/actual.txt"
                ERROR_VARIABLE err
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "sigv4-sign failed (${rc}): ${err}")
endif()

file(READ "${CASE_DIR}/${MODE}-canonical-request.txt" creq)
file(READ "${CASE_DIR}/${MODE}-string-to-sign.txt" sts)
file(READ "${CASE_DIR}/${MODE}-signature.txt" sig)
file(READ "${CASE_DIR}/${MODE}-signed-request.txt" sreq)
file(WRITE "${WORK_DIR}/expected.txt"
     "===== canonical request =====\n${creq}\n"
     "===== string to sign =====\n${sts}\n"
     "===== signature =====\n${sig}\n"
     "===== signed request =====\n${sreq}\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files
                        "${WORK_DIR}/expected.txt" "${WORK_DIR}/actual.txt"
                RESULT_VARIABLE diff)
if(NOT diff EQUAL 0)
  message(FATAL_ERROR "sigv4-sign output differs from ${CASE_DIR} (${MODE}); compare "
                      "${WORK_DIR}/expected.txt with ${WORK_DIR}/actual.txt")
endif()
message(STATUS "sigv4-sign matches ${CASE_DIR} (${MODE})")
