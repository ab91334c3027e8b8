# Checks that the files of one room include only headers of the rooms it may use (src/CMakeLists.txt
# declares them with weft_room). Run as a build step before the room compiles, and by the walls tests.
#
#   cmake -DWALLS=<walls.cmake> -DROOM=<room> [-DFILES=<file>;...] -P check_room_includes.cmake
#
# WALLS is the table written at configure time: for each room its header directories and single
# headers (WEFT_WALLS_<room>_DIRS, _HEADERS), the rooms it may use (_USES) and its files (_FILES).
# FILES replaces the room's own files (the tests check fixtures as if they belonged to the room).
# A quoted include names a header relative to src/; the room owning it is the one with the exact
# header, else the longest directory prefix. Includes no room owns (weft/, <...>, a file's own
# neighbours) are not walls.
cmake_minimum_required(VERSION 3.25)
include(${WALLS})
if(NOT ROOM IN_LIST WEFT_WALLS_ROOMS)
  message(FATAL_ERROR "weft walls: no room named \"${ROOM}\"; rooms are: ${WEFT_WALLS_ROOMS}")
endif()
if(NOT DEFINED FILES)
  set(FILES ${WEFT_WALLS_${ROOM}_FILES})
endif()

function(owner_of header out)
  foreach(room IN LISTS WEFT_WALLS_ROOMS)
    if(header IN_LIST WEFT_WALLS_${room}_HEADERS)
      set(${out} ${room} PARENT_SCOPE)
      return()
    endif()
  endforeach()
  set(best "")
  set(best_length 0)
  foreach(room IN LISTS WEFT_WALLS_ROOMS)
    foreach(dir IN LISTS WEFT_WALLS_${room}_DIRS)
      string(LENGTH "${dir}/" length)
      string(SUBSTRING "${header}" 0 ${length} prefix)
      if(prefix STREQUAL "${dir}/" AND length GREATER best_length)
        set(best ${room})
        set(best_length ${length})
      endif()
    endforeach()
  endforeach()
  set(${out} "${best}" PARENT_SCOPE)
endfunction()

set(broken 0)
foreach(file IN LISTS FILES)
  file(STRINGS ${file} includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"[^\"]+\"")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\".*" "\\1" header "${line}")
    owner_of("${header}" owner)
    if(owner STREQUAL "" OR owner STREQUAL ROOM OR owner IN_LIST WEFT_WALLS_${ROOM}_USES)
      continue()
    endif()
    string(REPLACE ";" ", " allowed "${WEFT_WALLS_${ROOM}_USES}")
    if(allowed STREQUAL "")
      set(allowed "no other room")
    endif()
    message("${file}: error: room ${ROOM} includes \"${header}\" of room ${owner}, which it may not use. "
                       "${ROOM} may use ${allowed} (weft_room in src/CMakeLists.txt; docs/architecture.md).")
    set(broken 1)
  endforeach()
endforeach()
if(broken)
  message(FATAL_ERROR "weft walls: room ${ROOM} reaches past its walls")
endif()
