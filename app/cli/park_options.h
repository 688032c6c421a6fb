#pragma once

#include "geo/io/source.h"
#include "geo/measure/area.h"
#include "geo/model/park.h"

#include <vector>

namespace parkatlas::geo {
class IssueSink;
}

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

} // namespace parkatlas::cli
