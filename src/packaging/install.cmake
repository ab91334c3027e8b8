# `cmake --install` rules: headers, libweft.so and libweft.a, the test-framework integrations that were
# built, a CMake package (find_package(weft)) and a pkg-config module (weft.pc).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The libraries' installed include directory is spelled "include" in src/CMakeLists.txt.
if(NOT CMAKE_INSTALL_INCLUDEDIR STREQUAL "include")
  message(FATAL_ERROR "weft installs its headers under <prefix>/include, where its exported targets look "
                      "for them; CMAKE_INSTALL_INCLUDEDIR must be include, got \"${CMAKE_INSTALL_INCLUDEDIR}\"")
endif()

set(WEFT_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/weft CACHE STRING
    "Where weftConfig.cmake is installed, relative to the install prefix")

install(TARGETS weft weft_static EXPORT weftTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT weftTargets NAMESPACE weft:: FILE weftTargets.cmake DESTINATION ${WEFT_INSTALL_CMAKEDIR})

# Each integration gets its own targets file, so that weftConfig.cmake can load it only when the
# consumer has the framework it links; a machine without GoogleTest can still use weft::weft.
# The header of an integration that was not built is not installed either.
set(weft_header_excludes)
function(weft_install_integration name export_set)
  if(NOT TARGET weft_${name})
    set(weft_header_excludes ${weft_header_excludes} PATTERN ${name}.hpp EXCLUDE PARENT_SCOPE)
    return()
  endif()
  set(targets weft_${name})
  if(TARGET weft_${name}_main)
    list(APPEND targets weft_${name}_main)
  endif()
  install(TARGETS ${targets} EXPORT ${export_set} ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(EXPORT ${export_set} NAMESPACE weft:: FILE ${export_set}.cmake DESTINATION ${WEFT_INSTALL_CMAKEDIR})
endfunction()
weft_install_integration(gtest weftGtestTargets)
weft_install_integration(catch2 weftCatch2Targets)
# weft::libfuzzer is built by every compiler, so that a GCC-built weft serves clang fuzz targets;
# weft_add_schedule_fuzzer() is installed either way, so that calling it against a weft built without
# the integration says why instead of "unknown command".
weft_install_integration(libfuzzer weftLibfuzzerTargets)
install(FILES ${PROJECT_SOURCE_DIR}/integrations/libfuzzer/weft_add_schedule_fuzzer.cmake
        DESTINATION ${WEFT_INSTALL_CMAKEDIR})

# weft::census_http, the census's HTTP endpoint (docs/production.md), in its own file too.
install(TARGETS weft_census_http EXPORT weftCensusHttpTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT weftCensusHttpTargets NAMESPACE weft:: FILE weftCensusHttpTargets.cmake
        DESTINATION ${WEFT_INSTALL_CMAKEDIR})

# weft::instrument and weft_instrument() ship in their own files: weftConfig.cmake includes both, and the
# function finds the imported target under the same name it has in weft's build.
install(TARGETS weft_instrument EXPORT weftInstrumentTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT weftInstrumentTargets NAMESPACE weft:: FILE weftInstrumentTargets.cmake
        DESTINATION ${WEFT_INSTALL_CMAKEDIR})
install(FILES ${PROJECT_SOURCE_DIR}/src/instrument/weft_instrument.cmake DESTINATION ${WEFT_INSTALL_CMAKEDIR})

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/weft DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN *.hpp ${weft_header_excludes})

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/weftConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/packaging/weftConfig.cmake
                              INSTALL_DESTINATION ${WEFT_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/packaging/weftConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/packaging/weftConfig.cmake
              ${PROJECT_BINARY_DIR}/packaging/weftConfigVersion.cmake
        DESTINATION ${WEFT_INSTALL_CMAKEDIR})

# weft.pc finds its prefix from its own location (${pcfiledir}), so it stays right when the prefix is
# chosen at install time (`cmake --install --prefix`) or the tree is moved.
if(IS_ABSOLUTE ${CMAKE_INSTALL_LIBDIR})
  set(weft_pc_prefix ${CMAKE_INSTALL_PREFIX})
  set(weft_pc_libdir ${CMAKE_INSTALL_LIBDIR})
else()
  file(RELATIVE_PATH weft_pc_up /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
  string(REGEX REPLACE "/$" "" weft_pc_up ${weft_pc_up})
  set(weft_pc_prefix "\${pcfiledir}/${weft_pc_up}")
  set(weft_pc_libdir "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
# weft's archives are C++: a program linked by `gcc` needs the C++ runtime named (src/CMakeLists.txt).
set(weft_pc_cxx_runtime)
foreach(lib IN LISTS WEFT_CXX_RUNTIME_LIBS)
  string(APPEND weft_pc_cxx_runtime " -l${lib}")
endforeach()
configure_file(${CMAKE_CURRENT_LIST_DIR}/weft.pc.in ${PROJECT_BINARY_DIR}/packaging/weft.pc @ONLY)

# weft-instrument.pc's Libs: the archive, then the plain libraries weft::instrument links by name
# (libatomic), then the C++ runtime (the archive is always linked statically, so --libs, not only
# --static, must name it); weft::weft comes from Requires: weft.
set(weft_instrument_pc_libs "-lweft_instrument")
get_target_property(weft_instrument_links weft_instrument INTERFACE_LINK_LIBRARIES)
foreach(lib IN LISTS weft_instrument_links)
  if(lib MATCHES "BUILD_INTERFACE")
    continue()  # weft's own build settings, which are not installed
  elseif(lib MATCHES "LINK_LANGUAGE:C")
    continue()  # the C++ runtime for C links, which the module names for every link below
  elseif(lib MATCHES "^[A-Za-z0-9_+.-]+$" AND NOT TARGET ${lib})
    string(APPEND weft_instrument_pc_libs " -l${lib}")
  elseif(NOT lib STREQUAL "weft::weft")
    message(FATAL_ERROR "weft-instrument.pc cannot express weft_instrument's link dependency \"${lib}\"; "
                        "add it to src/packaging/install.cmake")
  endif()
endforeach()
string(APPEND weft_instrument_pc_libs "${weft_pc_cxx_runtime}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/weft-instrument.pc.in ${PROJECT_BINARY_DIR}/packaging/weft-instrument.pc
               @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/packaging/weft.pc ${PROJECT_BINARY_DIR}/packaging/weft-instrument.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The weft command (bin/weft) and the library it preloads into the programs it runs, installed beside
# libweft.so, where the command looks for it (docs/cli.md).
if(TARGET weft_cli)
  install(TARGETS weft_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(TARGETS weft_preload LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
endif()
