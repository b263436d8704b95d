# Per-generator CPack settings (CPACK_PROJECT_CONFIG_FILE of cmake/Packaging.cmake): the .tar.gz
# archives hold bin/ and share/ at their top, ready for `tar -xzf` anywhere or `flash plugins add`.
if(CPACK_GENERATOR STREQUAL "TGZ")
  set(CPACK_PACKAGING_INSTALL_PREFIX "")
  set(CPACK_SET_DESTDIR OFF)
endif()
