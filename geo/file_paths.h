// Paths as the project's UTF-8 text, and the folder checks every folder-writing command makes.
#pragma once

#include <filesystem>
#include <string>

namespace parkatlas::geo {

/// A path from UTF-8 text (a command-line argument, a JSON value), whatever the locale says.
inline std::filesystem::path utf8Path(const std::string& text)
{
    return std::filesystem::path(std::u8string(text.begin(), text.end()));
}

/// A path as UTF-8 text, for messages and JSON.
inline std::string pathText(const std::filesystem::path& path)
{
    const std::u8string text = path.u8string();
    return std::string(text.begin(), text.end());
}

/// True for an existing folder with nothing in it (where a site or a pack may be written
/// without --force).
inline bool isEmptyDirectory(const std::filesystem::path& path)
{
    std::error_code error;
    return std::filesystem::is_directory(path, error) &&
           std::filesystem::directory_iterator(path, error) ==
               std::filesystem::directory_iterator();
}

} // namespace parkatlas::geo
