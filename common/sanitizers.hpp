#pragma once
// SKILLGAP_ASAN is 1 in a build with AddressSanitizer, for the few places that must act
// differently under it (glibc's malloc_trim, ifunc clones). GCC says so with
// __SANITIZE_ADDRESS__; clang 14 does not define that and answers only
// __has_feature(address_sanitizer) — testing the GCC macro alone let malloc_trim run in the clang
// ASan build, where it crashed (SEGV in glibc's mtrim, 2026-12-07).
#if defined(__SANITIZE_ADDRESS__)
#define SKILLGAP_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SKILLGAP_ASAN 1
#endif
#endif
#ifndef SKILLGAP_ASAN
#define SKILLGAP_ASAN 0
#endif
