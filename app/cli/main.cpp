#include "app/cli/commands.h"
#include "app/cli/malloc_cache.h"

#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>

int main(int argc, char** argv)
{
    // See malloc_cache.h. If the program cannot be started again, it carries on as it is.
    const char* current = std::getenv("GLIBC_TUNABLES");
    if (argc >= 2)
        if (const auto tunables = parkatlas::cli::mallocCacheTunables(
                argv[1], current, std::getenv(parkatlas::cli::kMallocCacheMark) != nullptr)) {
            const std::optional<std::string> before =
                current ? std::optional<std::string>(current) : std::nullopt;
            ::setenv("GLIBC_TUNABLES", tunables->c_str(), 1);
            ::setenv(parkatlas::cli::kMallocCacheMark, "1", 1);
            // The program's own file, as the kernel (or a tool running it) names it.
            char self[4096];
            const ssize_t length = ::readlink("/proc/self/exe", self, sizeof self - 1);
            if (length > 0) {
                self[length] = '\0';
                ::execv(self, argv);
            }
            if (before)
                ::setenv("GLIBC_TUNABLES", before->c_str(), 1);
            else
                ::unsetenv("GLIBC_TUNABLES");
            ::unsetenv(parkatlas::cli::kMallocCacheMark);
        }
    return parkatlas::cli::run(argc, argv);
}
