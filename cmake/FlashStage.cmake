# flash_stage(NAME DIR [DEPS targets...])
# One static library per pipeline stage, built from every .cpp directly in DIR (and in the listed
# SUBDIRS). Headers are included as "flash/<stage>/<file>.hpp" from src/.
function(flash_stage name)
  cmake_parse_arguments(ARG "" "DIR" "DEPS;SUBDIRS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${ARG_DIR}/*.cpp)
  foreach(sub IN LISTS ARG_SUBDIRS)
    file(GLOB sub_srcs CONFIGURE_DEPENDS ${ARG_DIR}/${sub}/*.cpp)
    list(APPEND srcs ${sub_srcs})
  endforeach()
  if(NOT srcs)
    # A stage with no sources yet is a header-only interface library.
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${name} INTERFACE ${ARG_DEPS})
    return()
  endif()
  add_library(${name} STATIC ${srcs})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  flash_warnings(${name})
endfunction()

function(flash_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
  # GCC 12 at -O3 (the Release build bench/run makes) reports impossible overlaps (a memcpy of 2^63 bytes at
  # offset -3) for std::string operator+ with a literal: GCC bug 105329, fixed in GCC 13. Off there only; every
  # other compiler and build type keeps -Wrestrict.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE $<$<CONFIG:Release>:-Wno-restrict>)
  endif()
  if(FLASH_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(FLASH_SANITIZE)
    target_compile_options(${target} PUBLIC -fsanitize=address,undefined -fno-omit-frame-pointer)
    target_link_options(${target} PUBLIC -fsanitize=address,undefined)
  endif()
endfunction()

# The shared test corpus (README "Tests"); tests needing it report skipped when it is absent.
set(FLASH_CORPUS_DIR "${PROJECT_SOURCE_DIR}/../shared/corpus" CACHE PATH "The shared test corpus")

# flash_test_labels(NAME "a;b"): the labels of the tests gtest_discover_tests found in NAME. With
# several labels ("studio;mongo") gtest_discover_tests' PROPERTIES would pass the list on as
# separate words (the second label read as a property name, the properties after it lost), so the
# labels are set on the discovered tests (the list ${name}_TESTS) by an include file run after them.
function(flash_test_labels name labels)
  list(LENGTH labels n_labels)
  if(n_labels GREATER 1)
    set(labels_file "${CMAKE_CURRENT_BINARY_DIR}/${name}_labels.cmake")
    file(WRITE "${labels_file}" "set_tests_properties(\${${name}_TESTS} PROPERTIES LABELS \"${labels}\")\n")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${labels_file}")
  endif()
endfunction()

# flash_test(NAME SOURCES... DEPS targets...) — a GoogleTest executable registered with ctest.
function(flash_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE FLASH_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    FLASH_CORPUS_DIR="${FLASH_CORPUS_DIR}")
  flash_warnings(${name})
  include(GoogleTest)
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST PROPERTIES LABELS "${ARG_LABELS}")
  flash_test_labels(${name} "${ARG_LABELS}")
endfunction()
