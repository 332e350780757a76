# Included by the top CMakeLists.txt before any target exists when SKILLGAP_FUZZ=ON (clang):
# every library is built with libFuzzer's coverage instrumentation plus ASan + UBSan, so the
# fuzz targets see coverage and memory errors inside the code they drive, not only in the
# target file. UBSan's vptr check stays off: SOCI and cpprestsdk do not export the typeinfo it
# needs (see nodes/sql/CMakeLists.txt, nodes/llm/CMakeLists.txt). UB is fatal (a crash the
# fuzzer records), not a message.
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=vptr
                    -fno-sanitize-recover=all -fno-omit-frame-pointer -g)
add_link_options(-fsanitize=address,undefined)
