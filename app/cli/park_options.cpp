#include "app/cli/park_options.h"

#include "app/cli/command_line.h"
#include "app/cli/progress_bar.h"

#include "geo/crs/ballpark.h"
#include "geo/io/json_writer.h"
#include "geo/issue.h"

namespace parkatlas::cli {

void addSourceOptions(CommandLine& cli)
{
    cli.addOption("encoding", "ENC", "decode DBF text as ENC (GBK, CP936, UTF-8, BIG5 …)");
    cli.addOption("s-srs", "CRS", "the source's CRS, where it has none or a wrong one");
}

geo::OpenOptions openOptionsFrom(const CommandLine& cli)
{
    geo::OpenOptions open;
    open.encoding = cli.value("encoding");
    open.sourceSrs = cli.value("s-srs");
    return open;
}

geo::AreaMethod areaMethodFrom(const CommandLine& cli)
{
    const auto method = geo::areaMethodFromString(cli.value("method", "ellipsoidal"));
    if (!method)
        throw UsageError("--method must be ellipsoidal, survey or planar");
    return *method;
}

geo::Park readPark(const geo::ParkDefinition& definition, std::vector<geo::Role> roles,
                   geo::IssueSink& issues)
{
    ProgressBar bar("reading " + definition.name);
    geo::ParkLoadOptions load;
    load.roles = std::move(roles);
    load.progress = [&bar](double done) { return bar.update(done); };
    geo::Park park = geo::loadPark(definition, load, issues);
    bar.finish();
    return park;
}

void writeBallparkTransformsJson(geo::JsonWriter& json, const geo::IssueList& issues)
{
    json.key("ballpark_transforms").beginArray();
    for (const geo::Issue& issue : issues.issues()) {
        if (!geo::isBallparkWarning(issue))
            continue;
        json.beginObject();
        json.field("path", issue.path);
        json.field("layer", issue.layer);
        json.field("warning", issue.message);
        json.endObject();
    }
    json.endArray();
}

} // namespace parkatlas::cli
