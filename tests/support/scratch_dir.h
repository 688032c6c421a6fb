#pragma once

// Scratch folders and file contents for the geo tests.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace parkatlas::test {

/// An empty folder `name` under $PARKATLAS_TEST_TMP (else the system's temporary folder),
/// emptied first when it exists.
inline std::filesystem::path scratch(const std::string& name)
{
    const char* base = std::getenv("PARKATLAS_TEST_TMP");
    std::filesystem::path dir =
        std::filesystem::path(base ? base : std::filesystem::temp_directory_path().string()) /
        name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

/// The bytes of the file at `path` ("" when it cannot be read).
inline std::string fileBytes(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

} // namespace parkatlas::test
