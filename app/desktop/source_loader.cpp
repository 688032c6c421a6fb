#include "app/desktop/source_loader.h"

#include "app/render/role_style_book.h"
#include "geo/error.h"
#include "geo/io/source.h"

#include <exception>

namespace parkatlas::desktop {

namespace {

struct Candidate {
    geo::LayerRef ref;
    geo::Crs crs;
};

} // namespace

LoadReport loadSources(const std::vector<std::string>& sources, const LoadProgress& progress)
{
    LoadReport report;
    auto keepGoing = [&](double share, const std::string& step) {
        if (progress && !progress(share, step)) {
            report.cancelled = true;
            return false;
        }
        return true;
    };

    // 1. What layers are there, and which CRS does each declare (headers only, no features).
    std::vector<Candidate> candidates;
    for (const std::string& source : sources) {
        if (!keepGoing(0.0, source))
            return report;
        try {
            geo::LayerListing listing = geo::listSourceLayers(source);
            for (std::string& failure : listing.failures)
                report.problems.push_back(std::move(failure));
            for (geo::LayerRef& ref : listing.layers) {
                try {
                    geo::LayerInfo info = geo::describeLayer(ref);
                    candidates.push_back({std::move(ref), info.crs.crs});
                } catch (const geo::Error& error) {
                    report.problems.push_back(error.what());
                }
            }
        } catch (const geo::Error& error) {
            report.problems.push_back(error.what());
        } catch (const std::exception& error) {
            report.problems.push_back(source + ": " + error.what());
        }
    }

    for (const Candidate& candidate : candidates)
        if (!candidate.crs.isEmpty()) {
            report.mapCrs = candidate.crs;
            break;
        }
    report.rawCoordinates = report.mapCrs.isEmpty() && !candidates.empty();

    // 2. Read them, reprojecting into the map CRS.
    geo::IssueList issues;
    const double step = candidates.empty() ? 1.0 : 1.0 / static_cast<double>(candidates.size());
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const geo::LayerRef& ref = candidates[i].ref;
        const double base = static_cast<double>(i) * step;
        const std::string name = ref.layerName.empty() ? ref.datasetPath : ref.layerName;
        if (!keepGoing(base, name))
            return report;
        geo::ReadOptions options;
        options.targetCrs = report.mapCrs;
        options.requireCrs = !report.rawCoordinates;
        options.progress = [&](double share) { return keepGoing(base + share * step, name); };
        try {
            report.layers.push_back(
                std::make_shared<const geo::Layer>(geo::readLayer(ref, options, issues)));
        } catch (const geo::Cancelled&) {
            report.cancelled = true;
            return report;
        } catch (const geo::Error& error) {
            report.problems.push_back(error.what());
        } catch (const std::exception& error) {
            report.problems.push_back(ref.datasetPath + ": " + error.what());
        }
    }
    report.issues = issues.issues();
    keepGoing(1.0, {});
    return report;
}

LoadedMap loadMap(const std::vector<std::string>& sources, const LoadProgress& progress,
                  const QString& stylesDirectory)
{
    LoadedMap map;
    map.report = loadSources(sources, progress);
    if (map.report.cancelled)
        return map;
    const QString directory =
        stylesDirectory.isEmpty() ? render::RoleStyleBook::defaultDirectory() : stylesDirectory;
    render::RoleStyleBook book;
    if (directory.isEmpty())
        map.styleProblems.push_back(
            "no styles folder with roles.json found (set PARKATLAS_STYLES): default styles");
    else
        book = render::RoleStyleBook::load(directory);
    for (const QString& problem : book.problems())
        map.styleProblems.push_back(problem.toStdString());
    map.layers = book.styleLayers(map.report.layers);
    return map;
}

} // namespace parkatlas::desktop
