#include "app/render/park_page.h"

#include "app/render/change_map.h"
#include "app/render/page_tables.h"
#include "app/render/role_style_book.h"

#include "geo/error.h"
#include "geo/issue.h"
#include "geo/ledger/ledgers.h"
#include "geo/ledger/monitoring.h"
#include "geo/model/land_use_classification.h"

#include <QFileInfo>
#include <QString>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <set>

namespace parkatlas::render {

namespace {

/// The first column of `table` and those of `keys` it has, in that order.
geo::LedgerTable selectColumns(geo::LedgerTable table, const std::vector<std::string>& keys)
{
    std::vector<std::size_t> keep{0};
    for (const std::string& key : keys)
        for (std::size_t c = 1; c < table.columns.size(); ++c)
            if (table.columns[c].key == key)
                keep.push_back(c);
    auto pick = [&](const std::vector<geo::LedgerCell>& row) {
        std::vector<geo::LedgerCell> out;
        for (const std::size_t c : keep)
            out.push_back(c < row.size() ? row[c] : geo::LedgerCell{});
        return out;
    };
    geo::LedgerTable out = table;
    out.columns.clear();
    for (const std::size_t c : keep)
        out.columns.push_back(table.columns[c]);
    out.rows.clear();
    for (const auto& row : table.rows)
        out.rows.push_back(pick(row));
    if (!table.total.empty())
        out.total = pick(table.total);
    return out;
}

std::optional<geo::LedgerTable> ledgerTable(const geo::Park& park, geo::LedgerKind kind,
                                            const std::string& id,
                                            const std::vector<std::string>& columns,
                                            geo::AreaMethod method, geo::IssueSink& issues)
{
    geo::LedgerOptions options;
    options.areaMethod = method;
    const geo::Ledger ledger = geo::buildLedger(park, kind, options, issues);
    for (const geo::LedgerTable& table : ledger.tables)
        if (table.id == id)
            return selectColumns(table, columns);
    return std::nullopt;
}

/// The findings that have an area of their own, as a polygon layer drawn hatched over the map.
std::shared_ptr<const geo::Layer> findingsLayer(const std::vector<geo::Finding>& findings,
                                                const geo::Crs& crs)
{
    auto layer = std::make_shared<geo::Layer>();
    layer->name = "规划不符图斑";
    layer->crs = crs;
    layer->geometry.setKind(geo::GeometryKind::Polygon);
    std::int64_t fid = 0;
    for (const geo::Finding& finding : findings) {
        if (finding.geometryWkb.empty() || std::isnan(finding.areaMu))
            continue;
        if (!layer->geometry.appendWkb(finding.geometryWkb.data(), finding.geometryWkb.size()))
            continue;
        layer->fids.push_back(fid++);
    }
    // appendWkb leaves an empty feature for what it could not read; keep the counts in step.
    while (layer->fids.size() < layer->geometry.featureCount())
        layer->fids.push_back(-1);
    return layer;
}

/// Whether the layout draws `parkLayer`: it names its role (English or Chinese) or its layer
/// name, or names none.
bool isOnPage(const geo::ParkLayer& parkLayer, const std::set<QString>& wanted)
{
    return wanted.empty() || wanted.count(QString::fromUtf8(geo::toString(parkLayer.role))) ||
           wanted.count(QString::fromUtf8(geo::chineseName(parkLayer.role))) ||
           wanted.count(QString::fromStdString(parkLayer.layer->name));
}

/// "用地分类：宗地 GB 50137-2011 城市用地分类 + GTKJ-2023 用地用海分类指南；控规地块 …": the
/// classification of every land-use layer on the page, declared or detected as the check
/// reads it. "" when no layer on the page has land-use codes or the tables cannot be read.
QString classificationNote(const geo::Park& park, const std::set<QString>& wanted,
                           geo::IssueSink& issues)
{
    const geo::LandUseClassification* table = nullptr;
    try {
        table = &geo::LandUseClassification::standard();
    } catch (const geo::Error& error) {
        issues.report({geo::Issue::Severity::Warning,
                       error.context().path,
                       {},
                       -1,
                       std::string("the map's footnote names no classification: ") + error.what()});
        return {};
    }
    static const std::map<std::string, const char*> kShortNames = {
        {geo::kGbt21010, "土地利用现状分类"},
        {geo::kTddc3, "三调工作分类"},
        {geo::kGb50137, "城市用地分类"},
        {geo::kGtkj2023, "用地用海分类指南"}};
    QStringList parts;
    for (const geo::ParkLayer& parkLayer : park.layers) {
        if (!isOnPage(parkLayer, wanted) || parkLayer.field("land_use") < 0)
            continue;
        const geo::LandUseDetection detection = geo::landUseSystemsOf(parkLayer, *table);
        if (detection.systems.empty())
            continue;
        QStringList systems;
        for (const std::string& system : detection.systems) {
            const auto name = kShortNames.find(system);
            systems.append(QString::fromStdString(system) +
                           (name == kShortNames.end()
                                ? QString()
                                : QLatin1Char(' ') + QString::fromUtf8(name->second)));
        }
        parts.append(QString::fromUtf8(geo::chineseName(parkLayer.role)) + QLatin1Char(' ') +
                     systems.join(QStringLiteral(" + ")) +
                     (detection.declared ? QString() : QStringLiteral("（按代码识别）")));
    }
    if (parts.isEmpty())
        return {};
    return QStringLiteral("用地分类：") + parts.join(QStringLiteral("，"));
}

/// What a park layer is, for the style book: its role, the source field of each contract field
/// as the park read them (a project file's mapping included) and its declared classification.
RoleBinding bindingOf(const geo::ParkLayer& parkLayer)
{
    RoleBinding binding;
    binding.role = parkLayer.role;
    const std::vector<geo::ContractField>& contract = geo::contractFields(parkLayer.role);
    const auto& fields = parkLayer.layer->attributes.fields();
    for (std::size_t i = 0; i < contract.size() && i < parkLayer.fieldIndex.size(); ++i)
        if (const int index = parkLayer.fieldIndex[i];
            index >= 0 && static_cast<std::size_t>(index) < fields.size())
            binding.fieldMap[contract[i].name] = fields[static_cast<std::size_t>(index)].name;
    binding.classification = parkLayer.classification;
    return binding;
}

/// The 监测统计 map's overlay: every piece of the approved area coloured by its land class (B by
/// B11, B21, B22), and G hatched over it.
std::vector<LayerSnapshot> monitoringOverlays(const geo::MonitoringReport& report,
                                              const geo::Crs& crs)
{
    struct ClassColour {
        const char* code;
        QColor fill;
    };
    static const ClassColour kColours[] = {
        {"A1", QColor(255, 230, 80)},   {"A2", QColor(187, 140, 110)},
        {"A3", QColor(240, 60, 60)},    {"A4", QColor(255, 150, 200)},
        {"A5", QColor(160, 160, 160)},  {"A6", QColor(225, 200, 160)},
        {"A", QColor(200, 175, 150)},   {"B11", QColor(255, 185, 110)},
        {"B21", QColor(255, 240, 190)}, {"B22", QColor(236, 236, 236)},
        {"B", QColor(250, 250, 250)},   {"C1", QColor(120, 180, 240)},
        {"C2", QColor(90, 180, 100)},   {"C3", QColor(185, 205, 130)},
    };
    auto layer = std::make_shared<geo::Layer>();
    layer->name = "监测统计地类";
    layer->crs = crs;
    layer->geometry = report.geometry;
    LayerStyle style;
    style.stroke = QColor(90, 90, 90);
    style.strokeWidth = 0.3;
    style.fill = QColor(0, 0, 0, 0);
    style.label = QStringLiteral("地类未能判定");
    style.classField = QStringLiteral("监测地类");
    for (const ClassColour& colour : kColours) {
        Symbol symbol;
        symbol.stroke = QColor(90, 90, 90);
        symbol.strokeWidth = 0.3;
        symbol.fill = colour.fill;
        const geo::MonitoringClassDef* def = geo::monitoringClass(colour.code);
        symbol.label = QString::fromUtf8(colour.code) + QLatin1Char(' ') +
                       QString::fromUtf8(def ? def->nameZh : "");
        if (std::string(colour.code) == "A")
            symbol.label = QStringLiteral("A 已建成（用途未定）");
        style.classes.push_back(symbol);
    }
    auto classes = std::make_shared<std::vector<std::uint16_t>>();
    auto idle = std::make_shared<std::vector<std::uint32_t>>();
    for (std::size_t i = 0; i < report.plots.size(); ++i) {
        const geo::MonitoringPlot& plot = report.plots[i];
        std::string key = plot.landClass;
        if (key == "B")
            key = plot.b1 == "B11" ? "B11" : plot.b2.empty() ? "B" : plot.b2;
        std::uint16_t index = LayerStyle::kNoClass;
        for (std::size_t c = 0; c < std::size(kColours); ++c)
            if (key == kColours[c].code)
                index = static_cast<std::uint16_t>(c);
        classes->push_back(index);
        layer->fids.push_back(plot.fid);
        if (plot.idle)
            idle->push_back(static_cast<std::uint32_t>(i));
    }
    style.featureClass = classes;
    std::vector<LayerSnapshot> out;
    out.emplace_back(layer, style);
    if (!idle->empty()) {
        LayerStyle hatch;
        hatch.stroke = QColor(227, 26, 28);
        hatch.strokeWidth = 1.0;
        hatch.fill = QColor(227, 26, 28);
        hatch.fillPattern = Qt::FDiagPattern;
        hatch.label = QStringLiteral("G 闲置土地");
        out.emplace_back(layer, hatch, std::nullopt, idle);
    }
    return out;
}

} // namespace

std::vector<geo::Role> rolesForPage(const PageLayout& layout)
{
    using geo::Role;
    if (layout.table == PageTableKind::Findings || layout.table == PageTableKind::Changes)
        return {}; // the check reads nearly every layer; a change map compares them all
    std::set<Role> roles;
    if (layout.layers.isEmpty())
        return {};
    for (const QString& name : layout.layers)
        if (const auto role = geo::roleFromLayerName(name.toStdString()))
            roles.insert(*role);
    switch (layout.table) {
    case PageTableKind::LandUse:
        roles.insert(Role::Parcels);
        break;
    case PageTableKind::Acquisition:
        for (Role role : geo::rolesFor(geo::LedgerKind::Acquisition))
            roles.insert(role);
        break;
    case PageTableKind::Idle:
        for (Role role : geo::rolesFor(geo::LedgerKind::Idle))
            roles.insert(role);
        break;
    case PageTableKind::Works:
        for (Role role : geo::rolesFor(geo::LedgerKind::Works))
            roles.insert(role);
        break;
    case PageTableKind::Monitoring:
        for (Role role : geo::monitoringRoles())
            roles.insert(role);
        break;
    case PageTableKind::Findings:
    case PageTableKind::Changes:
    case PageTableKind::None:
        break;
    }
    return {roles.begin(), roles.end()};
}

PageRenderer parkPage(const std::shared_ptr<const geo::Park>& park, const PageLayout& layout,
                      const RoleStyleBook& book, const ParkPageOptions& options,
                      geo::IssueSink& issues)
{

    // The page's layers, sharing the park's data (no copy), each styled as what the park says
    // it is: its role, its contract fields as read, and its declared land-use classification.
    std::vector<std::shared_ptr<const geo::Layer>> layers;
    std::vector<std::optional<RoleBinding>> bindings;
    const std::set<QString> wanted(layout.layers.begin(), layout.layers.end());
    std::set<QString> missingNames = wanted;
    for (const geo::ParkLayer& parkLayer : park->layers) {
        if (!isOnPage(parkLayer, wanted))
            continue;
        missingNames.erase(QString::fromUtf8(geo::toString(parkLayer.role)));
        missingNames.erase(QString::fromUtf8(geo::chineseName(parkLayer.role)));
        missingNames.erase(QString::fromStdString(parkLayer.layer->name));
        layers.push_back(parkLayer.layer);
        bindings.push_back(bindingOf(parkLayer));
    }
    if (!missingNames.empty()) {
        QStringList missing(missingNames.begin(), missingNames.end());
        issues.report({geo::Issue::Severity::Warning,
                       options.source,
                       {},
                       -1,
                       "the map asks for layer(s) " + missing.join(", ").toStdString() +
                           " that the park does not have; left out"});
    }
    std::vector<LayerSnapshot> snapshots = book.styleLayers(layers, bindings);

    const std::vector<geo::Finding>* findings = options.findings;
    if (layout.table == PageTableKind::Findings && !findings)
        throw geo::Error("a findings page needs the plan check's findings");
    if (layout.table == PageTableKind::Findings && findings) {
        auto overlay = findingsLayer(*findings, park->crs);
        if (overlay->featureCount() > 0) {
            LayerStyle style;
            style.stroke = QColor(227, 26, 28);
            style.strokeWidth = 1.2;
            style.fill = QColor(227, 26, 28);
            style.fillPattern = Qt::FDiagPattern;
            snapshots.emplace_back(overlay, style);
        }
    }

    if (layout.table == PageTableKind::Changes) {
        if (!options.diff || !options.previous)
            throw std::runtime_error("a change map (变化图) needs the previous park to compare "
                                     "with (--previous)");
        std::vector<geo::Role> shown;
        for (const QString& name : layout.layers)
            if (const auto role = geo::roleFromLayerName(name.toStdString()))
                shown.push_back(*role);
        for (LayerSnapshot& overlay :
             changeOverlays(*park, *options.previous, *options.diff, shown))
            snapshots.push_back(std::move(overlay));
    }

    std::optional<geo::MonitoringReport> monitoring;
    if (layout.table == PageTableKind::Monitoring && options.monitoring) {
        monitoring = *options.monitoring;
    } else if (layout.table == PageTableKind::Monitoring) {
        // As of today, in the current year (parkatlas monitor --year for another one).
        const auto days = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
        geo::MonitoringOptions monitoringOptions;
        monitoringOptions.areaMethod = options.areaMethod;
        monitoringOptions.statisticsDate =
            geo::Date{static_cast<std::int32_t>(days.time_since_epoch().count())};
        monitoring = geo::computeMonitoring(*park, monitoringOptions.statisticsDate.year(),
                                            monitoringOptions, {}, issues);
    }
    if (monitoring) {
        // Under the boundary and the roads the layout draws, over anything else.
        std::vector<LayerSnapshot> overlays = monitoringOverlays(*monitoring, park->crs);
        auto firstOnTop = std::find_if(snapshots.begin(), snapshots.end(), [](const auto& s) {
            return s.role == geo::Role::Boundary || s.role == geo::Role::Roads;
        });
        snapshots.insert(firstOnTop, overlays.begin(), overlays.end());
    }

    PageRenderer page(layout, std::move(snapshots), park->crs, QString::fromStdString(park->name));
    std::optional<geo::LedgerTable> table;
    switch (layout.table) {
    case PageTableKind::LandUse:
        if (const geo::ParkLayer* parcels = park->layer(geo::Role::Parcels))
            table = landUseTable(*parcels, page.frameExtent(), book, options.areaMethod, issues);
        break;
    case PageTableKind::Findings:
        table = findingsTable(*findings, park->crs);
        break;
    case PageTableKind::Acquisition:
        if (park->layer(geo::Role::Acquisition))
            table = ledgerTable(*park, geo::LedgerKind::Acquisition, "by_stage",
                                {"batches", "area_mu", "households", "persons"}, options.areaMethod,
                                issues);
        break;
    case PageTableKind::Idle:
        if (park->layer(geo::Role::IdleLand))
            table =
                ledgerTable(*park, geo::LedgerKind::Idle, "by_kind",
                            {"cases", "area_mu", "disposal_rate_pct"}, options.areaMethod, issues);
        break;
    case PageTableKind::Works:
        if (park->layer(geo::Role::Roads) || park->layer(geo::Role::Pipelines))
            table =
                ledgerTable(*park, geo::LedgerKind::Works, "by_class",
                            {"km_planned", "km_built", "progress_pct"}, options.areaMethod, issues);
        break;
    case PageTableKind::Changes:
        table = changesTable(*options.diff);
        break;
    case PageTableKind::Monitoring:
        table = geo::monitoringLedger(*monitoring, false, true).tables.front();
        break;
    case PageTableKind::None:
        break;
    }
    page.setTable(std::move(table));

    QStringList footnotes;
    QString sources;
    for (const geo::ParkLayer& parkLayer : park->layers) {
        if (!sources.isEmpty())
            sources += QStringLiteral("、");
        sources += QString::fromUtf8(geo::chineseName(parkLayer.role));
    }
    // The source's own name, not where it lies on this machine.
    const QString sourceName = QFileInfo(QString::fromStdString(options.source)).fileName();
    footnotes.append(QStringLiteral("数据来源：%1（%2）").arg(sourceName, sources));
    const char* method = options.areaMethod == geo::AreaMethod::Survey   ? "三调椭球面积"
                         : options.areaMethod == geo::AreaMethod::Planar ? "投影平面面积"
                                                                         : "椭球面积";
    footnotes.append(
        QStringLiteral("面积：%1，1 亩 = 10000/15 平方米").arg(QString::fromUtf8(method)));
    if (const QString systems = classificationNote(*park, wanted, issues); !systems.isEmpty())
        footnotes.append(systems);
    QStringList ballpark;
    for (const geo::ParkLayer& parkLayer : park->layers)
        if (!parkLayer.ballparkFrom.empty() && isOnPage(parkLayer, wanted))
            ballpark.append(QStringLiteral("%1由 %2 转换")
                                .arg(QString::fromUtf8(geo::chineseName(parkLayer.role)),
                                     QString::fromStdString(parkLayer.ballparkFrom)));
    if (!ballpark.isEmpty())
        footnotes.append(QStringLiteral("近似坐标转换（ballpark，两基准间无公布的转换参数，位置"
                                        "可偏差数十米）：%1")
                             .arg(ballpark.join(QStringLiteral("，"))));
    page.setFootnotes(footnotes);
    return page;
}

} // namespace parkatlas::render
