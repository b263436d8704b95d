#include "cli/app.hpp"

// FLASH_PART_NAME: which executable this is ("base", "core", ... or "all"; src/CMakeLists.txt).
#ifndef FLASH_PART_NAME
#define FLASH_PART_NAME "all"
#endif

int main(int argc, char** argv) { return flash::cli::run(argc, argv, FLASH_PART_NAME); }
