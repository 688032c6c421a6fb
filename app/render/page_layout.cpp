#include "app/render/page_layout.h"

#include "geo/model/role.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>
#include <stdexcept>

namespace parkatlas::render {

namespace {

struct TableName {
    PageTableKind kind;
    const char* name;
};
constexpr TableName kTableNames[] = {
    {PageTableKind::None, "none"},         {PageTableKind::LandUse, "landuse"},
    {PageTableKind::Findings, "findings"}, {PageTableKind::Acquisition, "acquisition"},
    {PageTableKind::Idle, "idle"},         {PageTableKind::Works, "works"},
    {PageTableKind::Changes, "changes"},
    {PageTableKind::Monitoring, "monitor"},
};

[[noreturn]] void fail(const QString& origin, const QString& what)
{
    throw std::runtime_error((origin + QStringLiteral(": ") + what).toStdString());
}

QString stringOf(const QJsonObject& json, const char* key, const QString& origin,
                 const QString& fallback)
{
    const QJsonValue value = json.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull())
        return fallback;
    if (!value.isString())
        fail(origin, QStringLiteral("\"%1\" must be a text").arg(QLatin1String(key)));
    return value.toString();
}

bool boolOf(const QJsonObject& json, const char* key, const QString& origin, bool fallback)
{
    const QJsonValue value = json.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull())
        return fallback;
    if (!value.isBool())
        fail(origin, QStringLiteral("\"%1\" must be true or false").arg(QLatin1String(key)));
    return value.toBool();
}

double numberOf(const QJsonObject& json, const char* key, const QString& origin, double fallback)
{
    const QJsonValue value = json.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull())
        return fallback;
    if (!value.isDouble() || !std::isfinite(value.toDouble()) || value.toDouble() < 0)
        fail(origin, QStringLiteral("\"%1\" must be a number ≥ 0").arg(QLatin1String(key)));
    return value.toDouble();
}

QString layoutsDirectory(const QString& stylesDirectory)
{
    return stylesDirectory + QStringLiteral("/layouts");
}

/// The user's own templates: $XDG_DATA_HOME/ParkAtlas/layouts (~/.local/share/ParkAtlas/layouts),
/// the folder geo::userDataDirectory() names. Searched before the installed ones, so a user's
/// template of the same name replaces the installed one.
QString userLayoutsDirectory()
{
    const QString data = qEnvironmentVariable("XDG_DATA_HOME");
    if (!data.isEmpty())
        return data + QStringLiteral("/ParkAtlas/layouts");
    const QString home = qEnvironmentVariable("HOME");
    return home.isEmpty() ? QString() : home + QStringLiteral("/.local/share/ParkAtlas/layouts");
}

/// The folders templates come from, the user's first.
QStringList layoutsDirectories(const QString& stylesDirectory)
{
    QStringList folders;
    if (const QString own = userLayoutsDirectory(); !own.isEmpty() && QDir(own).exists())
        folders.append(own);
    folders.append(layoutsDirectory(stylesDirectory));
    return folders;
}

PageLayout readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        fail(path, file.errorString());
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        fail(path, QStringLiteral("not a JSON object (%1 at byte %2)")
                       .arg(error.errorString())
                       .arg(error.offset));
    PageLayout layout = PageLayout::fromJson(document.object(), path);
    if (layout.name.isEmpty())
        layout.name = QFileInfo(path).completeBaseName();
    return layout;
}

} // namespace

const char* toString(PageTableKind kind)
{
    for (const TableName& entry : kTableNames)
        if (entry.kind == kind)
            return entry.name;
    return "none";
}

const char* toString(PageKind kind)
{
    return kind == PageKind::ParcelSheet ? "parcel_sheet" : "map";
}

std::optional<PageTableKind> pageTableKindFromString(const QString& text)
{
    for (const TableName& entry : kTableNames)
        if (text.compare(QLatin1String(entry.name), Qt::CaseInsensitive) == 0)
            return entry.kind;
    return std::nullopt;
}

QSizeF paperSizeMm(const QString& paper)
{
    const QString name = paper.trimmed().toUpper();
    if (name == QLatin1String("A4"))
        return {210, 297};
    if (name == QLatin1String("A3"))
        return {297, 420};
    if (name == QLatin1String("A2"))
        return {420, 594};
    if (name == QLatin1String("A1"))
        return {594, 841};
    if (name == QLatin1String("A0"))
        return {841, 1189};
    return {};
}

double roundScaleUp(double denominator)
{
    if (!(denominator > 0) || !std::isfinite(denominator))
        return 1;
    const double decade = std::pow(10.0, std::floor(std::log10(denominator)));
    // The scales of Chinese planning and survey maps: 1:1000, 1:1500, 1:2000, 1:2500, 1:3000,
    // 1:4000, 1:5000, 1:6000, 1:8000, 1:10 000 … 1:25 000, 1:30 000, 1:40 000, 1:50 000.
    for (const double step : {1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0})
        if (decade * step >= denominator * (1 - 1e-9))
            return decade * step;
    return decade * 10;
}

QSizeF PageLayout::pageSizeMm() const
{
    const QSizeF portrait = paperSizeMm(paper);
    return landscape ? portrait.transposed() : portrait;
}

PageLayout PageLayout::fromJson(const QJsonObject& json, const QString& origin)
{
    static const QStringList kKeys = {
        "about",        "name", "paper", "orientation", "margin_mm", "title",  "subtitle",
        "organisation", "date", "scale", "extent",      "layers",    "legend", "scale_bar",
        "north_arrow",  "grid", "table", "footnote",    "focus",     "kind"};
    for (auto it = json.begin(); it != json.end(); ++it)
        if (!kKeys.contains(it.key()))
            fail(origin, QStringLiteral("unknown key \"%1\" (known: %2)")
                             .arg(it.key(), kKeys.join(QStringLiteral(", "))));

    PageLayout layout;
    const QString pageKind = stringOf(json, "kind", origin, QStringLiteral("map"));
    if (pageKind != QLatin1String("map") && pageKind != QLatin1String("parcel_sheet"))
        fail(origin, QStringLiteral("kind \"%1\" is not map or parcel_sheet").arg(pageKind));
    layout.kind = pageKind == QLatin1String("map") ? PageKind::Map : PageKind::ParcelSheet;
    layout.name = stringOf(json, "name", origin, {});
    layout.paper = stringOf(json, "paper", origin, layout.paper).toUpper();
    if (paperSizeMm(layout.paper).isEmpty())
        fail(origin, QStringLiteral("paper \"%1\" is not A0, A1, A2, A3 or A4").arg(layout.paper));
    const QString orientation = stringOf(json, "orientation", origin, QStringLiteral("landscape"));
    if (orientation != QLatin1String("landscape") && orientation != QLatin1String("portrait"))
        fail(origin, QStringLiteral("orientation must be landscape or portrait"));
    layout.landscape = orientation == QLatin1String("landscape");
    layout.marginMm = numberOf(json, "margin_mm", origin, layout.marginMm);
    layout.title = stringOf(json, "title", origin, {});
    layout.subtitle = stringOf(json, "subtitle", origin, {});
    layout.organisation = stringOf(json, "organisation", origin, {});
    layout.date = stringOf(json, "date", origin, {});
    layout.scaleDenominator = numberOf(json, "scale", origin, 0);
    if (json.contains(QLatin1String("extent"))) {
        const QJsonArray extent = json.value(QLatin1String("extent")).toArray();
        if (extent.size() != 4)
            fail(origin, QStringLiteral("extent must be [minx, miny, maxx, maxy]"));
        geo::Envelope envelope{extent[0].toDouble(), extent[1].toDouble(), extent[2].toDouble(),
                               extent[3].toDouble()};
        if (envelope.isEmpty() || envelope.width() <= 0 || envelope.height() <= 0)
            fail(origin, QStringLiteral("extent must have minx < maxx and miny < maxy"));
        layout.extent = envelope;
    }
    for (const QJsonValue& value : json.value(QLatin1String("layers")).toArray())
        layout.layers.append(value.toString());
    for (const QJsonValue& value : json.value(QLatin1String("focus")).toArray()) {
        if (!geo::roleFromLayerName(value.toString().toStdString()))
            fail(origin, QStringLiteral("focus: \"%1\" is not a layer role").arg(value.toString()));
        layout.focus.append(value.toString());
    }
    layout.legend = boolOf(json, "legend", origin, true);
    layout.scaleBar = boolOf(json, "scale_bar", origin, true);
    layout.northArrow = boolOf(json, "north_arrow", origin, true);
    layout.grid = boolOf(json, "grid", origin, false);
    const QString table = stringOf(json, "table", origin, QStringLiteral("landuse"));
    const auto kind = pageTableKindFromString(table);
    if (!kind)
        fail(origin, QStringLiteral("table \"%1\" is not landuse, findings, acquisition, idle, "
                                    "works or none")
                         .arg(table));
    layout.table = *kind;
    layout.footnote = stringOf(json, "footnote", origin, {});
    return layout;
}

QJsonObject PageLayout::toJson() const
{
    QJsonObject json;
    json.insert(QStringLiteral("kind"), QString::fromLatin1(toString(kind)));
    json.insert(QStringLiteral("name"), name);
    json.insert(QStringLiteral("paper"), paper);
    json.insert(QStringLiteral("orientation"),
                landscape ? QStringLiteral("landscape") : QStringLiteral("portrait"));
    json.insert(QStringLiteral("margin_mm"), marginMm);
    json.insert(QStringLiteral("title"), title);
    json.insert(QStringLiteral("subtitle"), subtitle);
    json.insert(QStringLiteral("organisation"), organisation);
    json.insert(QStringLiteral("date"), date);
    json.insert(QStringLiteral("scale"), scaleDenominator);
    if (extent)
        json.insert(QStringLiteral("extent"),
                    QJsonArray{extent->minX, extent->minY, extent->maxX, extent->maxY});
    json.insert(QStringLiteral("layers"), QJsonArray::fromStringList(layers));
    if (!focus.isEmpty())
        json.insert(QStringLiteral("focus"), QJsonArray::fromStringList(focus));
    json.insert(QStringLiteral("legend"), legend);
    json.insert(QStringLiteral("scale_bar"), scaleBar);
    json.insert(QStringLiteral("north_arrow"), northArrow);
    json.insert(QStringLiteral("grid"), grid);
    json.insert(QStringLiteral("table"), QString::fromLatin1(toString(table)));
    json.insert(QStringLiteral("footnote"), footnote);
    return json;
}

QStringList PageLayout::templateNames(const QString& stylesDirectory)
{
    QStringList names;
    for (const QString& folder : layoutsDirectories(stylesDirectory))
        for (const QFileInfo& info :
             QDir(folder).entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Name))
            if (!names.contains(info.completeBaseName()))
                names.append(info.completeBaseName());
    return names;
}

QStringList PageLayout::templateNames(const QString& stylesDirectory, PageKind kind)
{
    QStringList names;
    for (const QString& name : templateNames(stylesDirectory))
        try {
            if (loadTemplate(name, stylesDirectory).kind == kind)
                names.append(name);
        } catch (const std::runtime_error&) {
        }
    return names;
}

PageLayout PageLayout::loadTemplate(const QString& nameOrPath, const QString& stylesDirectory)
{
    if (nameOrPath.contains(QLatin1Char('/')) ||
        nameOrPath.endsWith(QLatin1String(".json"), Qt::CaseInsensitive) ||
        QFileInfo::exists(nameOrPath))
        return readFile(nameOrPath);
    const QStringList folders = layoutsDirectories(stylesDirectory);
    for (const QString& folder : folders) {
        const QString path = folder + QLatin1Char('/') + nameOrPath + QStringLiteral(".json");
        if (QFileInfo::exists(path))
            return readFile(path);
    }
    const QStringList names = templateNames(stylesDirectory);
    for (const QString& folder : folders)
        for (const QString& name : names) {
            const QString path = folder + QLatin1Char('/') + name + QStringLiteral(".json");
            if (!QFileInfo::exists(path))
                continue;
            PageLayout layout = readFile(path);
            if (layout.name == nameOrPath)
                return layout;
        }
    throw std::runtime_error(
        QStringLiteral("no layout template \"%1\" (in %2: %3)")
            .arg(nameOrPath, folders.join(QStringLiteral(", ")),
                 names.isEmpty() ? QStringLiteral("none") : names.join(QStringLiteral(", ")))
            .toStdString());
}

} // namespace parkatlas::render
