# -DFLASH_FUZZ=ON (clang only; tests/fuzz/build.sh configures build-fuzz/ with it): every target is
# compiled with libFuzzer's coverage instrumentation and ASan+UBSan, UBSan reports are fatal (so the
# fuzzer counts them as crashes), and tests/fuzz adds the fuzz_* executables.
if(FLASH_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "FLASH_FUZZ needs clang (CXX=clang++ CC=clang; scripts/install-deps.sh installs it)")
  endif()
  # Flags as OSS-Fuzz builds: -O1 and line tables only (fast to build, fast enough to run), and
  # assertions kept (no NDEBUG): a failed assert is a finding.
  set(FLASH_FUZZ_OPT "-O1" CACHE STRING "Optimisation level of the fuzz build")
  option(FLASH_FUZZ_TRACE_CMP "Instrument comparisons (libFuzzer -use_cmp, value profile)" ON)
  foreach(lang C CXX)
    foreach(cfg RELWITHDEBINFO RELEASE DEBUG)
      set(CMAKE_${lang}_FLAGS_${cfg} "${FLASH_FUZZ_OPT} -gline-tables-only")
    endforeach()
  endforeach()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  if(NOT FLASH_FUZZ_TRACE_CMP)
    add_compile_options(-fno-sanitize-coverage=trace-cmp)
  endif()
  add_link_options(-fsanitize=address,undefined)
endif()
