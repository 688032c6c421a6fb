#pragma once

#include <string>

namespace parkatlas::geo {

class IssueSink;

/// The folder of style and rule data (landuse.json, thresholds.json): $PARKATLAS_STYLES when
/// set, else next to the executable (../share/parkatlas/styles, ../../styles, ../styles), else,
/// for a program run from its build folder only, the source tree's styles/. Throws IoError
/// naming the places it looked when none holds landuse.json. Thread-safe.
std::string stylesDirectory();

/// The user's own folder, $XDG_DATA_HOME/ParkAtlas (by default ~/.local/share/ParkAtlas): its
/// styles/ holds style and rule files that replace the installed ones file by file, its
/// layouts/ the user's own page templates. "" when neither variable names a home.
std::string userDataDirectory();

/// The user's copy of `fileName` (userDataDirectory()/styles/fileName) when there is one, else
/// The source tree this program was built from, for a program run from its build folder (tests,
/// scripts/run); "" for an installed program, which never reads a source tree.
std::string sourceTreeDirectory();

/// stylesDirectory() + "/" + fileName.
std::string stylePath(const std::string& fileName);

/// A style file a command can do without (thresholds.json): its path in stylesDirectory() when
/// it is there. When it is not, or no styles folder is found, reports a warning to `issues`
/// naming where it looked and `withoutIt` (what is used instead) and returns "". The one lookup
/// for such files, so an installed program finds them where `check` does.
std::string optionalStylePath(const std::string& fileName, IssueSink& issues,
                              const std::string& withoutIt);

} // namespace parkatlas::geo
