#include "geo/crs/ballpark.h"

#include "geo/issue.h"

#include <string_view>

namespace parkatlas::geo {

namespace {
constexpr const char* kBallpark = ") by a ballpark operation: ";
constexpr std::string_view kFrom = "transformed from ";
constexpr std::string_view kDatum = ", datum ";
} // namespace

std::string ballparkWarning(const Crs& from, const Crs& to)
{
    return "transformed from " + from.name() + " (" + from.label() + ", datum " +
           from.datumName() + ") to " + to.name() + " (" + to.label() + ", datum " +
           to.datumName() + kBallpark +
           "PROJ has no published shift between the two datums, so positions may be off by tens "
           "of metres (overlaps, distances and areas against the other layers are approximate); "
           "give the layer in the working CRS for survey accuracy";
}

bool isBallparkWarning(const Issue& issue)
{
    return issue.kind == Issue::Kind::BallparkTransform;
}

std::string ballparkSource(const Issue& issue)
{
    if (!isBallparkWarning(issue))
        return {};
    const std::size_t end = issue.message.find(kDatum, kFrom.size());
    if (end == std::string::npos)
        return {};
    return issue.message.substr(kFrom.size(), end - kFrom.size()) + ")";
}

} // namespace parkatlas::geo
