#include "geo/rules/styles.h"

#include "geo/error.h"
#include "geo/issue.h"

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

} // namespace

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
#ifdef PARKATLAS_SOURCE_DIR
    candidates.push_back(fs::path(PARKATLAS_SOURCE_DIR) / "styles");
#endif
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
    return stylesDirectory() + "/" + fileName;
}

std::string optionalStylePath(const std::string& fileName, IssueSink& issues,
                              const std::string& withoutIt)
{
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
