#include "app/desktop/park_project.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>

namespace parkatlas::desktop {

QString projectPathFor(const QStringList& sources)
{
    if (sources.isEmpty())
        return {};
    const QFileInfo first(sources.front());
    if (!first.exists())
        return {};
    const QString stem = first.isDir() ? first.fileName() : first.completeBaseName();
    const QDir folder = first.isDir() ? QFileInfo(first.absoluteFilePath()).dir() : first.dir();
    return folder.absoluteFilePath(stem + QStringLiteral(".parkatlas.json"));
}

geo::ParkDefinition projectDefinition(const std::string& name, const std::string& crs,
                                      const std::vector<ProjectLayer>& layers)
{
    geo::ParkDefinition definition;
    definition.name = name;
    definition.crs = crs;
    for (const ProjectLayer& layer : layers) {
        if (!layer.binding.role || definition.find(*layer.binding.role))
            continue;
        geo::ParkLayerSource source;
        source.role = *layer.binding.role;
        source.ref = layer.ref;
        source.open = layer.open;
        source.fieldMap = layer.binding.fieldMap;
        source.classification = layer.binding.classification;
        definition.layers.push_back(std::move(source));
    }
    return definition;
}

} // namespace parkatlas::desktop
