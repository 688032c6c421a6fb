#include "app/desktop/source_loader.h"

#include "app/desktop/translation.h"
#include "app/render/role_style_book.h"
#include "geo/ascii.h"
#include "geo/error.h"
#include "geo/io/park_source.h"
#include "geo/io/raster.h"
#include "geo/io/shapefile_reader.h"
#include "geo/io/source.h"
#include "geo/model/issue_text.h"
#include "geo/progress.h"
#include "geo/session/park_session.h"
#include "geo/store/history.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <filesystem>

namespace parkatlas::desktop {

namespace {

struct Candidate {
    geo::LayerRef ref;
    geo::Crs crs;
    geo::OpenOptions open;
    std::optional<render::RoleBinding> binding;
    std::optional<geo::ZoneProposal> proposal;
    std::string hint;
};

std::string canonicalPath(const std::string& path)
{
    std::error_code error;
    const std::filesystem::path canonical = std::filesystem::weakly_canonical(path, error);
    return error ? path : canonical.string();
}

/// The override for `ref`, or null.
const ProjectLayer* overrideFor(const std::vector<ProjectLayer>& overrides,
                                const geo::LayerRef& ref)
{
    // The last one given wins: the user's latest choice comes after the project file's.
    for (auto it = overrides.rbegin(); it != overrides.rend(); ++it)
        if (sameLayer(it->ref, ref))
            return &*it;
    return nullptr;
}

} // namespace

bool sameLayer(const geo::LayerRef& a, const geo::LayerRef& b)
{
    if (!a.layerName.empty() && !b.layerName.empty() && a.layerName != b.layerName)
        return false;
    return a.datasetPath == b.datasetPath ||
           canonicalPath(a.datasetPath) == canonicalPath(b.datasetPath);
}

bool isProjectFile(const std::string& path)
{
    const std::string lower = geo::lowerAscii(path);
    return lower.size() > 15 && lower.ends_with(".parkatlas.json");
}

namespace {

/// For a big shapefile in the map CRS: its geometry read straight from the .shp (a fraction of
/// the whole read, which spends most of its time on the attributes through GDAL), handed to
/// `early` as a layer without fields. Anything odd (a problem in the file, another CRS, an
/// override of its encoding or CRS, an as-of date) and nothing is shown early: the full read
/// says what is wrong. The full read reads the .shp again: taking this geometry instead (view4's
/// read-once, a copy) saved no measurable time, and the early layer stays on the map until the
/// full one replaces it, so it cannot be moved from.
void showEarlyGeometry(const geo::LayerRef& ref, const geo::Crs& crs, const geo::OpenOptions& open,
                       const std::optional<render::RoleBinding>& binding, const LoadReport& report,
                       const EarlyGeometry& early)
{
    std::error_code error;
    const std::filesystem::path path(ref.datasetPath);
    if (geo::lowerAscii(path.extension().string()) != ".shp" || !open.asOf.empty() ||
        !open.sourceSrs.empty() || crs.isEmpty() || report.mapCrs.isEmpty() ||
        !report.mapCrs.isSameAs(crs))
        return;
    const std::uintmax_t bytes = std::filesystem::file_size(path, error);
    if (error || bytes < kEarlyGeometryBytes || !geo::canReadShapefileGeometry(ref.datasetPath))
        return;
    try {
        geo::IssueList issues;
        geo::ShapefileGeometry read = geo::readShapefileGeometry(ref.datasetPath, issues);
        if (issues.count(geo::Issue::Severity::Error) > 0)
            return;
        auto layer = std::make_shared<geo::Layer>();
        layer->name = ref.layerName.empty() ? path.stem().string() : ref.layerName;
        layer->sourcePath = ref.datasetPath;
        layer->crs = crs;
        layer->geometry = std::move(read.geometry);
        layer->fids = std::move(read.fids);
        for (std::size_t i = 0; i < layer->fids.size(); ++i)
            layer->attributes.commitRow();
        early(std::move(layer), binding, report.mapCrs);
    } catch (const std::exception&) {
        // The full read below meets the same problem and reports it.
    }
}

} // namespace

LoadReport loadSources(const std::vector<std::string>& sources, const LoadProgress& progress,
                       const std::vector<ProjectLayer>& userOverrides, const EarlyGeometry& early)
{
    LoadReport report;
    auto keepGoing = [&](double share, const std::string& step) {
        if (progress && !progress(share, step)) {
            report.cancelled = true;
            return false;
        }
        return true;
    };

    // 0. The project file the viewer keeps beside the sources: what the user said about their
    // layers in an earlier session (roles, field mappings, encodings, CRSs).
    std::vector<ProjectLayer> overrides;
    if (std::none_of(sources.begin(), sources.end(), isProjectFile)) {
        QStringList names;
        for (const std::string& source : sources)
            names.append(QString::fromStdString(source));
        const std::string beside = projectPathFor(names).toStdString();
        std::error_code missing;
        if (!beside.empty() && std::filesystem::is_regular_file(beside, missing)) {
            try {
                const geo::ParkDefinition park = geo::discoverPark(beside);
                for (const geo::ParkLayerSource& layer : park.layers)
                    overrides.push_back({layer.ref, layer.open,
                                         render::RoleBinding{layer.role, layer.fieldMap,
                                                             layer.classification}});
                report.projectPath = beside;
                report.projectBeside = true;
            } catch (const geo::Error& error) {
                report.problems.push_back(geo::formatError(error, uiLanguage()));
            }
        }
    }
    overrides.insert(overrides.end(), userOverrides.begin(), userOverrides.end());

    // 1. What layers are there, and which CRS does each declare (headers only, no features).
    std::vector<Candidate> candidates;
    std::vector<geo::RasterInfo> rasters;
    geo::Crs projectCrs;
    for (const std::string& source : sources) {
        if (!keepGoing(0.0, source))
            return report;
        try {
            if (isProjectFile(source)) {
                // A project names each role's source, its encoding and CRS, and its fields.
                const geo::ParkDefinition park = geo::discoverPark(source);
                if (report.projectPath.empty())
                    report.projectPath = source;
                if (!park.crs.empty() && projectCrs.isEmpty())
                    projectCrs = geo::Crs::fromUserInput(park.crs);
                for (const geo::ParkLayerSource& layer : park.layers) {
                    try {
                        geo::OpenOptions open = layer.open;
                        render::RoleBinding binding{layer.role, layer.fieldMap,
                                                    layer.classification};
                        if (const ProjectLayer* chosen = overrideFor(overrides, layer.ref)) {
                            open = chosen->open;
                            binding = chosen->binding;
                        }
                        geo::LayerInfo info = geo::describeLayer(layer.ref, open);
                        candidates.push_back({info.ref, info.crs.crs, open, binding,
                                              info.crs.proposal, info.crs.hint});
                    } catch (const geo::Error& error) {
                        report.problems.push_back(geo::formatError(error, uiLanguage()));
                    }
                }
                continue;
            }
            std::error_code error;
            if (std::filesystem::is_regular_file(source, error) && geo::isRasterSource(source)) {
                rasters.push_back(geo::describeRaster(source));
                continue;
            }
            // PARK@YYYY-MM-DD (View > As of…): the park as it was, from the history it keeps.
            // discoverPark checks the date (an error stops this source) and says what it
            // cannot honour.
            const auto [plain, dated] = geo::splitParkDate(source);
            std::vector<std::string> withHistory;
            if (!dated.empty()) {
                const geo::ParkDefinition park = geo::discoverPark(source);
                report.problems.insert(report.problems.end(), park.warnings.begin(),
                                       park.warnings.end());
                for (const geo::ParkLayerSource& layer : park.layers)
                    if (!layer.open.asOf.empty())
                        withHistory.push_back(layer.ref.layerName);
            }
            geo::LayerListing listing = geo::listSourceLayers(plain);
            for (std::string& failure : listing.failures)
                report.problems.push_back(std::move(failure));
            for (geo::LayerRef& ref : listing.layers) {
                // A role's kept history is read through a date, never shown as a layer.
                if (geo::isHistoryLayerName(ref.layerName))
                    continue;
                try {
                    geo::OpenOptions open;
                    std::optional<render::RoleBinding> binding;
                    if (const ProjectLayer* chosen = overrideFor(overrides, ref)) {
                        open = chosen->open;
                        binding = chosen->binding;
                    }
                    if (std::find(withHistory.begin(), withHistory.end(), ref.layerName) !=
                        withHistory.end())
                        open.asOf = dated;
                    geo::LayerInfo info = geo::describeLayer(ref, open);
                    candidates.push_back({std::move(ref), info.crs.crs, open, binding,
                                          info.crs.proposal, info.crs.hint});
                } catch (const geo::Error& error) {
                    report.problems.push_back(geo::formatError(error, uiLanguage()));
                }
            }
        } catch (const geo::Error& error) {
            report.problems.push_back(geo::formatError(error, uiLanguage()));
        } catch (const std::exception& error) {
            report.problems.push_back(source + ": " + error.what());
        }
    }

    report.mapCrs = projectCrs;
    for (const Candidate& candidate : candidates)
        if (report.mapCrs.isEmpty() && !candidate.crs.isEmpty()) {
            report.mapCrs = candidate.crs;
            break;
        }
    // Orthophotos go under the vectors and follow their CRS; alone, the first one sets it.
    for (const geo::RasterInfo& raster : rasters)
        if (report.mapCrs.isEmpty() && !raster.crs.isEmpty())
            report.mapCrs = raster.crs;
    report.rawCoordinates = report.mapCrs.isEmpty() && !(candidates.empty() && rasters.empty());
    for (geo::RasterInfo& raster : rasters) {
        if (raster.crs.isEmpty() && !report.mapCrs.isEmpty()) {
            report.problems.push_back(raster.path +
                                      ": the raster has no coordinate system, so it cannot be "
                                      "placed on a map in " +
                                      report.mapCrs.label());
            continue;
        }
        try {
            const geo::Envelope extent = geo::rasterExtentIn(raster, report.mapCrs);
            report.rasters.push_back(std::make_shared<const render::RasterLayer>(
                render::RasterLayer{std::move(raster), extent}));
        } catch (const geo::Error& error) {
            report.problems.push_back(raster.path + ": " + error.what());
        }
    }

    // 2. Read them, reprojecting into the map CRS.
    geo::IssueList issues;
    const double step = candidates.empty() ? 1.0 : 1.0 / static_cast<double>(candidates.size());
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const geo::LayerRef& ref = candidates[i].ref;
        const double base = static_cast<double>(i) * step;
        const std::string name = ref.layerName.empty() ? ref.datasetPath : ref.layerName;
        if (!keepGoing(base, name))
            return report;
        if (candidates[i].crs.isEmpty() && !report.rawCoordinates) {
            // Not read: the user is asked for its CRS, and it is read again with it.
            report.crsNeeded.push_back({ref, candidates[i].open, candidates[i].binding,
                                        candidates[i].proposal, candidates[i].hint});
            continue;
        }
        if (early)
            showEarlyGeometry(candidates[i].ref, candidates[i].crs, candidates[i].open,
                              candidates[i].binding, report, early);
        geo::ReadOptions options;
        options.open = candidates[i].open;
        options.targetCrs = report.mapCrs;
        options.requireCrs = !report.rawCoordinates;
        options.progress = [&](double share) { return keepGoing(base + share * step, name); };
        try {
            report.layers.push_back(
                std::make_shared<const geo::Layer>(geo::readLayer(ref, options, issues)));
            report.bindings.push_back(candidates[i].binding);
            report.openOptions.push_back(candidates[i].open);
        } catch (const geo::Cancelled&) {
            report.cancelled = true;
            return report;
        } catch (const geo::Error& error) {
            report.problems.push_back(geo::formatError(error, uiLanguage()));
        } catch (const std::exception& error) {
            report.problems.push_back(ref.datasetPath + ": " + error.what());
        }
    }
    report.issues = issues.issues();
    keepGoing(1.0, {});
    return report;
}

namespace {

/// The park of the window's analyses: the project file when there is one, else the first source
/// that is not an orthophoto, once some layer was loaded.
std::string parkSourceOf(const LoadReport& report, const std::vector<std::string>& sources)
{
    if (!report.projectPath.empty())
        return report.projectPath;
    for (const std::string& source : sources) {
        const bool raster = std::any_of(report.rasters.begin(), report.rasters.end(),
                                        [&](const auto& r) { return r->info.path == source; });
        if (!raster && !report.layers.empty())
            return source;
    }
    return {};
}

void openSession(LoadedMap& map, const std::vector<std::string>& sources)
{
    const LoadReport& report = map.report;
    const std::string park = parkSourceOf(report, sources);
    if (park.empty())
        return;
    try {
        map.session = geo::ParkSession::open(park);
    } catch (const std::exception& error) {
        map.sessionError = error.what();
        return;
    }
    // The map's layers are the park's where they were read the same way: read once.
    for (std::size_t i = 0; i < report.layers.size(); ++i) {
        const geo::Layer& layer = *report.layers[i];
        std::vector<geo::Issue> issues;
        for (const geo::Issue& issue : report.issues)
            if (issue.path == layer.sourcePath &&
                (issue.layer.empty() || issue.layer == layer.name))
                issues.push_back(issue);
        map.session->adopt({layer.sourcePath, layer.name},
                           i < report.openOptions.size() ? report.openOptions[i]
                                                         : geo::OpenOptions{},
                           report.layers[i], std::move(issues));
    }
}

} // namespace

LoadedMap loadMap(const std::vector<std::string>& sources, const LoadProgress& progress,
                  const QString& stylesDirectory, const std::vector<ProjectLayer>& overrides,
                  const std::function<void(std::vector<render::LayerSnapshot> layers,
                                           geo::Crs mapCrs)>& early)
{
    LoadedMap map;
    // The styles first: a layer shown before its attributes are read is styled by them too.
    const QString directory =
        stylesDirectory.isEmpty() ? render::RoleStyleBook::defaultDirectory() : stylesDirectory;
    auto styleBook = std::make_shared<render::RoleStyleBook>();
    render::RoleStyleBook& book = *styleBook;
    map.styleBook = styleBook;
    if (directory.isEmpty())
        map.styleProblems.push_back(
            "no styles folder with roles.json found (set PARKATLAS_STYLES): default styles");
    else
        book = render::RoleStyleBook::load(directory);
    EarlyGeometry styledEarly;
    if (early)
        styledEarly = [&](std::shared_ptr<const geo::Layer> layer,
                          const std::optional<render::RoleBinding>& binding,
                          const geo::Crs& mapCrs) {
            early(book.styleLayers({std::move(layer)}, {binding}), mapCrs);
        };
    map.report = loadSources(sources, progress, overrides, styledEarly);
    if (map.report.cancelled)
        return map;
    for (const QString& problem : book.problems())
        map.styleProblems.push_back(problem.toStdString());
    map.layers = book.styleLayers(map.report.layers, map.report.bindings);
    // The spatial index for clicks and boxes, here on the worker, never on the GUI thread.
    for (render::LayerSnapshot& snapshot : map.layers)
        snapshot.index = std::make_shared<const geo::EnvelopeIndex>(
            snapshot.layer->geometry, [](std::size_t) { return true; });
    // Orthophotos at the bottom, in the order given.
    std::vector<render::LayerSnapshot> rasters;
    for (const auto& raster : map.report.rasters) {
        auto layer = std::make_shared<geo::Layer>();
        layer->name = std::filesystem::path(raster->info.path).stem().string();
        layer->sourcePath = raster->info.path;
        layer->crs = raster->info.crs;
        render::LayerSnapshot snapshot(std::move(layer), render::LayerStyle{});
        snapshot.raster = raster;
        rasters.push_back(std::move(snapshot));
    }
    map.layers.insert(map.layers.begin(), rasters.begin(), rasters.end());
    openSession(map, sources);
    return map;
}

} // namespace parkatlas::desktop
