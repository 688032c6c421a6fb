#pragma once

#include "geo/file_paths.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace parkatlas::cli {

/// A fresh empty folder under the system's temporary folder ($TMPDIR, /tmp), removed with
/// everything in it when this goes out of scope: the site `serve PARK` publishes, the
/// committee pack `publish --reports` takes its maps from.
class TemporaryFolder {
public:
    explicit TemporaryFolder(const std::string& prefix)
    {
        std::error_code error;
        std::string pattern =
            geo::pathText(std::filesystem::temp_directory_path(error) / (prefix + "-XXXXXX"));
        if (!::mkdtemp(pattern.data()))
            throw std::runtime_error("cannot make a temporary folder (" + pattern + ")");
        m_path = pattern;
    }
    ~TemporaryFolder()
    {
        std::error_code error;
        std::filesystem::remove_all(geo::utf8Path(m_path), error);
    }
    TemporaryFolder(const TemporaryFolder&) = delete;
    TemporaryFolder& operator=(const TemporaryFolder&) = delete;

    const std::string& path() const { return m_path; }

private:
    std::string m_path;
};

} // namespace parkatlas::cli
