#pragma once

// Shared by the fuzz targets: a private scratch folder for loaders that take a path, and the
// split of one fuzz input into several files.

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <stdlib.h>
#include <unistd.h>

namespace parkatlas::fuzz {

/// One folder per process (under $TMPDIR, else /dev/shm when it exists, else /tmp), removed at
/// exit. Files in it are rewritten by every input.
inline const std::string& scratchFolder()
{
    static const std::string folder = [] {
        std::string base = "/tmp";
        if (const char* tmp = ::getenv("TMPDIR"); tmp && *tmp)
            base = tmp;
        else if (::access("/dev/shm", W_OK) == 0)
            base = "/dev/shm";
        std::string pattern = base + "/parkatlas-fuzz-XXXXXX";
        if (!::mkdtemp(pattern.data()))
            ::abort();
        return pattern;
    }();
    static const struct Remover {
        ~Remover()
        {
            const std::string command = "rm -rf '" + folder + "'";
            [[maybe_unused]] const int rc = ::system(command.c_str());
        }
    } remover;
    return folder;
}

/// Writes `bytes` to scratchFolder()/name and returns the path.
inline std::string writeScratch(const std::string& name, std::string_view bytes)
{
    const std::string path = scratchFolder() + "/" + name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path;
}

inline void removeScratch(const std::string& name)
{
    ::unlink((scratchFolder() + "/" + name).c_str());
}

/// The separator between the files of one input (a shapefile's .shp, .shx, .dbf, .cpg): a
/// line no real file of these formats holds, easy to keep in a seed and for the fuzzer's
/// dictionary.
constexpr std::string_view kPartSeparator = "\n#PARKATLAS-PART#\n";

inline std::vector<std::string_view> splitParts(const std::uint8_t* data, std::size_t size)
{
    std::vector<std::string_view> parts;
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    for (;;) {
        const std::size_t at = rest.find(kPartSeparator);
        if (at == std::string_view::npos) {
            parts.push_back(rest);
            return parts;
        }
        parts.push_back(rest.substr(0, at));
        rest.remove_prefix(at + kPartSeparator.size());
    }
}

} // namespace parkatlas::fuzz
