#pragma once
// Gives the heap's free memory back to the system (glibc's malloc_trim), after a phase that
// freed a lot of it: a table's file content once parsed (nodes/onet/table_node.cpp), a snapshot's
// build once installed (nodes/gap/profile_cache.cpp). glibc keeps freed memory in the malloc
// arena of the thread that allocated it, so work spread over threads leaves holes in several
// arenas that count in the RSS for good. Returning them costs well under a millisecond a call
// here (full load: 146 MB -> 102 MB peak RSS; API start: see profile_cache.cpp).
// Not under AddressSanitizer: its allocator replaces glibc's, and glibc's malloc_trim then walks
// arenas that other threads are changing (a SEGV in mtrim was seen in the ASan suite).
#include "common/sanitizers.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace common {

inline void release_freed_memory() {
#if defined(__GLIBC__) && !SKILLGAP_ASAN
  malloc_trim(0);
#endif
}

}  // namespace common
