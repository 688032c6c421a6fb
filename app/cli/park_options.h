#pragma once

#include "geo/io/source.h"
#include "geo/measure/area.h"
#include "geo/model/park.h"

#include <vector>

namespace parkatlas::geo {
class IssueList;
class IssueSink;
class JsonWriter;
} // namespace parkatlas::geo

namespace parkatlas::cli {

class CommandLine;

/// The options every command that reads data shares: --encoding and --s-srs.
void addSourceOptions(CommandLine& cli);
/// --encoding and --s-srs as the reader's options.
geo::OpenOptions openOptionsFrom(const CommandLine& cli);

/// --method: ellipsoidal (the default), survey or planar; UsageError for anything else.
geo::AreaMethod areaMethodFrom(const CommandLine& cli);

/// Reads the given roles of a park (all when empty), with a progress bar on a terminal.
geo::Park readPark(const geo::ParkDefinition& definition, std::vector<geo::Role> roles,
                   geo::IssueSink& issues);

/// "ballpark_transforms": the layers read into the working CRS by a ballpark operation (no
/// published datum shift: tens of metres off at worst), as readLayer warned about them in
/// `issues`: each with its path, layer and the warning; an empty array when there are none.
void writeBallparkTransformsJson(geo::JsonWriter& json, const geo::IssueList& issues);

} // namespace parkatlas::cli
