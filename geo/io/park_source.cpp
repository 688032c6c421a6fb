#include "geo/io/park_source.h"

#include "geo/ascii.h"
#include "geo/crs/ballpark.h"
#include "geo/error.h"
#include "geo/gdal_session.h"
#include "geo/io/atomic_file.h"
#include "geo/io/history_read.h"
#include "geo/io/pg_connection.h"
#include "geo/issue.h"
#include "geo/model/land_use_classification.h"

#include <cpl_json.h>
#include <gdal_priv.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>

namespace parkatlas::geo {

namespace fs = std::filesystem;

const ParkLayerSource* ParkDefinition::find(Role role) const
{
    for (const ParkLayerSource& layer : layers)
        if (layer.role == role)
            return &layer;
    return nullptr;
}

namespace {

std::string stemOf(const std::string& path)
{
    fs::path p(path);
    while (p.has_extension())
        p = p.stem();
    return p.filename().string();
}

ParkDefinition readProject(const std::string& projectPath, const OpenOptions& defaults)
{
    CPLJSONDocument document;
    {
        GdalErrorCapture errors;
        if (!document.Load(projectPath))
            throw IoError("cannot read the project file: " + (errors.lastFailure().empty()
                                                                  ? std::string("not valid JSON")
                                                                  : errors.lastFailure()),
                          {projectPath, {}, -1, {}});
    }
    const CPLJSONObject root = document.GetRoot();
    if (root.GetType() != CPLJSONObject::Type::Object)
        throw IoError("the project file is not a JSON object", {projectPath, {}, -1, {}});
    ParkDefinition definition;
    definition.source = projectPath;
    definition.projectPath = projectPath;
    definition.name = root.GetString("name", stemOf(projectPath));
    definition.nameGiven = !root.GetString("name", "").empty();
    definition.crs = root.GetString("crs", "");
    const fs::path base = fs::absolute(projectPath).parent_path();

    const CPLJSONObject layers = root.GetObj("layers");
    if (!layers.IsValid() || layers.GetType() != CPLJSONObject::Type::Object)
        throw IoError("the project file has no \"layers\" object", {projectPath, {}, -1, {}});
    for (const CPLJSONObject& entry : layers.GetChildren()) {
        const std::string roleName = entry.GetName();
        const auto role = roleFromLayerName(roleName);
        if (!role)
            throw IoError("unknown role \"" + roleName + "\" in \"layers\"",
                          {projectPath, {}, -1, {}});
        ParkLayerSource source;
        source.role = *role;
        std::string path;
        if (entry.GetType() == CPLJSONObject::Type::String) {
            path = entry.ToString();
        } else {
            path = entry.GetString("source", "");
            source.ref.layerName = entry.GetString("layer", "");
            source.open.encoding = entry.GetString("encoding", defaults.encoding);
            source.open.sourceSrs = entry.GetString("crs", defaults.sourceSrs);
            for (const CPLJSONObject& field : entry.GetObj("fields").GetChildren())
                source.fieldMap[field.GetName()] = field.ToString();
            if (const std::string system = entry.GetString("classification", "");
                !system.empty()) {
                try {
                    source.classification = landUseSystemFromString(system);
                } catch (const Error& e) {
                    throw IoError(std::string(e.what()) + " in \"layers\"." + roleName +
                                      ".classification",
                                  {projectPath, {}, -1, {}});
                }
                source.classificationOrigin = "in the project file";
            }
        }
        if (path.empty())
            throw IoError("role \"" + roleName + "\" has no \"source\"", {projectPath, {}, -1, {}});
        const bool isConnection =
            path.rfind("PG:", 0) == 0 || path.find("://") != std::string::npos;
        if (isPostgresSource(path))
            refusePassword(path, "the project file " + projectPath);
        source.ref.datasetPath = isConnection || fs::path(path).is_absolute()
                                     ? path
                                     : (base / path).lexically_normal().string();
        if (isPostgresSource(path)) {
            // The layer is a table of the connection's schema (its search_path), as for a
            // PostgreSQL PARK; the default layer name is the role's conventional one.
            PgConnection connection(path);
            source.ref.datasetPath = gdalSourceForSchema(path, connection.currentSchema());
            if (source.ref.layerName.empty())
                source.ref.layerName = roleName;
        }
        if (source.open.encoding.empty())
            source.open.encoding = defaults.encoding;
        if (source.open.sourceSrs.empty())
            source.open.sourceSrs = defaults.sourceSrs;
        definition.layers.push_back(std::move(source));
    }
    return definition;
}

/// json-c writes a slash escaped, as \/ (valid, but a path reads badly): the plain slash,
/// keeping an escaped backslash that happens to precede a slash (\\/) as it is.
std::string withoutEscapedSlashes(const std::string& json)
{
    std::string out;
    out.reserve(json.size());
    for (std::size_t i = 0; i < json.size(); ++i) {
        if (json[i] == '\\' && i + 1 < json.size()) {
            if (json[i + 1] != '/')
                out += json[i];
            out += json[++i];
            continue;
        }
        out += json[i];
    }
    return out;
}

} // namespace

namespace {

ParkDefinition discoverParkNow(const std::string& source, const OpenOptions& defaults);

/// Checks the park date against the history each layer keeps (DESIGN.md: --as-of).
void applyParkDate(ParkDefinition& definition, const std::string& given, const std::string& dateText)
{
    const Date date = parseParkDate(dateText, given);
    const std::string cutoff = parkDateCutoff(date);
    std::map<std::string, GDALDatasetUniquePtr> datasets;
    std::optional<std::string> first;
    std::string without;
    std::size_t kept = 0;
    for (ParkLayerSource& layer : definition.layers) {
        auto it = datasets.find(layer.ref.datasetPath);
        if (it == datasets.end()) {
            GdalErrorCapture quiet;
            it = datasets
                     .emplace(layer.ref.datasetPath,
                              GDALDatasetUniquePtr(GDALDataset::Open(
                                  layer.ref.datasetPath.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                  nullptr, nullptr, nullptr)))
                     .first;
        }
        const std::string name = layer.ref.layerName.empty() ? stemOf(layer.ref.datasetPath)
                                                             : layer.ref.layerName;
        std::optional<std::string> since;
        if (it->second)
            since = firstHistoryTime(*it->second, name);
        if (!since) {
            layer.open.asOf.clear();
            without += (without.empty() ? "" : ", ") + std::string(toString(layer.role));
            continue;
        }
        ++kept;
        layer.open.asOf = date.toIso();
        if (!first || *since < *first)
            first = since;
    }
    if (kept == 0) {
        definition.warnings.push_back(
            definition.source + " keeps no history (no <role>_history layer): read as it is now, "
                                "not as of " + date.toIso());
        return;
    }
    if (!without.empty())
        definition.warnings.push_back("the layers " + without + " of " + definition.source +
                                      " keep no history: read as they are now, not as of " +
                                      date.toIso());
    if (*first >= cutoff)
        throw Error(given + ": " + date.toIso() +
                        " is before the park's first recorded history (" + *first +
                        "): how it was then is not known",
                    {definition.source, {}, -1, {}});
}

} // namespace

ParkDefinition discoverPark(const std::string& source, const OpenOptions& defaults)
{
    const auto [path, dated] = splitParkDate(source);
    if (dated.empty() && defaults.asOf.empty())
        return discoverParkNow(source, defaults);
    if (!dated.empty() && !defaults.asOf.empty() && dated != defaults.asOf)
        throw Error("the park is named as of " + dated + " and --as-of says " + defaults.asOf +
                        ": give one date",
                    {source, {}, -1, {}});
    OpenOptions plain = defaults;
    plain.asOf.clear();
    ParkDefinition definition = discoverParkNow(path, plain);
    applyParkDate(definition, dated.empty() ? "--as-of" : source, dated.empty() ? defaults.asOf : dated);
    return definition;
}

namespace {

ParkDefinition discoverParkNow(const std::string& source, const OpenOptions& defaults)
{
    ensureGdalFor(source);
    const std::string lower = lowerAscii(source);
    if (lower.size() > 5 && lower.compare(lower.size() - 5, 5, ".json") == 0 &&
        lower.find(".parkatlas.") != std::string::npos)
        return readProject(source, defaults);

    ParkDefinition definition;
    definition.source = source;
    definition.name = stemOf(source);
    std::string layerSource = source;
    if (isPostgresSource(source)) {
        // A PostgreSQL park: the conventional tables of the connection's current schema.
        refusePassword(source, "PARK");
        PgConnection connection(source);
        definition.name = connection.currentSchema();
        layerSource = gdalSourceForSchema(source, definition.name);
    }
    const LayerListing listing = listSourceLayers(layerSource);
    definition.unreadable = listing.failures;
    for (const LayerRef& ref : listing.layers) {
        if (isHistoryLayerName(ref.layerName) || isHistoryLayerName(stemOf(ref.datasetPath)))
            continue; // a role's kept history: read through --as-of, never a layer of its own
        auto role = roleFromLayerName(ref.layerName);
        if (!role)
            role = roleFromLayerName(stemOf(ref.datasetPath));
        if (!role || definition.find(*role)) {
            definition.unassigned.push_back(ref);
            continue;
        }
        ParkLayerSource layer;
        layer.role = *role;
        layer.ref = ref;
        layer.open = defaults;
        definition.layers.push_back(std::move(layer));
    }
    return definition;
}

} // namespace

void saveProject(const ParkDefinition& definition, const std::string& path)
{
    ensureGdal();
    const fs::path dest = fs::absolute(path);
    const fs::path base = dest.parent_path();
    CPLJSONDocument document;
    std::error_code exists;
    if (fs::exists(dest, exists)) {
        GdalErrorCapture errors;
        if (!document.Load(dest.string()) ||
            document.GetRoot().GetType() != CPLJSONObject::Type::Object)
            throw IoError("the project file exists but is not a JSON object: not overwritten",
                          {path, {}, -1, {}});
    }
    CPLJSONObject root = document.GetRoot();
    if (!definition.name.empty())
        root.Set("name", definition.name);
    root.Delete("crs");
    if (!definition.crs.empty())
        root.Set("crs", definition.crs);
    root.Delete("layers");
    CPLJSONObject layers;
    for (const ParkLayerSource& source : definition.layers) {
        CPLJSONObject entry;
        std::string where = source.ref.datasetPath;
        const bool isConnection =
            where.rfind("PG:", 0) == 0 || where.find("://") != std::string::npos;
        if (!isConnection) {
            const fs::path relative = fs::absolute(where).lexically_relative(base);
            if (!relative.empty() && *relative.begin() != "..")
                where = relative.generic_string();
        }
        entry.Set("source", where);
        if (!source.ref.layerName.empty())
            entry.Set("layer", source.ref.layerName);
        if (!source.open.encoding.empty())
            entry.Set("encoding", source.open.encoding);
        if (!source.open.sourceSrs.empty())
            entry.Set("crs", source.open.sourceSrs);
        if (!source.fieldMap.empty()) {
            CPLJSONObject fields;
            for (const auto& [contract, field] : source.fieldMap)
                fields.Set(contract, field);
            entry.Add("fields", fields);
        }
        if (!source.classification.empty())
            entry.Set("classification", source.classification);
        layers.Add(toString(source.role), entry);
    }
    root.Add("layers", layers);
    const std::string text =
        withoutEscapedSlashes(root.Format(CPLJSONObject::PrettyFormat::Pretty)) + "\n";

    writeFileAtomically(path, [&](std::ostream& out) { out << text; });
}

namespace {

/// Passes every issue on and keeps the source CRS of a ballpark-transform warning.
class BallparkNoticer : public IssueSink {
public:
    explicit BallparkNoticer(IssueSink& next) : m_next(next) {}
    void report(Issue issue) override
    {
        if (isBallparkWarning(issue)) {
            std::lock_guard lock(m_mutex);
            m_from = ballparkSource(issue);
        }
        m_next.report(std::move(issue));
    }
    std::string from() const
    {
        std::lock_guard lock(m_mutex);
        return m_from;
    }

private:
    IssueSink& m_next;
    mutable std::mutex m_mutex;
    std::string m_from;
};

} // namespace
Crs parkWorkingCrs(const ParkDefinition& definition)
{
    // The project's, else the parcels', else the first layer's that has one.
    if (!definition.crs.empty())
        return Crs::fromUserInput(definition.crs);
    Crs crs;
    {
        std::vector<const ParkLayerSource*> candidates;
        if (const ParkLayerSource* parcels = definition.find(Role::Parcels))
            candidates.push_back(parcels);
        for (const ParkLayerSource& source : definition.layers)
            candidates.push_back(&source);
        std::string looked;   // the files without one, for the message
        std::string failure;  // the first layer that cannot be read at all, and why
        for (const ParkLayerSource* source : candidates) {
            try {
                const LayerInfo info = describeLayer(source->ref, source->open);
                if (!info.crs.crs.isEmpty()) {
                    crs = info.crs.crs;
                    break;
                }
                const std::string name = fs::path(source->ref.datasetPath).filename().string();
                if (looked.find(name) == std::string::npos)
                    looked += (looked.empty() ? "" : ", ") + name;
            } catch (const Error& error) {
                if (failure.empty())
                    failure = error.what();
            }
        }
        if (crs.isEmpty())
            throw CrsError(
                message(std::string("park_without_crs") + (looked.empty() ? "" : "_in") +
                            (failure.empty() ? "" : "_unreadable"),
                        std::string("no layer of the park has a coordinate system") +
                            (looked.empty() ? "" : " (none in {looked})") +
                            "; give one with --s-srs or \"crs\" in the project file" +
                            (failure.empty() ? "" : ". And a layer cannot be read: {failure}"),
                        {{"looked", looked}, {"failure", failure}}),
                {definition.source, {}, -1, {}});
    }
    return crs;
}

Park loadPark(const ParkDefinition& definition, const ParkLoadOptions& options, IssueSink& issues)
{
    Park park;
    park.name = definition.name;

    std::vector<const ParkLayerSource*> wanted;
    for (const ParkLayerSource& source : definition.layers)
        if (options.roles.empty() || std::find(options.roles.begin(), options.roles.end(),
                                               source.role) != options.roles.end())
            wanted.push_back(&source);

    for (const std::string& failure : definition.unreadable)
        issues.report(withMessage({Issue::Severity::Error, {}, {}, -1},
                                  message("source_left_out", "{failure} (left out)",
                                          {{"failure", failure}})));
    for (const std::string& warning : definition.warnings)
        issues.report({Issue::Severity::Warning, definition.source, {}, -1, warning});

    park.crs = options.workingCrs.isEmpty() ? parkWorkingCrs(definition) : options.workingCrs;

    for (std::size_t i = 0; i < wanted.size(); ++i) {
        const ParkLayerSource& source = *wanted[i];
        ReadOptions read;
        read.open = source.open;
        read.targetCrs = park.crs;
        if (auto filter = options.attributeFilters.find(source.role);
            filter != options.attributeFilters.end())
            read.attributeFilter = filter->second;
        if (options.progress) {
            const double begin = static_cast<double>(i) / static_cast<double>(wanted.size());
            const double span = 1.0 / static_cast<double>(wanted.size());
            read.progress = [&, begin, span](double done) {
                return options.progress(begin + span * done);
            };
        }
        try {
            ParkLayer layer;
            layer.role = source.role;
            BallparkNoticer noticing(issues);
            layer.layer = std::make_shared<const Layer>(readLayer(source.ref, read, noticing));
            layer.ballparkFrom = noticing.from();
            layer.fieldIndex =
                resolveContractFields(source.role, layer.layer->attributes, source.fieldMap);
            layer.classification = source.classification;
            layer.classificationOrigin = source.classificationOrigin;
            park.layers.push_back(std::move(layer));
        } catch (const Error& error) {
            issues.report(withMessage(
                {Issue::Severity::Error, error.context().path, error.context().layer, -1},
                message("layer_left_out", "{error} (the {role} layer is left out)",
                        withNested({{"role", std::string(toString(source.role))}}, "error",
                                   error.message(), error.messageId(), error.messageParts()))));
        }
    }
    // A park handed over as a GeoPackage or folder is called by its boundary's name (the
    // approved range's first), not by the file's ("park").
    if (const ParkLayer* boundary = park.layer(Role::Boundary); boundary && !definition.nameGiven)
        if (std::string best = boundaryParkName(*boundary); !best.empty())
            park.name = std::move(best);
    return park;
}

} // namespace parkatlas::geo
