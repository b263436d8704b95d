# Packages (README "Installation from packages"): `cpack` in the build tree writes a .deb and a
# .tar.gz for the base (flash + shell completions + man page), one per part (flash-<part>, from
# flash_part() in src/CMakeLists.txt) and "flash-all", which depends on all of them. The
# completions and the man page are generated at build time by the built flash from its command
# table (`flash completion bash|zsh|fish|man`), never kept by hand. Library dependencies of the
# .debs come from dpkg-shlibdeps.
set(gen_share ${CMAKE_BINARY_DIR}/share)
set(flash_generated ${gen_share}/bash-completion/completions/flash ${gen_share}/zsh/vendor-completions/_flash
    ${gen_share}/fish/vendor_completions.d/flash.fish ${gen_share}/man/man1/flash.1.gz)
set(flash_exes flash)
foreach(part IN LISTS FLASH_PARTS)
  if(NOT FLASH_ALL_IN_ONE)
    list(APPEND flash_exes flash-${part})
  endif()
endforeach()
add_custom_command(
  OUTPUT ${flash_generated}
  COMMAND ${CMAKE_COMMAND} -DFLASH=$<TARGET_FILE:flash> -DOUT=${gen_share} -P ${PROJECT_SOURCE_DIR}/cmake/GenerateCompletions.cmake
  DEPENDS ${flash_exes} ${PROJECT_SOURCE_DIR}/cmake/GenerateCompletions.cmake
  COMMENT "Generating the shell completions and the man page from the command table")
add_custom_target(flash_completions ALL DEPENDS ${flash_generated})

install(FILES ${gen_share}/bash-completion/completions/flash DESTINATION share/bash-completion/completions
        COMPONENT base)
install(FILES ${gen_share}/zsh/vendor-completions/_flash DESTINATION share/zsh/vendor-completions COMPONENT base)
install(FILES ${gen_share}/fish/vendor_completions.d/flash.fish DESTINATION share/fish/vendor_completions.d
        COMPONENT base)
install(FILES ${gen_share}/man/man1/flash.1.gz DESTINATION share/man/man1 COMPONENT base)
# The meta package's one file (CPack skips an empty component; `all` is CPack's own word, hence `meta`).
install(FILES ${PROJECT_SOURCE_DIR}/docs/plugins.md DESTINATION share/doc/flash-all COMPONENT meta)

set(CPACK_PACKAGE_NAME flash)
set(CPACK_PACKAGE_VENDOR "Flash ORM")
set(CPACK_PACKAGE_CONTACT "Flash ORM maintainers <flash-orm@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "SQL schema files, safe migrations and typed query code")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_ARCHIVE_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# .debs install under /usr; the archives hold bin/ and share/ at their top (CPackOptions.cmake).
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_SOURCE_DIR}/cmake/CPackOptions.cmake)
set(CPACK_COMPONENTS_ALL base meta)
set(CPACK_DEBIAN_BASE_PACKAGE_NAME flash)
set(CPACK_DEBIAN_BASE_DESCRIPTION "Flash ORM: the base command (init, plugins, completion, dispatch)")
set(CPACK_ARCHIVE_BASE_FILE_NAME flash-${PROJECT_VERSION}-Linux)
set(all_depends "flash (= ${PROJECT_VERSION})")
if(NOT FLASH_ALL_IN_ONE)
  foreach(part IN LISTS FLASH_PARTS)
    string(TOUPPER ${part} P)
    list(APPEND CPACK_COMPONENTS_ALL ${part})
    set(CPACK_DEBIAN_${P}_PACKAGE_NAME flash-${part})
    set(CPACK_DEBIAN_${P}_PACKAGE_DEPENDS "flash (= ${PROJECT_VERSION})")
    set(CPACK_DEBIAN_${P}_DESCRIPTION "Flash ORM: the ${part} part (flash-${part})")
    set(CPACK_ARCHIVE_${P}_FILE_NAME flash-${part}-${PROJECT_VERSION}-Linux)
    string(APPEND all_depends ", flash-${part} (= ${PROJECT_VERSION})")
  endforeach()
endif()
set(CPACK_DEBIAN_META_PACKAGE_NAME flash-all)
set(CPACK_DEBIAN_META_PACKAGE_DEPENDS "${all_depends}")
set(CPACK_DEBIAN_META_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_META_PACKAGE_SHLIBDEPS OFF)
set(CPACK_DEBIAN_META_DESCRIPTION "Flash ORM: every part (depends on flash and each flash-<part>)")
set(CPACK_ARCHIVE_META_FILE_NAME flash-all-${PROJECT_VERSION}-Linux)
include(CPack)
