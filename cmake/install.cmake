# Install rules and the packaging self-test for zro.
#
# Included at the end of the top-level CMakeLists.txt (`include(cmake/install.cmake OPTIONAL)`),
# so it runs in the top-level directory scope where the `zro` target is defined.
#
# Installs:
#   <libdir>/libzro.a (or .so with BUILD_SHARED_LIBS=ON)
#   <includedir>/zro/*.hpp
#   <libdir>/cmake/zro/{zroConfig,zroConfigVersion,zroTargets*}.cmake   -> find_package(zro)
#   <libdir>/pkgconfig/zro.pc                                            -> pkg-config zro
#   <libdir>/cmake/zro/ZroGenerate.cmake, <bindir>/zroc                  -> zro_generate() (.rep files)
#   <libdir>/libzro_idl.a, <includedir>/zro/idl/*.hpp (idl/CMakeLists.txt) -> zro::idl, COMPONENTS idl
#
# The package exports zro::zro. Its PRIVATE msgpack include directory and definitions are not
# exported (msgpack-cxx is header-only and used only inside the library's .cpp files).

include(CMakePackageConfigHelpers)

set(ZRO_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/zro" CACHE STRING
    "Where zroConfig.cmake is installed (relative to the prefix)")
mark_as_advanced(ZRO_INSTALL_CMAKEDIR)

# The public headers are C++20: say so to consumers of the installed target (this only adds an
# INTERFACE requirement; the library itself is already built as C++20).
target_compile_features(zro INTERFACE cxx_std_20)

install(TARGETS zro EXPORT zroTargets
  ARCHIVE  DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY  DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME  DESTINATION ${CMAKE_INSTALL_BINDIR})
# (the include directory reaches consumers through zro's $<INSTALL_INTERFACE:...> include path)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/zro
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.hpp" PATTERN "*.h")

install(EXPORT zroTargets
  NAMESPACE zro::
  FILE zroTargets.cmake
  DESTINATION ${ZRO_INSTALL_CMAKEDIR})

configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/zroConfig.cmake.in
  ${PROJECT_BINARY_DIR}/zroConfig.cmake
  INSTALL_DESTINATION ${ZRO_INSTALL_CMAKEDIR})
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/zroConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMajorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/zroConfig.cmake
  ${PROJECT_BINARY_DIR}/zroConfigVersion.cmake
  DESTINATION ${ZRO_INSTALL_CMAKEDIR})
# zro_generate() (zroConfig.cmake includes it; zroc itself is installed by idl/CMakeLists.txt).
if(EXISTS ${PROJECT_SOURCE_DIR}/cmake/ZroGenerate.cmake)
  install(FILES ${PROJECT_SOURCE_DIR}/cmake/ZroGenerate.cmake DESTINATION ${ZRO_INSTALL_CMAKEDIR})
endif()

# zro.pc is written at install time, so that `cmake --install build --prefix P` (and DESTDIR)
# get a .pc whose paths name P rather than the prefix the build was configured with.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(_zro_pc_libdir "${CMAKE_INSTALL_LIBDIR}")
  set(_zro_pc_dir "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
else()
  set(_zro_pc_libdir "\${exec_prefix}/${CMAKE_INSTALL_LIBDIR}")
  set(_zro_pc_dir "\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(_zro_pc_includedir "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(_zro_pc_includedir "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
install(CODE "
  set(ZRO_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  set(ZRO_PC_LIBDIR [==[${_zro_pc_libdir}]==])
  set(ZRO_PC_INCLUDEDIR [==[${_zro_pc_includedir}]==])
  set(ZRO_PC_DESCRIPTION [==[${PROJECT_DESCRIPTION}]==])
  set(ZRO_PC_VERSION [==[${PROJECT_VERSION}]==])
  set(_zro_pc_file \"\$ENV{DESTDIR}${_zro_pc_dir}/zro.pc\")
  message(STATUS \"Installing: \${_zro_pc_file}\")
  configure_file([==[${PROJECT_SOURCE_DIR}/cmake/zro.pc.in]==] \"\${_zro_pc_file}\" @ONLY)
  list(APPEND CMAKE_INSTALL_MANIFEST_FILES \"\${_zro_pc_file}\")
")
unset(_zro_pc_libdir)
unset(_zro_pc_dir)
unset(_zro_pc_includedir)

# ---- packaging self-test -------------------------------------------------------------------
# Installs this build tree into a temporary prefix, then builds and runs a small consumer with
# find_package(zro) and with pkg-config. Sanitizer builds pass their flags on to the consumer,
# since a sanitized static libzro.a needs the sanitizer runtime at link time.
if(ZRO_BUILD_TESTS)
  add_test(NAME install_and_find_package
    COMMAND bash ${PROJECT_SOURCE_DIR}/tests/packaging/check_install.sh
            --build-dir ${PROJECT_BINARY_DIR}
            --cxx ${CMAKE_CXX_COMPILER}
            --sanitize "${ZRO_SANITIZE}")
  set_tests_properties(install_and_find_package PROPERTIES LABELS downstream TIMEOUT 600)
endif()
