#include "geo/styles.h"

#include "geo/error.h"
#include "geo/issue.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

namespace parkatlas::geo {

namespace fs = std::filesystem;

namespace {

fs::path executableDirectory()
{
    std::error_code error;
    const fs::path self = fs::read_symlink("/proc/self/exe", error);
    return error ? fs::path() : self.parent_path();
}

#if defined(PARKATLAS_SOURCE_DIR) && defined(PARKATLAS_BINARY_DIR)
/// True when the running program lies inside the build folder it was built in (or where it
/// lies is unknown, as for a test under a wrapper that hides /proc).
bool runFromBuildFolder()
{
    const fs::path exe = executableDirectory();
    if (exe.empty())
        return true;
    std::error_code error;
    const fs::path build = fs::weakly_canonical(PARKATLAS_BINARY_DIR, error);
    const fs::path here = fs::weakly_canonical(exe, error);
    const auto [end, ignored] = std::mismatch(build.begin(), build.end(), here.begin(), here.end());
    return end == build.end();
}
#endif

/// The user's copy of a style file, or "".
std::string userStyleFile(const std::string& fileName)
{
    const std::string home = userDataDirectory();
    if (home.empty())
        return {};
    const fs::path path = fs::path(home) / "styles" / fileName;
    std::error_code error;
    return fs::is_regular_file(path, error) ? path.string() : std::string();
}

} // namespace

std::string sourceTreeDirectory()
{
#if defined(PARKATLAS_SOURCE_DIR) && defined(PARKATLAS_BINARY_DIR)
    if (runFromBuildFolder())
        return PARKATLAS_SOURCE_DIR;
#endif
    return {};
}

std::string userDataDirectory()
{
    if (const char* data = std::getenv("XDG_DATA_HOME"); data && *data)
        return (fs::path(data) / "ParkAtlas").string();
    if (const char* home = std::getenv("HOME"); home && *home)
        return (fs::path(home) / ".local" / "share" / "ParkAtlas").string();
    return {};
}

std::string stylesDirectory()
{
    // An explicit folder is taken at its word: no silent fall-back to another copy.
    if (const char* env = std::getenv("PARKATLAS_STYLES"); env && *env) {
        std::error_code error;
        if (!fs::is_regular_file(fs::path(env) / "landuse.json", error))
            throw IoError("PARKATLAS_STYLES names a folder without landuse.json",
                          {env, {}, -1, {}});
        return env;
    }
    std::vector<fs::path> candidates;
    if (const fs::path exe = executableDirectory(); !exe.empty()) {
        candidates.push_back(exe / ".." / "share" / "parkatlas" / "styles");
        candidates.push_back(exe / ".." / ".." / "styles");
        candidates.push_back(exe / ".." / "styles");
    }
    // The source tree only for a program run from its build folder (tests, scripts/run): an
    // installed copy of the same binary never reads a source tree that happens to be there.
    if (const std::string source = sourceTreeDirectory(); !source.empty())
        candidates.push_back(fs::path(source) / "styles");
    std::string looked;
    for (const fs::path& candidate : candidates) {
        std::error_code error;
        if (fs::is_regular_file(candidate / "landuse.json", error))
            return fs::weakly_canonical(candidate, error).string();
        looked += (looked.empty() ? "" : ", ") + candidate.lexically_normal().string();
    }
    throw IoError("no styles folder with landuse.json (looked in: " + looked +
                      "); set PARKATLAS_STYLES to the folder",
                  {});
}

std::string stylePath(const std::string& fileName)
{
    if (std::string own = userStyleFile(fileName); !own.empty())
        return own;
    return stylesDirectory() + "/" + fileName;
}

std::string optionalStylePath(const std::string& fileName, IssueSink& issues,
                              const std::string& withoutIt)
{
    if (std::string own = userStyleFile(fileName); !own.empty())
        return own;
    std::string directory;
    try {
        directory = stylesDirectory();
    } catch (const IoError& error) {
        issues.report({Issue::Severity::Warning, {}, {}, -1,
                       fileName + " not found: " + error.message() + "; " + withoutIt});
        return {};
    }
    const std::string path = directory + "/" + fileName;
    std::error_code error;
    if (fs::is_regular_file(path, error))
        return path;
    issues.report({Issue::Severity::Warning, path, {}, -1,
                   fileName + " is missing from the styles folder " + directory + "; " + withoutIt});
    return {};
}

} // namespace parkatlas::geo
