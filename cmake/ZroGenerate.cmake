# zro_generate(): compile QtRO .rep files with zroc into headers that a target includes.
#
#   zro_generate(TARGET my_app FILES switch.rep other.rep [SOURCE | REPLICA | MERGED]
#                [OUTPUT_DIR dir])
#
# For each FILE, runs `zroc FILE -o OUTPUT_DIR --mode MODE` (MERGED by default) at build time,
# producing OUTPUT_DIR/rep_<name>_<mode>.h, and adds OUTPUT_DIR to the target's include path.
# The header is regenerated when the .rep file (or zroc itself, in-tree) changes. The default
# OUTPUT_DIR is ${CMAKE_CURRENT_BINARY_DIR}/zro_generated/<target>.
#
# Works in the zro tree (zroc is the target built there) and from an installed package
# (`find_package(zro)` includes this file and imports zro::zroc).
include_guard(GLOBAL)

function(zro_generate)
  cmake_parse_arguments(ZG "SOURCE;REPLICA;MERGED" "TARGET;OUTPUT_DIR" "FILES" ${ARGN})
  if(NOT ZG_TARGET)
    message(FATAL_ERROR "zro_generate: TARGET is required")
  endif()
  if(NOT TARGET ${ZG_TARGET})
    message(FATAL_ERROR "zro_generate: '${ZG_TARGET}' is not a target")
  endif()
  if(NOT ZG_FILES)
    message(FATAL_ERROR "zro_generate: FILES is required")
  endif()
  if(ZG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "zro_generate: unexpected arguments: ${ZG_UNPARSED_ARGUMENTS}")
  endif()
  set(_modes 0)
  set(_mode merged)
  foreach(_m SOURCE REPLICA MERGED)
    if(ZG_${_m})
      math(EXPR _modes "${_modes} + 1")
      string(TOLOWER ${_m} _mode)
    endif()
  endforeach()
  if(_modes GREATER 1)
    message(FATAL_ERROR "zro_generate: give at most one of SOURCE, REPLICA, MERGED")
  endif()
  if(NOT TARGET zro::zroc)
    message(FATAL_ERROR "zro_generate: zroc is not available (zro::zroc target missing)")
  endif()
  if(NOT ZG_OUTPUT_DIR)
    set(ZG_OUTPUT_DIR ${CMAKE_CURRENT_BINARY_DIR}/zro_generated/${ZG_TARGET})
  endif()
  # The real target behind the alias (in-tree): a file-level dependency reruns zroc when it is rebuilt.
  get_target_property(_zroc_real zro::zroc ALIASED_TARGET)
  set(_zroc_dep)
  if(_zroc_real)
    set(_zroc_dep ${_zroc_real})
  endif()

  set(_outputs)
  foreach(_rep ${ZG_FILES})
    get_filename_component(_abs ${_rep} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    get_filename_component(_stem ${_abs} NAME_WE)
    set(_out ${ZG_OUTPUT_DIR}/rep_${_stem}_${_mode}.h)
    add_custom_command(
      OUTPUT ${_out}
      COMMAND zro::zroc ${_abs} -o ${ZG_OUTPUT_DIR} --mode ${_mode}
      # zroc leaves an unchanged header alone; touch it so the build sees it as up to date.
      COMMAND ${CMAKE_COMMAND} -E touch ${_out}
      MAIN_DEPENDENCY ${_abs}
      DEPENDS ${_zroc_dep}
      COMMENT "zroc ${_rep} (${_mode})"
      VERBATIM)
    list(APPEND _outputs ${_out})
  endforeach()
  target_sources(${ZG_TARGET} PRIVATE ${_outputs})
  target_include_directories(${ZG_TARGET} PRIVATE ${ZG_OUTPUT_DIR})
endfunction()
