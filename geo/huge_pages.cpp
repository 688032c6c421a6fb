#include "geo/huge_pages.h"

#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace parkatlas::geo {

void adviseHugePages(void* data, std::size_t bytes, std::size_t minimumBytes)
{
#if defined(__linux__)
    const long pageSize = ::sysconf(_SC_PAGESIZE);
    if (!data || bytes < minimumBytes || pageSize <= 0)
        return;
    const auto page = static_cast<std::uintptr_t>(pageSize);
    const auto begin = reinterpret_cast<std::uintptr_t>(data);
    const std::uintptr_t first = (begin + page - 1) & ~(page - 1);
    const std::uintptr_t last = (begin + bytes) & ~(page - 1);
    if (last > first)
        ::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
    (void)data;
    (void)bytes;
    (void)minimumBytes;
#endif
}

} // namespace parkatlas::geo
