# cmake -DFLASH=path/to/flash -DOUT=dir -P GenerateCompletions.cmake: the shell completions and the
# man page, written by the built flash from its command table (cmake/Packaging.cmake).
foreach(pair "bash=bash-completion/completions/flash" "zsh=zsh/vendor-completions/_flash"
             "fish=fish/vendor_completions.d/flash.fish" "man=man/man1/flash.1")
  string(REPLACE "=" ";" kv ${pair})
  list(GET kv 0 what)
  list(GET kv 1 rel)
  get_filename_component(dir ${OUT}/${rel} DIRECTORY)
  file(MAKE_DIRECTORY ${dir})
  execute_process(COMMAND ${FLASH} completion ${what} OUTPUT_FILE ${OUT}/${rel} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "flash completion ${what} failed (${rc})")
  endif()
endforeach()
execute_process(COMMAND gzip -9nf ${OUT}/man/man1/flash.1 RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gzip of the man page failed")
endif()
