# weft_instrument(<target>): compiles <target>'s own sources with -fsanitize=thread, so that every
# memory access and atomic operation in them calls a __tsan_* hook, and links weft::instrument, which
# defines those hooks as scheduling points of weft's controlled runs.
#
# Only the compile gets the flag: the link must not pull in libtsan, whose hooks would replace
# weft's. Targets that link <target> are not instrumented themselves.
#
# Included by weft's top-level CMakeLists.txt and, installed, by weftConfig.cmake: the same function
# for weft's own tests and for find_package(weft) users.
function(weft_instrument target)
  if(NOT TARGET ${target})
    message(FATAL_ERROR "weft_instrument: no target named \"${target}\"")
  endif()
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY")
    message(FATAL_ERROR "weft_instrument: \"${target}\" is an INTERFACE library: it has no sources of its own "
                        "to instrument; call weft_instrument on the targets that compile them")
  endif()
  # GCC expands a memcpy of known size inline after its instrumentation pass, so the copy would be
  # invisible; as calls, memcpy, memmove and memset reach weft::instrument's definitions.
  target_compile_options(${target} PRIVATE -fsanitize=thread -fno-builtin-memcpy -fno-builtin-memmove
                                           -fno-builtin-memset)
  target_link_libraries(${target} PUBLIC weft::instrument)
endfunction()
