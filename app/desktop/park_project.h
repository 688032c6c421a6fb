#pragma once

#include "app/render/role_style_book.h"
#include "geo/io/park_source.h"
#include "geo/io/source.h"

#include <QString>
#include <QStringList>

#include <string>
#include <vector>

namespace parkatlas::desktop {

/// One layer of the map as a project file names it: where it is read from, with which encoding
/// and CRS overrides, and what it is (role and field mapping).
struct ProjectLayer {
    geo::LayerRef ref;
    geo::OpenOptions open;
    render::RoleBinding binding;
};

/// Where a new project file for `sources` goes: beside the first, named after it
/// (…/park.gpkg → …/park.parkatlas.json; a folder …/shp → …/shp.parkatlas.json beside it).
/// "" when the first source is no local file or folder.
QString projectPathFor(const QStringList& sources);

/// A project naming the layers that have a role (the first of each role; the others are left
/// out: a park has one layer per role), in the CRS `crs` ("" leaves it to the parcels').
geo::ParkDefinition projectDefinition(const std::string& name, const std::string& crs,
                                      const std::vector<ProjectLayer>& layers);

/// A named view of the map (View > Bookmarks): what it shows, in the map CRS named by `crs`
/// (its label, "EPSG:4547"; "" for raw coordinates).
struct Bookmark {
    QString name;
    geo::Envelope extent;
    QString crs;
};

/// The bookmarks of the project file `projectPath` (its "bookmarks" array:
///   "bookmarks": [ { "name": "东区", "crs": "EPSG:4547",
///                    "extent": [minX, minY, maxX, maxY] }, … ]),
/// in their order; none when the file or the key is not there. An entry with no name or no
/// four finite numbers is skipped and named in `problems`. Throws IoError naming the file when
/// it exists but is not a JSON object.
std::vector<Bookmark> readBookmarks(const QString& projectPath, QStringList* problems = nullptr);

/// Writes `bookmarks` as the "bookmarks" array of the project file `projectPath`, keeping every
/// other key as it is (the layers, the rules …; an empty list removes the key). Atomic
/// (geo::writeFileAtomically). Throws IoError naming the file when it cannot be read as a JSON
/// object or written. GUI thread: the file is small.
void saveBookmarks(const QString& projectPath, const std::vector<Bookmark>& bookmarks);

} // namespace parkatlas::desktop
