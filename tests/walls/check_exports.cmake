# Fails when libweft.so exports a symbol of one of weft's hidden namespaces: it may export the public
# API, the interposers and the internal surface (weft::internal) only. Reads the demangled dynamic
# symbols of LIBRARY (nm -D --defined-only -C), or, for the test of this check, the lines of SYMBOLS.
cmake_minimum_required(VERSION 3.25)
if(DEFINED SYMBOLS)
  file(READ ${SYMBOLS} listed)
else()
  execute_process(COMMAND nm -D --defined-only -C ${LIBRARY} OUTPUT_VARIABLE listed RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "weft exports: nm could not read ${LIBRARY}")
  endif()
endif()
# weft's rooms' namespaces; the public API lives in weft:: itself, weft::detail (its templates) and
# weft::gtest/catch2/libfuzzer (the integrations, not in libweft.so).
set(hidden "sched|platform|leaks|registry|report|symbolize|snapshots|tasks|cli|intercept|instrument|config")
string(REGEX MATCHALL "[^\n]*weft::(${hidden})::[^\n]*" exported "${listed}")
if(exported)
  list(LENGTH exported count)
  string(REPLACE ";" "\n" shown "${exported}")
  message(FATAL_ERROR "weft exports: ${count} symbol(s) of weft's hidden namespaces are exported:\n${shown}")
endif()
string(REGEX MATCHALL "weft::internal::" surface "${listed}")
list(LENGTH surface surface_count)
message(STATUS "weft exports: no hidden namespace; ${surface_count} symbol(s) of the internal surface")
