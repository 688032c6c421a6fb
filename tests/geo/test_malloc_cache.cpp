#include "app/cli/malloc_cache.h"

#include <gtest/gtest.h>

using parkatlas::cli::mallocCacheTunables;

TEST(MallocCacheTest, CommandsThatOverlayAParkStartAgainOnceWithALargerCache)
{
    // The rules' commands are started again with glibc's per-thread cache at 256, keeping any
    // other tunable the user set; everything else, and a process started again already, carries on.
    EXPECT_EQ(mallocCacheTunables("check", nullptr, false), "glibc.malloc.tcache_count=256");
    EXPECT_EQ(mallocCacheTunables("publish", "", false), "glibc.malloc.tcache_count=256");
    EXPECT_EQ(mallocCacheTunables("audit", "glibc.malloc.arena_max=2", false),
              "glibc.malloc.arena_max=2:glibc.malloc.tcache_count=256");
    EXPECT_FALSE(mallocCacheTunables("check", nullptr, true));
    EXPECT_FALSE(mallocCacheTunables("check", "glibc.malloc.tcache_count=7", false));
    for (const char* light : {"info", "area", "convert", "map", "--version", "--help", ""})
        EXPECT_FALSE(mallocCacheTunables(light, nullptr, false)) << light;
}
