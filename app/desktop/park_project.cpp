#include "app/desktop/park_project.h"

#include "geo/error.h"
#include "geo/io/atomic_file.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <ostream>

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

namespace {

/// The project file as a JSON object; an empty one when the file is not there.
QJsonObject readProjectObject(const QString& projectPath)
{
    QFile file(projectPath);
    if (!file.exists())
        return {};
    if (!file.open(QIODevice::ReadOnly))
        throw geo::IoError("cannot read the project file: " + file.errorString().toStdString(),
                           {projectPath.toStdString(), {}, -1, {}});
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        throw geo::IoError("the project file is not a JSON object" +
                               (error.error != QJsonParseError::NoError
                                    ? " (" + error.errorString().toStdString() + " at byte " +
                                          std::to_string(error.offset) + ")"
                                    : std::string()),
                           {projectPath.toStdString(), {}, -1, {}});
    return document.object();
}

} // namespace

std::vector<Bookmark> readBookmarks(const QString& projectPath, QStringList* problems)
{
    std::vector<Bookmark> bookmarks;
    if (projectPath.isEmpty())
        return bookmarks;
    const QJsonArray entries =
        readProjectObject(projectPath).value(QStringLiteral("bookmarks")).toArray();
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const QJsonObject entry = entries.at(i).toObject();
        const QJsonArray extent = entry.value(QStringLiteral("extent")).toArray();
        Bookmark bookmark{entry.value(QStringLiteral("name")).toString().trimmed(),
                          {},
                          entry.value(QStringLiteral("crs")).toString()};
        bool finite = extent.size() == 4;
        double values[4] = {0, 0, 0, 0};
        for (qsizetype c = 0; finite && c < 4; ++c) {
            finite = extent.at(c).isDouble() && std::isfinite(extent.at(c).toDouble());
            values[c] = extent.at(c).toDouble();
        }
        if (bookmark.name.isEmpty() || !finite || values[2] < values[0] || values[3] < values[1]) {
            if (problems)
                problems->append(QStringLiteral("%1: bookmark %2 has no name or no extent "
                                                "[minX, minY, maxX, maxY]: left out")
                                     .arg(projectPath)
                                     .arg(i + 1));
            continue;
        }
        bookmark.extent = {values[0], values[1], values[2], values[3]};
        bookmarks.push_back(std::move(bookmark));
    }
    return bookmarks;
}

void saveBookmarks(const QString& projectPath, const std::vector<Bookmark>& bookmarks)
{
    QJsonObject root = readProjectObject(projectPath);
    QJsonArray entries;
    for (const Bookmark& bookmark : bookmarks) {
        QJsonObject entry;
        entry.insert(QStringLiteral("name"), bookmark.name);
        if (!bookmark.crs.isEmpty())
            entry.insert(QStringLiteral("crs"), bookmark.crs);
        entry.insert(QStringLiteral("extent"),
                     QJsonArray{bookmark.extent.minX, bookmark.extent.minY, bookmark.extent.maxX,
                                bookmark.extent.maxY});
        entries.append(entry);
    }
    if (entries.isEmpty())
        root.remove(QStringLiteral("bookmarks"));
    else
        root.insert(QStringLiteral("bookmarks"), entries);
    const QByteArray text = QJsonDocument(root).toJson(QJsonDocument::Indented);
    geo::writeFileAtomically(projectPath.toStdString(),
                             [&](std::ostream& out) { out.write(text.constData(), text.size()); });
}

} // namespace parkatlas::desktop
