# weft_add_schedule_fuzzer(<name> <source>...): a libFuzzer executable whose sources define their fuzz
# test with WEFT_FUZZ_SCHEDULES or WEFT_FUZZ_DATA_AND_SCHEDULES (<weft/libfuzzer.hpp>). Its own sources
# are compiled and linked with -fsanitize=fuzzer; weft::libfuzzer (the input-to-schedule glue and the
# interleaving counters) is linked in. Add sanitizers as usual (target_compile_options/link_options).
#
# libFuzzer ships with clang only: with any other compiler this stops with an error that says so.
#
# Included by weft's top-level CMakeLists.txt and, installed, by weftConfig.cmake: the same function
# for weft's own tests and for find_package(weft) users.
function(weft_add_schedule_fuzzer name)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR
            "weft_add_schedule_fuzzer(${name}): libFuzzer (-fsanitize=fuzzer) comes with clang only, and this "
            "project's C++ compiler is ${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}. Configure a "
            "separate build with -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++, or call it only "
            "if(CMAKE_CXX_COMPILER_ID STREQUAL \"Clang\").")
  endif()
  if(NOT TARGET weft::libfuzzer)
    message(FATAL_ERROR "weft_add_schedule_fuzzer(${name}): weft::libfuzzer is missing: this weft was built "
                        "without its libFuzzer integration (integrations/libfuzzer); rebuild and reinstall "
                        "weft from a complete source tree")
  endif()
  if(ARGC LESS 2)
    message(FATAL_ERROR "weft_add_schedule_fuzzer(${name}): no sources; pass the files that use "
                        "WEFT_FUZZ_SCHEDULES or WEFT_FUZZ_DATA_AND_SCHEDULES")
  endif()
  add_executable(${name} ${ARGN})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(${name} PRIVATE weft::libfuzzer)
endfunction()
