#pragma once

#include "geo/crs/crs.h"
#include "geo/message.h"

#include <string>

namespace parkatlas::geo {

struct Issue;

/// The warning readLayer reports (to its IssueSink, naming the file and the layer) when it
/// reprojects a layer by a ballpark operation (Transform::isBallpark: PROJ has no published
/// shift between the two datums, so positions may be off by tens of metres): names both CRSs
/// and their datums.
std::string ballparkWarning(const Crs& from, const Crs& to);
/// The same warning as a message with its parts (from, from_label, from_datum, to, to_label,
/// to_datum), to be said in the user's language; its English is ballparkWarning's.
Message ballparkMessage(const Crs& from, const Crs& to);

/// True when `issue` is that warning (its kind is Issue::Kind::BallparkTransform).
bool isBallparkWarning(const Issue& issue);

/// The CRS that warning says the layer came from, as "name (label)" ("Xian 1980 / 3-degree
/// Gauss-Kruger CM 114E (EPSG:2383)"); "" when `issue` is not that warning.
std::string ballparkSource(const Issue& issue);

} // namespace parkatlas::geo
