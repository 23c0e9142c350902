# cmake/provider_link.cmake - how terraform-provider-xacct is linked, for start-up time
# and memory (bench/README.md has the figures). Included by CMakeLists.txt after the
# executable is defined; it changes nothing for the tests and tools.
#
# Debian's shared gRPC alone is 55 libraries (abseil in ~40 pieces, re2, upb, c-ares), and
# libcurl brings ~30 more; loading and relocating them was most of exec -> handshake. So:
#  - gRPC, abseil, protobuf-c, msgpack-c, jansson and libxml2 (with zlib, lzma and ICU)
#    are linked from Debian's .a archives, libstdc++ and libgcc too: only the code the
#    provider uses, resolved at link time;
#  - libcurl is not linked: provider/curl_lazy.c dlopen()s it at the first AWS call;
#  - OpenSSL stays shared: libcurl, loaded later, uses the same copy.
# How: each of those pkg-config targets gets, in place of its shared libraries, its
# static archives for a consumer with the XA_STATIC_DEPS property (only this
# executable) and its shared libraries for every other consumer.
# XACCT_STATIC_PROVIDER=OFF, and sanitizer or fuzzing builds, link it like the tests.

option(XACCT_STATIC_PROVIDER "Link the provider's libraries statically and libcurl lazily" ON)
if(NOT XACCT_STATIC_PROVIDER OR XACCT_SANITIZE OR XACCT_FUZZ)
  return()
endif()

set_property(TARGET terraform-provider-xacct PROPERTY XA_STATIC_DEPS ON)
set(xa_static "$<BOOL:$<TARGET_PROPERTY:XA_STATIC_DEPS>>")
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libstdc++.a
                OUTPUT_VARIABLE xa_libstdcxx OUTPUT_STRIP_TRAILING_WHITESPACE)

# static_items(PREFIX OUT): PREFIX's `pkg-config --static` libraries: the .a archives
# Debian ships, as one linker-script GROUP (their order among themselves then does not
# matter, and CMake places the group where it places the package), then the rest
# (OpenSSL, the C library's parts) as -l flags.
function(static_items prefix out)
  set(archives)
  set(flags)
  foreach(name IN LISTS ${prefix}_STATIC_LIBRARIES)
    if(name MATCHES "^(ssl|crypto|dl|pthread|rt|m|atomic)$")
      list(APPEND flags "-l${name}")
    else()
      find_library(XA_STATIC_LIB_${name} NAMES lib${name}.a)
      if(NOT XA_STATIC_LIB_${name})
        message(FATAL_ERROR "provider_link: no static lib${name}.a (XACCT_STATIC_PROVIDER=OFF "
                            "links the provider against shared libraries)")
      endif()
      list(APPEND archives "${XA_STATIC_LIB_${name}}")
    endif()
  endforeach()
  list(REMOVE_DUPLICATES archives)
  list(REMOVE_DUPLICATES flags)
  list(APPEND archives ${xa_libstdcxx})   # gRPC, abseil, re2 and ICU are C++
  list(JOIN archives " " group)
  set(script ${CMAKE_BINARY_DIR}/provider_static_${prefix}.ld)
  file(WRITE ${script} "GROUP ( ${group} )\n")
  set(${out} ${script} ${flags} PARENT_SCOPE)
endfunction()

foreach(prefix GRPC PROTOBUFC MSGPACK JANSSON LIBXML2 CURL)
  get_target_property(shared PkgConfig::${prefix} INTERFACE_LINK_LIBRARIES)
  set(items)
  foreach(item IN LISTS shared)
    list(APPEND items "$<$<NOT:${xa_static}>:${item}>")
  endforeach()
  if(NOT prefix STREQUAL "CURL")       # libcurl: provider/curl_lazy.c instead
    static_items(${prefix} static)
    foreach(item IN LISTS static)
      list(APPEND items "$<${xa_static}:${item}>")
    endforeach()
  endif()
  set_property(TARGET PkgConfig::${prefix} PROPERTY INTERFACE_LINK_LIBRARIES ${items})
endforeach()

target_sources(terraform-provider-xacct PRIVATE ${CMAKE_SOURCE_DIR}/provider/curl_lazy.c)
target_link_libraries(terraform-provider-xacct PRIVATE -static-libgcc -ldl -pthread)
target_link_options(terraform-provider-xacct PRIVATE -Wl,--gc-sections -Wl,--as-needed)
