#pragma once

#include "geo/diff/park_diff.h"
#include "geo/io/park_source.h"
#include "geo/io/source.h"
#include "geo/ledger/monitoring.h"
#include "geo/measure/area.h"
#include "geo/model/land_use_classification.h"
#include "geo/session/park_session.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace parkatlas::geo {
struct Economy;
class IssueList;
class IssueSink;
class JsonWriter;
} // namespace parkatlas::geo

namespace parkatlas::cli {

class CommandLine;

/// The options every command that reads data shares: --encoding and --s-srs.
void addSourceOptions(CommandLine& cli);
/// --encoding and --s-srs as the reader's options, and --as-of where addAsOfOption declared it.
geo::OpenOptions openOptionsFrom(const CommandLine& cli);
/// --as-of YYYY-MM-DD: read the park as it was on that day (PARK@YYYY-MM-DD says the same), for
/// the commands that read a park. (audit and report keep their own --as-of: the audit date.)
void addAsOfOption(CommandLine& cli);

/// SOURCE@YYYY-MM-DD or --as-of, for the commands that read a SOURCE layer by layer (info,
/// convert): the source without its date, the open options with the date (checked as
/// discoverPark checks a park's: it parses, is not in the future, is the same in both places,
/// and is not before the first history any layer of the source keeps), and whether a date was
/// given. Throws UsageError or geo::Error naming what is wrong.
struct DatedSource {
    std::string source;
    geo::OpenOptions open;
    bool dated = false;
};
DatedSource datedSourceFrom(const CommandLine& cli, const std::string& source);

/// --classification ROLE=SYSTEM (repeatable), for the commands that read land use.
void addClassificationOption(CommandLine& cli);
/// --classification as role → system id. UsageError for a role that is none, or a system
/// that is none of the four (naming the known ones).
std::map<geo::Role, std::string> classificationsFrom(const CommandLine& cli);
/// geo::discoverPark(source, openOptionsFrom(cli)) with --classification applied to the roles
/// it names (over the project file's "classification"). A role the park lacks is an error.
geo::ParkDefinition discoverParkFrom(const CommandLine& cli, const std::string& source);
/// Declared or detected: the land-use systems of each layer with a land_use field, as the
/// note line `check` and `info` print ("land use: parcels GB/T 21010-2017 (declared on the
/// command line); plan_zones GB 50137-2011 (detected: …)").
std::string landUseSystemsNote(const std::map<geo::Role, geo::LandUseDetection>& systems);

/// --method: ellipsoidal (the default), survey or planar; UsageError for anything else.
geo::AreaMethod areaMethodFrom(const CommandLine& cli);

/// The session every analysis of PARK runs on: discoverParkFrom(cli, source), read once.
std::shared_ptr<geo::ParkSession> openSessionFrom(const CommandLine& cli,
                                                  const std::string& source);

/// Reads the given roles of the session's park (all when empty) that are not read yet, with a
/// progress bar on a terminal.
std::shared_ptr<const geo::Park>
readPark(geo::ParkSession& session, const std::vector<geo::Role>& roles, geo::IssueSink& issues);

/// Reads the given roles of a park of its own (all when empty), with a progress bar on a
/// terminal: for the park a command compares with its session's (diff, summary, --previous).
geo::Park readPark(const geo::ParkDefinition& definition, std::vector<geo::Role> roles,
                   geo::IssueSink& issues);

/// What changed since a previous park (map and report --previous): that park, read into the
/// CRS of `park` (transformed when it is in another: the change map is drawn in the session
/// park's CRS, the overlays with it), and diffParks(previous, park). The notes (the transform
/// among them) are said on stderr after "parkatlas COMMAND: ".
struct ChangesSince {
    std::shared_ptr<const geo::Park> previous;
    geo::ParkDiff diff;
};
ChangesSince changesSince(const CommandLine& cli, const std::string& previousSource,
                          const geo::Park& park, geo::AreaMethod method, geo::IssueSink& issues,
                          const std::string& command);

/// "ballpark_transforms": the layers read into the working CRS by a ballpark operation (no
/// published datum shift: tens of metres off at worst), as readLayer warned about them in
/// `issues`: each with its path, layer and the warning; an empty array when there are none.
void writeBallparkTransformsJson(geo::JsonWriter& json, const geo::IssueList& issues);

/// Today's date (UTC), the default of every command's date options.
geo::Date today();

/// `--year YYYY` of monitor and report: a year that has ended or is running. Throws UsageError.
int monitoringYear(const CommandLine& cli);
/// `--economy FILE` of monitor and report, read (an empty Economy without the option); a file
/// for another year than `year` is said to `issues`.
geo::Economy monitoringEconomy(const CommandLine& cli, int year, geo::IssueSink& issues);
/// The park `source` (without a date) as monitoring counts it on `date`: its monitoring roles
/// read from its history when `date` is before today (a park without history says so), else
/// as it is now.
std::shared_ptr<const geo::Park> monitoredPark(const CommandLine& cli, const std::string& source,
                                               geo::Date date, geo::IssueSink& issues);
/// The monitoring of `park` (read as of options.statisticsDate) with the year before: the park
/// `source` (without a date) as of the same day a year earlier, where it keeps history, its
/// economy from --previous-economy when the command has that option; a note says which.
geo::MonitoringReport runMonitoring(const CommandLine& cli, const std::string& source, const geo::Park& park,
                            int year, const geo::MonitoringOptions& options,
                            const geo::Economy& economy, geo::IssueSink& issues);

} // namespace parkatlas::cli
