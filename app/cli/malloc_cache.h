#pragma once

// The commands that overlay a whole park (the rules: check, audit and what runs them) spend a
// tenth of their CPU in malloc and free: GEOS makes and drops many small objects per plot on
// both cores, glibc's per-thread cache keeps 7 chunks of a size by default, and what overflows
// it takes the arena's lock. A cache of 256 takes 5 % off the whole check of the 1M park
// (README, issue 21, eighth session). glibc reads that size only when a process starts
// (GLIBC_TUNABLES), so such a command starts itself again once with it set: a few tens of
// milliseconds on a command that takes seconds. Any tcache_count the user gave is kept.

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace parkatlas::cli {

/// The environment variable that marks the process started again (so it is done once).
inline constexpr const char* kMallocCacheMark = "PARKATLAS_MALLOC_CACHE";

/// The GLIBC_TUNABLES a process running `command` should be started again with, given the
/// variable's value now (`current`, null when unset) and whether this process was started
/// again already (`started`); nullopt when it should carry on as it is.
inline std::optional<std::string> mallocCacheTunables(std::string_view command, const char* current,
                                                      bool started)
{
    static constexpr std::array<std::string_view, 7> overlaying = {
        "check", "audit", "publish", "report", "monitor", "summary", "diff"};
    if (started ||
        std::find(overlaying.begin(), overlaying.end(), command) == overlaying.end())
        return std::nullopt;
    const std::string_view now = current ? current : "";
    if (now.find("glibc.malloc.tcache_count") != std::string_view::npos)
        return std::nullopt; // the user's own choice
    std::string tunables(now);
    if (!tunables.empty())
        tunables += ':';
    tunables += "glibc.malloc.tcache_count=256";
    return tunables;
}

} // namespace parkatlas::cli
