#include "geo/crs/ballpark.h"

#include "geo/issue.h"

#include <string_view>

namespace parkatlas::geo {

namespace {
constexpr const char* kBallpark = ") by a ballpark operation: ";
constexpr std::string_view kFrom = "transformed from ";
constexpr std::string_view kDatum = ", datum ";
} // namespace

Message ballparkMessage(const Crs& from, const Crs& to)
{
    return message("ballpark_transform",
                   std::string(kFrom) +
                       "{from} ({from_label}, datum {from_datum}) to {to} ({to_label}, datum "
                       "{to_datum}" +
                       kBallpark +
                       "PROJ has no published shift between the two datums, so positions may "
                       "be off by tens of metres (overlaps, distances and areas against the "
                       "other layers are approximate); give the layer in the working CRS for "
                       "survey accuracy",
                   {{"from", from.name()},
                    {"from_label", from.label()},
                    {"from_datum", from.datumName()},
                    {"to", to.name()},
                    {"to_label", to.label()},
                    {"to_datum", to.datumName()}});
}

std::string ballparkWarning(const Crs& from, const Crs& to)
{
    return ballparkMessage(from, to).english;
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
