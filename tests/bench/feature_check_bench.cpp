// feature_check_bench: how long the instant conflict check of an edit takes (geo::checkFeature,
// what the viewer runs when a shape is finished or changed), against the whole check
// (geo::checkCompliance) on the same park.
//
//   feature_check_bench PARK [--samples N] [--whole]
//
// Reads the park once, then checks, one thread as the viewer does: N parcels spread over the
// layer (each as an edit of itself), and a new 1 km² expansion zone at the park's centre. With
// --whole, also the whole check (every core). Prints one JSON object: seconds to read the park,
// the per-feature times (median, 90th percentile, max, in ms), and the whole check's seconds.

#include "geo/edit/edit_geometry.h"
#include "geo/io/park_source.h"
#include "geo/issue.h"
#include "geo/rules/compliance.h"
#include "geo/rules/feature_check.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double quantile(std::vector<double> values, double q)
{
    std::sort(values.begin(), values.end());
    return values[static_cast<std::size_t>(q * static_cast<double>(values.size() - 1))];
}

} // namespace

int main(int argc, char** argv)
{
    using namespace parkatlas::geo;
    if (argc < 2) {
        std::fprintf(stderr, "usage: feature_check_bench PARK [--samples N] [--whole]\n");
        return 2;
    }
    std::size_t samples = 200;
    bool whole = false;
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--samples" && i + 1 < argc)
            samples = std::strtoul(argv[++i], nullptr, 10);
        else if (arg == "--whole")
            whole = true;
    }
    IssueList issues;
    const ParkDefinition definition = discoverPark(argv[1]);
    ComplianceOptions options;
    options.settings = ComplianceSettings::load(definition.projectPath, issues);
    auto start = Clock::now();
    const Park park = loadPark(definition, {}, issues);
    const double readS = since(start);
    const ParkLayer* parcels = park.layer(Role::Parcels);
    if (!parcels || parcels->layer->featureCount() == 0) {
        std::fprintf(stderr, "feature_check_bench: the park has no parcels\n");
        return 1;
    }
    options.threads = 1; // as the viewer runs it
    std::vector<double> parcelMs;
    std::size_t findings = 0;
    const std::size_t count = parcels->layer->featureCount();
    for (std::size_t k = 0; k < samples; ++k) {
        const std::size_t row = k * count / samples;
        CheckedFeature feature;
        feature.role = Role::Parcels;
        feature.fid = parcels->layer->fids[row];
        feature.geometryWkb = EditGeometry::fromStore(parcels->layer->geometry, row).toWkb();
        start = Clock::now();
        findings += checkFeature(park, feature, options, issues).findings.size();
        parcelMs.push_back(since(start) * 1000);
    }
    // A new zone of 1 km² at the centre of the parcels.
    const Envelope extent = parcels->layer->geometry.extent();
    const double cx = (extent.minX + extent.maxX) / 2, cy = (extent.minY + extent.maxY) / 2;
    EditGeometry zone;
    zone.kind = GeometryKind::Polygon;
    zone.polygons.push_back(
        {{{{cx - 500, cy - 500}, {cx + 500, cy - 500}, {cx + 500, cy + 500}, {cx - 500, cy + 500}}}});
    CheckedFeature drawn;
    drawn.role = Role::Expansion;
    drawn.fid = -1;
    drawn.geometryWkb = zone.toWkb();
    drawn.values = {{"land_use", std::string("M1")}};
    std::vector<double> zoneMs;
    std::size_t zoneFindings = 0;
    for (int run = 0; run < 5; ++run) {
        start = Clock::now();
        zoneFindings = checkFeature(park, drawn, options, issues).findings.size();
        zoneMs.push_back(since(start) * 1000);
    }
    double wholeS = -1;
    std::size_t wholeFindings = 0;
    if (whole) {
        ComplianceOptions all = options;
        all.threads = 0;
        start = Clock::now();
        wholeFindings = checkCompliance(park, all, issues).findings.size();
        wholeS = since(start);
    }
    std::printf("{\"park\": \"%s\", \"parcels\": %zu, \"read_s\": %.3f,\n"
                " \"parcel_edit_ms\": {\"samples\": %zu, \"median\": %.2f, \"p90\": %.2f, "
                "\"max\": %.2f, \"findings\": %zu},\n"
                " \"new_zone_1km2_ms\": {\"best\": %.2f, \"findings\": %zu},\n"
                " \"whole_check_s\": %.3f, \"whole_check_findings\": %zu}\n",
                argv[1], count, readS, parcelMs.size(), quantile(parcelMs, 0.5),
                quantile(parcelMs, 0.9), *std::max_element(parcelMs.begin(), parcelMs.end()),
                findings, *std::min_element(zoneMs.begin(), zoneMs.end()), zoneFindings, wholeS,
                wholeFindings);
    return 0;
}
