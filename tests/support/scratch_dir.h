#pragma once

// Scratch folders and file contents for the geo tests.

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace parkatlas::test {

/// This process's own folder under $PARKATLAS_TEST_TMP (else the system's temporary folder),
/// removed when the process ends. ctest runs the cases of one file as separate processes side
/// by side, so a folder shared by name between cases would be emptied under another's feet.
class ProcessScratch {
public:
    ProcessScratch()
    {
        const char* base = std::getenv("PARKATLAS_TEST_TMP");
        m_dir = std::filesystem::path(base ? base
                                           : std::filesystem::temp_directory_path().string()) /
                ("p" + std::to_string(::getpid()));
    }
    ~ProcessScratch()
    {
        std::error_code ignored;
        std::filesystem::remove_all(m_dir, ignored);
    }
    const std::filesystem::path& dir() const { return m_dir; }

private:
    std::filesystem::path m_dir;
};

inline const ProcessScratch processScratch;

/// An empty folder `name` of this process (see ProcessScratch), emptied first when it exists.
inline std::filesystem::path scratch(const std::string& name)
{
    const std::filesystem::path dir = processScratch.dir() / name;
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
