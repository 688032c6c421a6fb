#pragma once

#include "app/render/role_style_book.h"
#include "geo/io/source.h"
#include "geo/model/park.h"

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

} // namespace parkatlas::desktop
