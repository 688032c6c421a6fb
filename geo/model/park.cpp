#include "geo/model/park.h"

#include "geo/error.h"
#include "geo/io/gdal_session.h"
#include "geo/issue.h"

#include <cpl_json.h>

#include <algorithm>
#include <filesystem>

namespace parkatlas::geo {

namespace fs = std::filesystem;

const ParkLayerSource* ParkDefinition::find(Role role) const
{
    for (const ParkLayerSource& layer : layers)
        if (layer.role == role)
            return &layer;
    return nullptr;
}

int ParkLayer::field(std::string_view contractName) const
{
    const auto& fields = contractFields(role);
    for (std::size_t i = 0; i < fields.size() && i < fieldIndex.size(); ++i)
        if (contractName == fields[i].name)
            return fieldIndex[i];
    return -1;
}

const ParkLayer* Park::layer(Role role) const
{
    for (const ParkLayer& l : layers)
        if (l.role == role)
            return &l;
    return nullptr;
}

std::vector<int> resolveContractFields(Role role, const AttributeTable& attributes,
                                       const std::map<std::string, std::string>& fieldMap)
{
    std::vector<int> indices;
    for (const ContractField& field : contractFields(role)) {
        int index = -1;
        if (auto it = fieldMap.find(field.name); it != fieldMap.end())
            index = attributes.fieldIndex(it->second);
        if (index < 0)
            index = attributes.fieldIndex(field.name);
        for (const char* alias : field.aliases) {
            if (index >= 0)
                break;
            index = attributes.fieldIndex(alias);
        }
        indices.push_back(index);
    }
    return indices;
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
        }
        if (path.empty())
            throw IoError("role \"" + roleName + "\" has no \"source\"", {projectPath, {}, -1, {}});
        const bool isConnection =
            path.rfind("PG:", 0) == 0 || path.find("://") != std::string::npos;
        source.ref.datasetPath = isConnection || fs::path(path).is_absolute()
                                     ? path
                                     : (base / path).lexically_normal().string();
        if (source.open.encoding.empty())
            source.open.encoding = defaults.encoding;
        if (source.open.sourceSrs.empty())
            source.open.sourceSrs = defaults.sourceSrs;
        definition.layers.push_back(std::move(source));
    }
    return definition;
}

} // namespace

ParkDefinition discoverPark(const std::string& source, const OpenOptions& defaults)
{
    ensureGdal();
    std::string lower = source;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower.size() > 5 && lower.compare(lower.size() - 5, 5, ".json") == 0 &&
        lower.find(".parkatlas.") != std::string::npos)
        return readProject(source, defaults);

    ParkDefinition definition;
    definition.source = source;
    definition.name = stemOf(source);
    const LayerListing listing = listSourceLayers(source);
    definition.unreadable = listing.failures;
    for (const LayerRef& ref : listing.layers) {
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
        issues.report({Issue::Severity::Error, {}, {}, -1, failure + " (left out)"});

    // The working CRS: the project's, else the parcels', else the first layer's that has one.
    if (!definition.crs.empty()) {
        park.crs = Crs::fromUserInput(definition.crs);
    } else {
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
                    park.crs = info.crs.crs;
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
        if (park.crs.isEmpty())
            throw CrsError("no layer of the park has a coordinate system" +
                               (looked.empty() ? std::string() : " (none in " + looked + ")") +
                               "; give one with --s-srs or \"crs\" in the project file" +
                               (failure.empty() ? std::string()
                                                : ". And a layer cannot be read: " + failure),
                           {definition.source, {}, -1, {}});
    }

    for (std::size_t i = 0; i < wanted.size(); ++i) {
        const ParkLayerSource& source = *wanted[i];
        ReadOptions read;
        read.open = source.open;
        read.targetCrs = park.crs;
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
            layer.layer = readLayer(source.ref, read, issues);
            layer.fieldIndex =
                resolveContractFields(source.role, layer.layer.attributes, source.fieldMap);
            park.layers.push_back(std::move(layer));
        } catch (const Error& error) {
            issues.report({Issue::Severity::Error, error.context().path, error.context().layer, -1,
                           error.message() + " (the " + std::string(toString(source.role)) +
                               " layer is left out)"});
        }
    }
    return park;
}

} // namespace parkatlas::geo
